package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The path attribute descriptor table (BIRD's {@code bgp_attr_table}): per attribute its type
 * code, its optional/transitive flags, the RFC 7606 §7 action when it is malformed, and a
 * decoder and encoder. {@link UpdateCodec} runs the one loop that handles framing, flags,
 * duplicates and missing mandatory attributes.
 */
public enum AttributeType {
    /** RFC 7606 §7.1: wrong length or undefined value: treat-as-withdraw. */
    ORIGIN(1, wellKnown(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() != 1) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 1");
            int o = v.readUnsignedByte();
            if (o > 2) return d.fault(this, "undefined value " + o);
            d.attrs.origin = o;
            return true;
        }
        boolean present(PathAttributes a) { return a.origin >= 0; }
        int length(PathAttributes a, boolean four) { return 1; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeByte(a.origin); }
    },
    /**
     * RFC 7606 §7.2: malformed segments, (eBGP) a wrong first AS, AS 0 (RFC 7607 §2), or
     * confederation segments from an external peer (RFC 5065 §5): treat-as-withdraw.
     */
    AS_PATH(2, wellKnown(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            AsPath p = AsPath.read(v, d.options.fourOctetAs());
            if (p == null) return d.fault(this, "malformed segment");
            if (p.contains(0)) return d.fault(this, "contains AS 0 (RFC 7607 §2)");
            if (d.options.external() && p.hasConfederationSegment()) {
                return d.fault(this, "confederation segment from an external peer (RFC 5065 §5)");
            }
            d.attrs.asPath = p;
            return true;
        }
        boolean present(PathAttributes a) { return a.asPath != null; }
        int length(PathAttributes a, boolean four) {
            int n = 0;
            for (int i = 0; i < a.asPath.segmentCount(); i++) n += 2 + a.asPath.segmentLength(i) * (four ? 4 : 2);
            return n;
        }
        void encode(PathAttributes a, ByteBuf out, boolean four) { a.asPath.write(out, four); }
    },
    /** RFC 7606 §7.3: wrong length or an address that can never be a next hop: treat-as-withdraw. */
    NEXT_HOP(3, wellKnown(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() != 4) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 4");
            int nh = v.readInt();
            // RFC 4271 §6.3: 0.0.0.0, broadcast and multicast (224/4) are never valid next hops.
            if (nh == 0 || nh == -1 || (nh >>> 28) == 0xe) return d.fault(this, "invalid address " + IpAddresses.ipv4(nh));
            // RFC 4271 §6.3: the receiving speaker's own address is semantically incorrect.
            if (d.options.isLocalAddress(nh)) return d.fault(this, IpAddresses.ipv4(nh) + " is our own address (RFC 4271 §6.3)");
            d.attrs.nextHop = IpAddresses.inet(nh);
            return true;
        }
        boolean present(PathAttributes a) { return a.nextHop != null && a.nextHop.getAddress().length == 4; }
        int length(PathAttributes a, boolean four) { return 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeBytes(a.nextHop.getAddress()); }
    },
    /** RFC 7606 §7.4: wrong length: treat-as-withdraw. */
    MULTI_EXIT_DISC(4, optionalNonTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() != 4) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 4");
            d.attrs.med = v.readUnsignedInt();
            return true;
        }
        boolean present(PathAttributes a) { return a.med >= 0; }
        int length(PathAttributes a, boolean four) { return 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeInt((int) a.med); }
    },
    /** RFC 7606 §7.5: wrong length: treat-as-withdraw; from an external peer: discard. */
    LOCAL_PREF(5, wellKnown(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (d.options.external()) return d.discard(this, "received from an external peer");
            if (v.readableBytes() != 4) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 4");
            d.attrs.localPref = v.readUnsignedInt();
            return true;
        }
        boolean present(PathAttributes a) { return a.localPref >= 0; }
        int length(PathAttributes a, boolean four) { return 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeInt((int) a.localPref); }
    },
    /** RFC 7606 §7.6: non-zero length: attribute discard. */
    ATOMIC_AGGREGATE(6, wellKnown(), ErrorHandling.ATTRIBUTE_DISCARD) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() != 0) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 0");
            d.attrs.atomicAggregate = true;
            return true;
        }
        boolean present(PathAttributes a) { return a.atomicAggregate; }
        int length(PathAttributes a, boolean four) { return 0; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { }
    },
    /** RFC 7606 §7.7: length not 6 (2-octet session) or 8 (4-octet), or AS 0 (RFC 7607 §2): attribute discard. */
    AGGREGATOR(7, optionalTransitive(), ErrorHandling.ATTRIBUTE_DISCARD) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            boolean four = d.options.fourOctetAs();
            if (v.readableBytes() != (four ? 8 : 6)) return d.lengthFault(this, "length " + v.readableBytes() + ", expected " + (four ? 8 : 6));
            long as = four ? v.readUnsignedInt() : v.readUnsignedShort();
            if (as == 0) return d.fault(this, "AS 0 (RFC 7607 §2)");
            d.attrs.aggregator = new PathAttributes.Aggregator(as, v.readInt());
            return true;
        }
        boolean present(PathAttributes a) { return a.aggregator != null; }
        int length(PathAttributes a, boolean four) { return four ? 8 : 6; }
        void encode(PathAttributes a, ByteBuf out, boolean four) {
            long as = a.aggregator.asNumber();
            if (four) out.writeInt((int) as);
            else out.writeShort(as > 0xffff ? AsPath.AS_TRANS : (int) as);
            out.writeInt(a.aggregator.address());
        }
    },
    /** RFC 7606 §7.8 (RFC 1997): length not a non-zero multiple of 4: treat-as-withdraw. */
    COMMUNITIES(8, optionalTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            int n = v.readableBytes();
            if (n == 0 || n % 4 != 0) return d.lengthFault(this, "length " + n + " is not a non-zero multiple of 4");
            int[] c = new int[n / 4];
            for (int i = 0; i < c.length; i++) c[i] = v.readInt();
            d.attrs.communities = c;
            return true;
        }
        boolean present(PathAttributes a) { return a.communities != null; }
        int length(PathAttributes a, boolean four) { return a.communities.length * 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { for (int c : a.communities) out.writeInt(c); }
    },
    /** RFC 7606 §7.9 (RFC 4456): wrong length: treat-as-withdraw; from an external peer: discard. */
    ORIGINATOR_ID(9, optionalNonTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (d.options.external()) return d.discard(this, "received from an external peer");
            if (v.readableBytes() != 4) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 4");
            d.attrs.originatorId = v.readUnsignedInt();
            return true;
        }
        boolean present(PathAttributes a) { return a.originatorId >= 0; }
        int length(PathAttributes a, boolean four) { return 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeInt((int) a.originatorId); }
    },
    /** RFC 7606 §7.10 (RFC 4456): length not a non-zero multiple of 4: treat-as-withdraw; eBGP: discard. */
    CLUSTER_LIST(10, optionalNonTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (d.options.external()) return d.discard(this, "received from an external peer");
            int n = v.readableBytes();
            if (n == 0 || n % 4 != 0) return d.lengthFault(this, "length " + n + " is not a non-zero multiple of 4");
            int[] c = new int[n / 4];
            for (int i = 0; i < c.length; i++) c[i] = v.readInt();
            d.attrs.clusterList = c;
            return true;
        }
        boolean present(PathAttributes a) { return a.clusterList != null; }
        int length(PathAttributes a, boolean four) { return a.clusterList.length * 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { for (int c : a.clusterList) out.writeInt(c); }
    },
    /** RFC 7606 §7.11 and §5.3: a malformed MP_REACH_NLRI cannot be withdrawn safely: session reset. */
    MP_REACH_NLRI(14, optionalNonTransitive(), ErrorHandling.SESSION_RESET) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() < 5) return d.lengthFault(this, "length " + v.readableBytes() + " < 5");
            int afi = v.readUnsignedShort();
            int safi = v.readUnsignedByte();
            int nhLen = v.readUnsignedByte();
            if (v.readableBytes() < nhLen + 1) return d.fault(this, "next hop length " + nhLen + " overruns the attribute");
            AddressFamily f = AddressFamily.of(afi, safi);
            if (f == null || !d.familyAccepted(f)) {
                // RFC 4760 §7: an AFI/SAFI not negotiated is ignored, not an error.
                d.problems.add("MP_REACH_NLRI for AFI " + afi + " SAFI " + safi + " ignored: not negotiated");
                v.skipBytes(v.readableBytes());
                return true;
            }
            // Next hop: 4 (IPv4), 16 (IPv4 over IPv6, RFC 8950), 16 or 32 (IPv6 global + link-local, RFC 2545 §3).
            if (!(nhLen == 4 || nhLen == 16 || nhLen == 32)) return d.fault(this, "next hop length " + nhLen);
            byte[] nh = new byte[nhLen == 32 ? 16 : nhLen];
            v.readBytes(nh);
            v.skipBytes(nhLen - nh.length + 1); // link-local part, then the reserved octet (RFC 4760 §3)
            try {
                d.attrs.mpNextHop = InetAddress.getByAddress(nh);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
            String wrongNextHop = semanticNextHopError(nh, d.options);
            // RFC 7606 §7.11 / RFC 4271 §6.3: a well-formed but unusable next hop: the NLRI are
            // still read (so they can be withdrawn) and the UPDATE is treated as a withdrawal.
            if (wrongNextHop != null) d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, NotificationCode.UPDATE_INVALID_NEXT_HOP,
                    this + " next hop " + wrongNextHop);
            return d.readMpNlri(v, f, this);
        }
        boolean present(PathAttributes a) { return false; } // written by UpdateCodec with its NLRI
        int length(PathAttributes a, boolean four) { return 0; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { }
    },
    /** RFC 7606 §7.12: like MP_REACH_NLRI, session reset (this speaker does not do AFI/SAFI disable). */
    MP_UNREACH_NLRI(15, optionalNonTransitive(), ErrorHandling.SESSION_RESET) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (v.readableBytes() < 3) return d.lengthFault(this, "length " + v.readableBytes() + " < 3");
            int afi = v.readUnsignedShort();
            int safi = v.readUnsignedByte();
            AddressFamily f = AddressFamily.of(afi, safi);
            if (f == null || !d.familyAccepted(f)) {
                d.problems.add("MP_UNREACH_NLRI for AFI " + afi + " SAFI " + safi + " ignored: not negotiated");
                v.skipBytes(v.readableBytes());
                return true;
            }
            d.sawMpUnreach = true;
            if (!v.isReadable()) d.emptyUnreachFamily = f;
            return d.readNlri(v, f, d.withdrawn, this);
        }
        boolean present(PathAttributes a) { return false; }
        int length(PathAttributes a, boolean four) { return 0; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { }
    },
    /** RFC 7606 §7.14 (RFC 4360): length not a non-zero multiple of 8: treat-as-withdraw. */
    EXTENDED_COMMUNITIES(16, optionalTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            int n = v.readableBytes();
            if (n == 0 || n % 8 != 0) return d.lengthFault(this, "length " + n + " is not a non-zero multiple of 8");
            long[] c = new long[n / 8];
            for (int i = 0; i < c.length; i++) c[i] = v.readLong();
            d.attrs.extendedCommunities = c;
            return true;
        }
        boolean present(PathAttributes a) { return a.extendedCommunities != null; }
        int length(PathAttributes a, boolean four) { return a.extendedCommunities.length * 8; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { for (long c : a.extendedCommunities) out.writeLong(c); }
    },
    /**
     * RFC 6793 §6: malformed (bad segment, confederation segment: §3 forbids them here, AS 0:
     * RFC 7607 §2): attribute discard; on a 4-octet session it is discarded unread (§4.1).
     */
    AS4_PATH(17, optionalTransitive(), ErrorHandling.ATTRIBUTE_DISCARD) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (d.options.fourOctetAs()) return d.discard(this, "received on a 4-octet AS session (RFC 6793 §4.1)");
            AsPath p = AsPath.read(v, true);
            if (p == null) return d.fault(this, "malformed segment");
            if (p.hasConfederationSegment()) return d.fault(this, "confederation segment (RFC 6793 §3)");
            if (p.contains(0)) return d.fault(this, "contains AS 0 (RFC 7607 §2)");
            d.attrs.as4Path = p;
            return true;
        }
        boolean present(PathAttributes a) { return false; } // emitted by UpdateCodec for 2-octet peers
        int length(PathAttributes a, boolean four) { return 0; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { }
    },
    /** RFC 6793 §6: wrong length, or AS 0 (RFC 7607 §2): attribute discard. */
    AS4_AGGREGATOR(18, optionalTransitive(), ErrorHandling.ATTRIBUTE_DISCARD) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            if (d.options.fourOctetAs()) return d.discard(this, "received on a 4-octet AS session (RFC 6793 §4.1)");
            if (v.readableBytes() != 8) return d.lengthFault(this, "length " + v.readableBytes() + ", expected 8");
            long as = v.readUnsignedInt();
            if (as == 0) return d.fault(this, "AS 0 (RFC 7607 §2)");
            d.attrs.as4Aggregator = new PathAttributes.Aggregator(as, v.readInt());
            return true;
        }
        boolean present(PathAttributes a) { return false; }
        int length(PathAttributes a, boolean four) { return 0; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { }
    },
    /** RFC 7606 §7.15 (RFC 5701): length not a non-zero multiple of 20: treat-as-withdraw. */
    IPV6_EXTENDED_COMMUNITIES(25, optionalTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            int n = v.readableBytes();
            if (n == 0 || n % ExtendedCommunity.IPV6_LENGTH != 0) {
                return d.lengthFault(this, "length " + n + " is not a non-zero multiple of 20");
            }
            byte[] c = new byte[n];
            v.readBytes(c);
            d.attrs.ipv6ExtendedCommunities = c;
            return true;
        }
        boolean present(PathAttributes a) { return a.ipv6ExtendedCommunities != null; }
        int length(PathAttributes a, boolean four) { return a.ipv6ExtendedCommunities.length; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { out.writeBytes(a.ipv6ExtendedCommunities); }
    },
    /** RFC 8092 §6: length not a non-zero multiple of 12: treat-as-withdraw. */
    LARGE_COMMUNITIES(32, optionalTransitive(), ErrorHandling.TREAT_AS_WITHDRAW) {
        boolean decode(ByteBuf v, UpdateDecoding d) {
            int n = v.readableBytes();
            if (n == 0 || n % 12 != 0) return d.lengthFault(this, "length " + n + " is not a non-zero multiple of 12");
            int[] c = new int[n / 4];
            for (int i = 0; i < c.length; i++) c[i] = v.readInt();
            d.attrs.largeCommunities = c;
            return true;
        }
        boolean present(PathAttributes a) { return a.largeCommunities != null; }
        int length(PathAttributes a, boolean four) { return a.largeCommunities.length * 4; }
        void encode(PathAttributes a, ByteBuf out, boolean four) { for (int c : a.largeCommunities) out.writeInt(c); }
    };

    public static final int FLAG_OPTIONAL = 0x80;
    public static final int FLAG_TRANSITIVE = 0x40;
    public static final int FLAG_PARTIAL = 0x20;
    public static final int FLAG_EXTENDED_LENGTH = 0x10;

    private static final AttributeType[] BY_CODE = new AttributeType[256];

    static {
        for (AttributeType t : values()) {
            if (BY_CODE[t.code] != null) throw new ExceptionInInitializerError("duplicate attribute code " + t.code);
            BY_CODE[t.code] = t;
        }
    }

    public final int code;
    /** The optional and transitive bits this attribute must carry (RFC 4271 §5). */
    public final int flags;
    public final ErrorHandling onMalformed;

    AttributeType(int code, int flags, ErrorHandling onMalformed) {
        this.code = code;
        this.flags = flags;
        this.onMalformed = onMalformed;
    }

    private static int wellKnown() {
        return FLAG_TRANSITIVE;
    }

    private static int optionalTransitive() {
        return FLAG_OPTIONAL | FLAG_TRANSITIVE;
    }

    private static int optionalNonTransitive() {
        return FLAG_OPTIONAL;
    }

    public static AttributeType byCode(int code) {
        return BY_CODE[code & 0xff];
    }

    /**
     * RFC 4271 §4.3: optional and transitive bits as the type says, and the Partial bit only on
     * optional transitive attributes (well-known and optional non-transitive ones carry it 0).
     */
    public boolean flagsConflict(int received) {
        if ((received & (FLAG_OPTIONAL | FLAG_TRANSITIVE)) != flags) return true;
        return (received & FLAG_PARTIAL) != 0 && flags != (FLAG_OPTIONAL | FLAG_TRANSITIVE);
    }

    /** RFC 7606 §3 c: a flag conflict is treat-as-withdraw; for MP_REACH/MP_UNREACH the NLRI are not trusted: reset. */
    public ErrorHandling onBadFlags() {
        return onMalformed == ErrorHandling.SESSION_RESET ? ErrorHandling.SESSION_RESET : ErrorHandling.TREAT_AS_WITHDRAW;
    }

    /** The RFC 4271 §6.3 subcode for a malformed value of this attribute (sent only on a session reset). */
    int malformedSubcode() {
        return switch (this) {
            case ORIGIN -> NotificationCode.UPDATE_INVALID_ORIGIN;
            case AS_PATH -> NotificationCode.UPDATE_MALFORMED_AS_PATH;
            case NEXT_HOP -> NotificationCode.UPDATE_INVALID_NEXT_HOP;
            default -> (flags & FLAG_OPTIONAL) != 0 ? NotificationCode.UPDATE_OPTIONAL_ATTRIBUTE
                    : NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST;
        };
    }

    /** Why a well-formed MP_REACH_NLRI next hop cannot be used (RFC 4271 §6.3 rules, RFC 2545 §3), or null. */
    static String semanticNextHopError(byte[] nh, CodecOptions o) {
        if (nh.length == 4) {
            int a = IpAddresses.toInt(nh);
            if (a == 0 || a == -1 || (a >>> 28) == 0xe) return IpAddresses.ipv4(a) + " is not a host address";
        } else {
            boolean zero = true;
            for (byte b : nh) zero &= b == 0;
            if (zero) return ":: is not a host address";
            if ((nh[0] & 0xff) == 0xff) return "is multicast";
        }
        return o.isLocalAddress(nh) ? "is our own address (RFC 4271 §6.3)" : null;
    }

    /** Reads the whole value; returns false (after recording the fault) when it is malformed. */
    abstract boolean decode(ByteBuf value, UpdateDecoding d);

    abstract boolean present(PathAttributes a);

    abstract int length(PathAttributes a, boolean fourOctet);

    abstract void encode(PathAttributes a, ByteBuf out, boolean fourOctet);

    /** Writes flags, code, length (extended when over 255, RFC 4271 §4.3) and the value. */
    void write(PathAttributes a, ByteBuf out, boolean fourOctet) {
        int len = length(a, fourOctet);
        writeHeader(out, flags, code, len);
        encode(a, out, fourOctet);
    }

    static void writeHeader(ByteBuf out, int flags, int code, int len) {
        if (len > 255) {
            out.writeByte(flags | FLAG_EXTENDED_LENGTH).writeByte(code).writeShort(len);
        } else {
            out.writeByte(flags).writeByte(code).writeByte(len);
        }
    }
}
