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
    /** The Withdrawn Routes field, as primitive columns: a full-table withdrawal makes no Prefix per route. */
    final PrefixList.Builder withdrawnV4 = new PrefixList.Builder(AddressFamily.IPV4_UNICAST);
    /** Every other withdrawal: MP_UNREACH_NLRI, and the NLRI a treat-as-withdraw turned into withdrawals. */
    final List<Prefix> withdrawn = new ArrayList<>(0);
    final PrefixList.Builder nlri = new PrefixList.Builder(AddressFamily.IPV4_UNICAST);
    /** Created by MP_REACH_NLRI with its family; null without one. */
    PrefixList.Builder mpNlri;
    final List<String> problems = new ArrayList<>(0);
    ErrorHandling handling = ErrorHandling.NONE;
    /** The RFC 4271 §6.3 subcode of the first error that reached {@link #handling}: sent if it ends in a reset. */
    int resetSubcode = NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST;
    boolean sawMpUnreach;
    /** RFC 7606 §5.2: an attribute other than MP_UNREACH_NLRI (or attribute bytes that could not be framed). */
    boolean sawOtherAttributes;
    /** The family of an MP_UNREACH_NLRI that held no prefixes (an End-of-RIB marker), else null. */
    AddressFamily emptyUnreachFamily;

    UpdateDecoding(CodecOptions options, Set<AddressFamily> families) {
        this.options = options;
        this.families = families;
    }

    boolean familyAccepted(AddressFamily f) {
        return families.contains(f);
    }

    /** Records a malformed attribute value with the action its descriptor prescribes. */
    boolean fault(AttributeType t, String what) {
        return fault(t, t.malformedSubcode(), what);
    }

    /** RFC 4271 §6.3 "Attribute Length Error" (RFC 4760 §7: Optional Attribute Error for the MP attributes). */
    boolean lengthFault(AttributeType t, String what) {
        boolean mp = t == AttributeType.MP_REACH_NLRI || t == AttributeType.MP_UNREACH_NLRI;
        return fault(t, mp ? t.malformedSubcode() : NotificationCode.UPDATE_ATTRIBUTE_LENGTH, what);
    }

    boolean fault(AttributeType t, int subcode, String what) {
        problems.add(t + " malformed: " + what + " (" + t.onMalformed + ")");
        raise(t.onMalformed, subcode);
        return false;
    }

    /** RFC 7606 §3 c: flags that conflict with the type. */
    void flagsFault(AttributeType t, int flags) {
        ErrorHandling h = t.onBadFlags();
        problems.add(t + " malformed: flags 0x" + Integer.toHexString(flags) + " conflict with the type (" + h + ")");
        raise(h, NotificationCode.UPDATE_ATTRIBUTE_FLAGS);
    }

    /** A well-formed attribute that must still be dropped (RFC 7606 §7.5, §7.9, §7.10; RFC 6793 §4.1). */
    boolean discard(AttributeType t, String why) {
        problems.add(t + " discarded: " + why + " (" + ErrorHandling.ATTRIBUTE_DISCARD + ")");
        raise(ErrorHandling.ATTRIBUTE_DISCARD, NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST);
        return true;
    }

    void escalate(ErrorHandling h, String what) {
        escalate(h, NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST, what);
    }

    void escalate(ErrorHandling h, int subcode, String what) {
        problems.add(what + " (" + h + ")");
        raise(h, subcode);
    }

    /** RFC 7606 §3 j: the strongest action wins; its first error names the NOTIFICATION subcode. */
    private void raise(ErrorHandling h, int subcode) {
        if (h.ordinal() > handling.ordinal()) {
            handling = h;
            resetSubcode = subcode;
        }
    }

    boolean hasReachable() {
        return !nlri.isEmpty() || (mpNlri != null && !mpNlri.isEmpty());
    }

    /** All withdrawals; the decoded columns themselves in the usual case of the Withdrawn Routes field alone. */
    List<Prefix> withdrawnList() {
        if (withdrawn.isEmpty()) return withdrawnV4.isEmpty() ? List.of() : withdrawnV4.build();
        if (withdrawnV4.isEmpty()) return withdrawn;
        List<Prefix> all = new ArrayList<>(withdrawnV4.build());
        all.addAll(withdrawn);
        return all;
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
