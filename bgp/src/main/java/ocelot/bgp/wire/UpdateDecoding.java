package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The state of decoding one UPDATE: the attributes so far, the NLRI, and the strongest RFC 7606 verdict. */
final class UpdateDecoding {
    final CodecOptions options;
    final Set<AddressFamily> families;
    final PathAttributes.Builder attrs = PathAttributes.builder();
    final List<Prefix> withdrawn = new ArrayList<>();
    final PrefixList.Builder nlri = new PrefixList.Builder(AddressFamily.IPV4_UNICAST);
    /** Created by MP_REACH_NLRI with its family; null without one. */
    PrefixList.Builder mpNlri;
    final List<String> problems = new ArrayList<>(0);
    ErrorHandling handling = ErrorHandling.NONE;
    int resetSubcode = NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST;
    boolean sawMpUnreach;
    /** The family of an MP_UNREACH_NLRI that held no prefixes (an End-of-RIB marker), else null. */
    AddressFamily emptyUnreachFamily;

    UpdateDecoding(CodecOptions options, Set<AddressFamily> families) {
        this.options = options;
        this.families = families;
    }

    boolean familyAccepted(AddressFamily f) {
        return families.contains(f);
    }

    /** Records a malformed attribute with the action its descriptor prescribes. */
    boolean fault(AttributeType t, String what) {
        problems.add(t + " malformed: " + what + " (" + t.onMalformed + ")");
        handling = handling.max(t.onMalformed);
        if (t.onMalformed == ErrorHandling.SESSION_RESET) {
            resetSubcode = t == AttributeType.MP_REACH_NLRI || t == AttributeType.MP_UNREACH_NLRI
                    ? NotificationCode.UPDATE_OPTIONAL_ATTRIBUTE : NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST;
        }
        return false;
    }

    /** A well-formed attribute that must still be dropped (RFC 7606 §7.5, §7.9, §7.10; RFC 6793 §4.1). */
    boolean discard(AttributeType t, String why) {
        problems.add(t + " discarded: " + why);
        handling = handling.max(ErrorHandling.ATTRIBUTE_DISCARD);
        return true;
    }

    void escalate(ErrorHandling h, String what) {
        problems.add(what + " (" + h + ")");
        handling = handling.max(h);
    }

    boolean hasReachable() {
        return !nlri.isEmpty() || (mpNlri != null && !mpNlri.isEmpty());
    }

    List<Prefix> nlriList() {
        return nlri.isEmpty() ? List.of() : nlri.build();
    }

    List<Prefix> mpNlriList() {
        return mpNlri == null || mpNlri.isEmpty() ? List.of() : mpNlri.build();
    }

    boolean readMpNlri(ByteBuf v, AddressFamily f, AttributeType owner) {
        mpNlri = new PrefixList.Builder(f);
        mpNlri.expect(v.readableBytes());
        try {
            mpNlri.readAll(v);
            return true;
        } catch (IllegalArgumentException e) {
            return fault(owner, e.getMessage());
        }
    }

    boolean readNlri(ByteBuf v, AddressFamily f, List<Prefix> into, AttributeType owner) {
        try {
            while (v.isReadable()) into.add(Prefix.read(v, f));
            return true;
        } catch (IllegalArgumentException e) {
            return fault(owner, e.getMessage());
        }
    }
}
