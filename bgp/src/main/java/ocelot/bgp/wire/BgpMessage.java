package ocelot.bgp.wire;

import java.util.Arrays;
import java.util.List;

/** The five BGP messages (RFC 4271 §4, RFC 2918) as immutable records; the codec is {@link MessageCodec}. */
public sealed interface BgpMessage {

    int OPEN = 1;
    int UPDATE = 2;
    int NOTIFICATION = 3;
    int KEEPALIVE = 4;
    int ROUTE_REFRESH = 5;

    int type();

    /** RFC 4271 §4.2; {@code asNumber} is the 4-octet AS when the capability is present (RFC 6793 §3). */
    record Open(int version, long asNumber, int holdTimeSeconds, int bgpIdentifier, List<Capability> capabilities)
            implements BgpMessage {
        public Open {
            capabilities = List.copyOf(capabilities);
        }

        public int type() {
            return OPEN;
        }

        public <C extends Capability> C capability(Class<C> kind) {
            for (Capability c : capabilities) {
                if (kind.isInstance(c)) {
                    return kind.cast(c);
                }
            }
            return null;
        }

        public boolean supports(AddressFamily f) {
            boolean anyMp = false;
            for (Capability c : capabilities) {
                if (c instanceof Capability.Multiprotocol mp) {
                    anyMp = true;
                    if (mp.family() == f) return true;
                }
            }
            // RFC 4760 §8: a speaker without multiprotocol capabilities speaks IPv4 unicast only.
            return !anyMp && f == AddressFamily.IPV4_UNICAST;
        }
    }

    /**
     * RFC 4271 §4.3 plus MP_REACH/MP_UNREACH (RFC 4760): {@code withdrawn} holds every family's
     * withdrawals; {@code nlri} the IPv4 NLRI after the attributes (next hop: NEXT_HOP), and
     * {@code mpNlri} the MP_REACH NLRI (next hop: {@link PathAttributes#mpNextHop()}).
     * {@code handling} and {@code problems} carry the RFC 7606 verdict; the decoder has already
     * applied treat-as-withdraw by moving the NLRI into {@code withdrawn}.
     * {@code emptyUnreachFamily} is the family an MP_UNREACH_NLRI without prefixes named (the
     * End-of-RIB marker of a family other than IPv4, RFC 4724 §2), null when there was none.
     */
    record Update(List<Prefix> withdrawn, PathAttributes attributes, List<Prefix> nlri, List<Prefix> mpNlri,
                  ErrorHandling handling, List<String> problems, AddressFamily emptyUnreachFamily) implements BgpMessage {
        public Update {
            // A decoded PrefixList is already immutable; copying it would build a Prefix per route.
            withdrawn = withdrawn instanceof PrefixList ? withdrawn : List.copyOf(withdrawn);
            nlri = nlri instanceof PrefixList ? nlri : List.copyOf(nlri);
            mpNlri = mpNlri instanceof PrefixList ? mpNlri : List.copyOf(mpNlri);
            problems = List.copyOf(problems);
        }

        public Update(List<Prefix> withdrawn, PathAttributes attributes, List<Prefix> nlri, List<Prefix> mpNlri,
                      ErrorHandling handling, List<String> problems) {
            this(withdrawn, attributes, nlri, mpNlri, handling, problems, null);
        }

        public Update(List<Prefix> withdrawn, PathAttributes attributes, List<Prefix> nlri, List<Prefix> mpNlri) {
            this(withdrawn, attributes, nlri, mpNlri, ErrorHandling.NONE, List.of());
        }

        public int type() {
            return UPDATE;
        }

        /**
         * RFC 4724 §2: an UPDATE with nothing in it marks End-of-RIB for IPv4 unicast; one holding
         * only an empty MP_UNREACH_NLRI marks it for that attribute's family.
         */
        public boolean isEndOfRib() {
            return withdrawn.isEmpty() && nlri.isEmpty() && mpNlri.isEmpty()
                    && (attributes == null || attributes.equals(PathAttributes.EMPTY));
        }

        /** The family whose End-of-RIB this is, or null when it is no End-of-RIB. */
        public AddressFamily endOfRibFamily() {
            if (!isEndOfRib()) return null;
            return emptyUnreachFamily != null ? emptyUnreachFamily : AddressFamily.IPV4_UNICAST;
        }
    }

    record Notification(int code, int subcode, byte[] data) implements BgpMessage {
        public Notification {
            data = data == null ? new byte[0] : data.clone();
        }

        public int type() {
            return NOTIFICATION;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Notification n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
        }

        @Override
        public int hashCode() {
            return code * 257 + subcode;
        }

        /**
         * RFC 9003 §2: the shutdown communication of a Cease / Administrative Shutdown or Reset (a
         * length octet, then that many octets of UTF-8), or null when there is none or it is not valid.
         */
        public String shutdownCommunication() {
            if (code != NotificationCode.CEASE || data.length == 0) return null;
            if (subcode != NotificationCode.CEASE_ADMIN_SHUTDOWN && subcode != NotificationCode.CEASE_ADMIN_RESET) return null;
            int len = data[0] & 0xff;
            if (len == 0 || 1 + len > data.length) return null;
            try {
                return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(data, 1, len)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                return null; // RFC 9003 §2: invalid UTF-8 is logged as the octets it is
            }
        }

        /** RFC 9003 §2: a Cease carrying {@code text} (UTF-8, at most 255 octets, truncated on a character boundary). */
        public static Notification cease(int subcode, String text) {
            byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int n = Math.min(255, utf8.length);
            while (n < utf8.length && n > 0 && (utf8[n] & 0xc0) == 0x80) n--; // never split a character
            byte[] d = new byte[1 + n];
            d[0] = (byte) n;
            System.arraycopy(utf8, 0, d, 1, n);
            return new Notification(NotificationCode.CEASE, subcode, d);
        }

        @Override
        public String toString() {
            String text = shutdownCommunication();
            if (text != null) {
                // Quoted and with control characters escaped: the text comes from the peer (RFC 9003 §5).
                StringBuilder sb = new StringBuilder(NotificationCode.describe(code, subcode)).append(": shutdown communication \"");
                text.codePoints().forEach(c -> {
                    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') sb.append(String.format("\\u%04x", c));
                    else sb.appendCodePoint(c);
                });
                return sb.append('"').toString();
            }
            return NotificationCode.describe(code, subcode) + (data.length > 0 ? " data " + java.util.HexFormat.of().formatHex(data) : "");
        }
    }

    record Keepalive() implements BgpMessage {
        public int type() {
            return KEEPALIVE;
        }
    }

    /** RFC 2918 §3; {@code family} is null for an AFI/SAFI this speaker does not carry (to be ignored). */
    record RouteRefresh(AddressFamily family) implements BgpMessage {
        public int type() {
            return ROUTE_REFRESH;
        }
    }
}
