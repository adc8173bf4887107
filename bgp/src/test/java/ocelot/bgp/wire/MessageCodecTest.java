package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;

import static ocelot.bgp.wire.Hex.bytes;
import static ocelot.bgp.wire.Hex.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte-vector round trips for every message and attribute: decode, check fields, re-encode, same bytes. */
class MessageCodecTest {

    static BgpMessage decode(byte[] wire, CodecOptions o) {
        ByteBuf b = Unpooled.wrappedBuffer(wire);
        try {
            return MessageCodec.decode(b, o, MessageCodec.allFamilies());
        } finally {
            b.release();
        }
    }

    static byte[] encode(BgpMessage m, boolean fourOctet) {
        ByteBuf b = Unpooled.buffer();
        try {
            MessageCodec.encode(m, b, fourOctet);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    static BgpMessage roundTrip(byte[] wire, CodecOptions o) {
        BgpMessage m = decode(wire, o);
        assertEquals(hex(wire), hex(encode(m, o.fourOctetAs())), "re-encoded bytes differ");
        return m;
    }

    @Test
    void keepalive() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff // marker
                0013                             // length 19
                04                               // type KEEPALIVE
                """);
        assertInstanceOf(BgpMessage.Keepalive.class, roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP));
    }

    @Test
    void openWithCapabilities() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff 0043 01 // header, length 67, OPEN
                04                // version 4
                5ba0              // my AS: AS_TRANS 23456 (real AS in capability 65)
                005a              // hold time 90
                0a000001          // BGP identifier 10.0.0.1
                26                // optional parameters length 38
                02 06 01 04 0001 00 01    // capability MP: AFI 1 SAFI 1
                02 06 01 04 0002 00 01    // capability MP: AFI 2 SAFI 1
                02 02 02 00               // capability route refresh
                02 08 40 06 8078 0001 01 80  // graceful restart: restarting, 120 s, IPv4 unicast forwarding kept
                02 06 41 04 00030d40      // 4-octet AS 200000
                """);
        BgpMessage.Open o = (BgpMessage.Open) roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(200000, o.asNumber());
        assertEquals(90, o.holdTimeSeconds());
        assertEquals(IpAddresses.toInt(IpAddresses.inet("10.0.0.1")), o.bgpIdentifier());
        assertTrue(o.supports(AddressFamily.IPV6_UNICAST));
        assertEquals(new Capability.GracefulRestart(true, 120, List.of(AddressFamily.IPV4_UNICAST)),
                o.capability(Capability.GracefulRestart.class));
        assertEquals(new Capability.FourOctetAs(200000), o.capability(Capability.FourOctetAs.class));
    }

    /** RFC 4724 §3: every family listed, the F bit only where forwarding was kept (here IPv4, not IPv6). */
    @Test
    void gracefulRestartListsFamiliesWithAndWithoutForwardingState() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff 002b 01 // header, length 43, OPEN
                04 fde8 005a 0a000001                    // version 4, AS 65000, hold 90, id 10.0.0.1
                0e                                       // optional parameters length 14
                02 0c 40 0a 8078 0001 01 80 0002 01 00   // GR: restarting, 120 s, IPv4 kept, IPv6 not
                """);
        BgpMessage.Open o = (BgpMessage.Open) roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(new Capability.GracefulRestart(true, 120, List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST),
                List.of(AddressFamily.IPV4_UNICAST)), o.capability(Capability.GracefulRestart.class));
    }

    @Test
    void openKeepsUnknownCapabilitiesAndExtendedNextHop() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff 002d 01 // header, length 45, OPEN
                04 fde8 00b4 c0a80001   // version 4, AS 65000, hold 180, id 192.168.0.1
                10                      // optional parameters length 16
                02 08 05 06 0001 0001 0002  // extended next hop: IPv4 unicast over IPv6 (RFC 8950)
                02 04 49 02 abcd            // unknown capability 73, kept opaque
                """);
        BgpMessage.Open o = (BgpMessage.Open) roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(65000, o.asNumber());
        assertEquals(new Capability.ExtendedNextHop(List.of(AddressFamily.IPV4_UNICAST), 2), o.capabilities().get(0));
        assertEquals(new Capability.Unknown(73, new byte[]{(byte) 0xab, (byte) 0xcd}), o.capabilities().get(1));
        // RFC 4760 §8: no MP capability at all would mean IPv4 only; here it is absent but another is present.
        assertTrue(o.supports(AddressFamily.IPV4_UNICAST));
    }

    @Test
    void notification() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff 0017 03 // header, length 23, NOTIFICATION
                03 0b          // UPDATE message error / malformed AS_PATH
                dead           // data
                """);
        BgpMessage.Notification n = (BgpMessage.Notification) roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(3, n.code());
        assertEquals(11, n.subcode());
        assertArrayEquals(new byte[]{(byte) 0xde, (byte) 0xad}, n.data());
    }

    @Test
    void routeRefresh() {
        byte[] wire = bytes("""
                ffffffffffffffffffffffffffffffff 0017 05 // header, length 23, ROUTE-REFRESH
                0002 00 01     // AFI 2 (IPv6), reserved, SAFI 1
                """);
        assertEquals(new BgpMessage.RouteRefresh(AddressFamily.IPV6_UNICAST), roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP));
        // RFC 2918 §4: an AFI/SAFI we do not carry is not an error; the session ignores it.
        byte[] multicast = bytes(Hex.MARKER + "0017 05 0001 00 02 // IPv4 multicast");
        assertNull(((BgpMessage.RouteRefresh) decode(multicast, CodecOptions.FOUR_OCTET_IBGP)).family());
    }

    /** Every attribute the IPv4 decoder knows, plus an unknown optional transitive one passed on. */
    static final String ALL_IPV4_ATTRIBUTES = """
            40 01 01 00                    // ORIGIN IGP
            40 02 0e 02 03 0000fde8 0000fde9 00030d40 // AS_PATH: AS_SEQUENCE 65000 65001 200000
            40 03 04 0a000001              // NEXT_HOP 10.0.0.1
            80 04 04 00000064              // MULTI_EXIT_DISC 100
            40 05 04 000000c8              // LOCAL_PREF 200
            40 06 00                       // ATOMIC_AGGREGATE
            c0 07 08 0000fde8 0a000002     // AGGREGATOR AS 65000, 10.0.0.2
            c0 08 08 fde80001 ffffff01     // COMMUNITIES 65000:1, NO_EXPORT
            80 09 04 0a000003              // ORIGINATOR_ID 10.0.0.3
            80 0a 08 0a0000fe 0a0000fd     // CLUSTER_LIST 10.0.0.254 10.0.0.253
            c0 20 0c 0000fde8 00000001 00000002 // LARGE_COMMUNITIES 65000:1:2
            e0 63 02 beef                  // unknown optional transitive 99, Partial already set
            """;

    @Test
    void updateWithEveryIpv4Attribute() {
        byte[] wire = Hex.update("""
                10 c0a8                 // withdrawn 192.168.0.0/16
                """, ALL_IPV4_ATTRIBUTES, """
                18 0a0000               // NLRI 10.0.0.0/24
                10 0a01                 // NLRI 10.1.0.0/16
                00                      // NLRI 0.0.0.0/0
                """);
        BgpMessage.Update u = (BgpMessage.Update) roundTrip(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(ErrorHandling.NONE, u.handling());
        assertEquals(List.of(Prefix.parse("192.168.0.0/16")), u.withdrawn());
        assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("10.1.0.0/16"), Prefix.parse("0.0.0.0/0")), u.nlri());
        PathAttributes a = u.attributes();
        assertEquals(PathAttributes.ORIGIN_IGP, a.origin());
        assertEquals(AsPath.sequence(65000, 65001, 200000), a.asPath());
        assertEquals(3, a.asPath().length());
        assertEquals(IpAddresses.inet("10.0.0.1"), a.nextHop());
        assertEquals(100, a.med());
        assertEquals(200, a.localPref());
        assertTrue(a.atomicAggregate());
        assertEquals(new PathAttributes.Aggregator(65000, IpAddresses.toInt(IpAddresses.inet("10.0.0.2"))), a.aggregator());
        assertArrayEquals(new int[]{0xfde80001, 0xffffff01}, a.communities());
        assertEquals(IpAddresses.toInt(IpAddresses.inet("10.0.0.3")), a.originatorId());
        assertEquals(2, a.clusterListLength());
        assertArrayEquals(new int[]{65000, 1, 2}, a.largeCommunities());
        assertEquals(List.of(new PathAttributes.RawAttribute(0xe0, 99, new byte[]{(byte) 0xbe, (byte) 0xef})), a.unknown());
    }

    @Test
    void unknownOptionalTransitiveGetsPartialBitAndNonTransitiveIsDropped() {
        byte[] wire = Hex.update("", """
                40 01 01 02          // ORIGIN INCOMPLETE
                40 02 00             // AS_PATH empty (iBGP)
                40 03 04 0a000001    // NEXT_HOP 10.0.0.1
                c0 63 01 01          // unknown optional transitive 99, Partial not set
                80 64 01 02          // unknown optional non-transitive 100
                """, "20 0a000009  // NLRI 10.0.0.9/32");
        BgpMessage.Update u = (BgpMessage.Update) decode(wire, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(List.of(new PathAttributes.RawAttribute(0xe0, 99, new byte[]{1})), u.attributes().unknown());
    }

    @Test
    void ipv6ReachAndUnreach() {
        byte[] reach = Hex.update("", """
                40 01 01 00                          // ORIGIN IGP
                40 02 06 02 01 0000fde8              // AS_PATH 65000
                80 0e 25 0002 01 10                  // MP_REACH_NLRI (37 octets): AFI 2, SAFI 1, next hop length 16
                   20010db8000000000000000000000001  //   next hop 2001:db8::1
                   00                                //   reserved
                   30 20010db80001                   //   NLRI 2001:db8:1::/48
                   40 20010db800020000               //   NLRI 2001:db8:2::/64
                """, "");
        BgpMessage.Update u = (BgpMessage.Update) roundTrip(reach, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48"), Prefix.parse("2001:db8:2::/64")), u.mpNlri());
        assertEquals(IpAddresses.inet("2001:db8::1"), u.attributes().mpNextHop());
        assertTrue(u.nlri().isEmpty());

        byte[] unreach = Hex.update("", """
                80 0f 0a 0002 01                     // MP_UNREACH_NLRI: AFI 2, SAFI 1
                   30 20010db80001                   //   2001:db8:1::/48
                """, "");
        BgpMessage.Update w = (BgpMessage.Update) roundTrip(unreach, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(List.of(Prefix.parse("2001:db8:1::/48")), w.withdrawn());
        assertNull(w.attributes());
    }

    @Test
    void ipv6LinkLocalNextHopIsAccepted() {
        byte[] reach = Hex.update("", """
                40 01 01 00  40 02 00                // ORIGIN IGP, empty AS_PATH
                80 0e 2c 0002 01 20                  // MP_REACH_NLRI (44 octets), next hop length 32 (RFC 2545 §3)
                   20010db8000000000000000000000001  //   global 2001:db8::1
                   fe800000000000000000000000000001  //   link-local fe80::1
                   00 30 20010db80001                //   reserved, 2001:db8:1::/48
                """, "");
        BgpMessage.Update u = (BgpMessage.Update) decode(reach, CodecOptions.FOUR_OCTET_IBGP);
        assertEquals(IpAddresses.inet("2001:db8::1"), u.attributes().mpNextHop());
    }

    @Test
    void twoOctetSessionMergesAs4PathAndRecreatesIt() {
        CodecOptions old = new CodecOptions(false, true, 65001);
        byte[] wire = Hex.update("", """
                40 01 01 00                      // ORIGIN IGP
                40 02 08 02 03 fde9 5ba0 fdea    // AS_PATH (2-octet): 65001 AS_TRANS 65002
                40 03 04 0a000001                // NEXT_HOP 10.0.0.1
                c0 07 06 5ba0 0a000002           // AGGREGATOR AS_TRANS, 10.0.0.2
                c0 11 0e 02 03 0000fde9 00030d40 0000fdea // AS4_PATH 65001 200000 65002
                c0 12 08 00030d40 0a000002       // AS4_AGGREGATOR 200000, 10.0.0.2
                """, "18 0a0000 // 10.0.0.0/24");
        BgpMessage.Update u = (BgpMessage.Update) roundTrip(wire, old);
        assertEquals(AsPath.sequence(65001, 200000, 65002), u.attributes().asPath());
        assertEquals(200000, u.attributes().aggregator().asNumber());
    }

    @Test
    void endOfRibMarkers() {
        BgpMessage.Update v4 = (BgpMessage.Update) roundTrip(Hex.update("", "", ""), CodecOptions.FOUR_OCTET_IBGP);
        assertTrue(v4.isEndOfRib());
        // Decode only: the record does not keep which family an empty MP_UNREACH_NLRI named.
        BgpMessage.Update v6 = (BgpMessage.Update) decode(Hex.update("", "80 0f 03 0002 01 // empty MP_UNREACH IPv6", ""),
                CodecOptions.FOUR_OCTET_IBGP);
        assertTrue(v6.isEndOfRib());
        assertEquals(AddressFamily.IPV4_UNICAST, v4.endOfRibFamily());
        assertEquals(AddressFamily.IPV6_UNICAST, v6.endOfRibFamily());
        // An MP_UNREACH_NLRI that withdraws something is no End-of-RIB.
        BgpMessage.Update withdraw6 = (BgpMessage.Update) decode(
                Hex.update("", "80 0f 08 0002 01 20 20010db8", ""), CodecOptions.FOUR_OCTET_IBGP);
        assertFalse(withdraw6.isEndOfRib());
        assertNull(withdraw6.endOfRibFamily());
        assertEquals(1, withdraw6.withdrawn().size());
        assertFalse(((BgpMessage.Update) decode(Hex.update("", ALL_IPV4_ATTRIBUTES, "08 0a"), CodecOptions.FOUR_OCTET_IBGP)).isEndOfRib());
    }

    @Test
    void prefixParsingNamesTheBadText() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Prefix.parse("10.0.0.0/33"));
        assertTrue(e.getMessage().contains("10.0.0.0/33"));
        assertThrowsNamed("300.1.1.1/8");
        assertThrowsNamed("example.com/8");
        assertEquals(Prefix.parse("10.1.2.0/24"), Prefix.parse("10.1.2.77/24"));
    }

    private static void assertThrowsNamed(String text) {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Prefix.parse(text));
        assertTrue(e.getMessage().contains(text.substring(0, text.indexOf('/'))), e.getMessage());
    }
}
