package ocelot.bgp.wire;

import org.junit.jupiter.api.Test;

import java.util.List;

import static ocelot.bgp.wire.MessageCodecTest.decode;
import static ocelot.bgp.wire.Rfc7606Test.AS_PATH;
import static ocelot.bgp.wire.Rfc7606Test.EBGP;
import static ocelot.bgp.wire.Rfc7606Test.IBGP;
import static ocelot.bgp.wire.Rfc7606Test.NEXT_HOP;
import static ocelot.bgp.wire.Rfc7606Test.ORIGIN;
import static ocelot.bgp.wire.Rfc7606Test.assertDiscarded;
import static ocelot.bgp.wire.Rfc7606Test.assertReset;
import static ocelot.bgp.wire.Rfc7606Test.assertWithdrawn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The cells of bgp/docs/update-errors.md's error-handling table that {@link Rfc7606Test} does not cover:
 * the Partial bit, peer-type rules (RFC 5065, RFC 6793), AS 0 (RFC 7607), our own next hop,
 * extended communities (RFC 4360, RFC 5701), errors in an UPDATE without NLRI (RFC 7606 §5.2).
 */
class AttributeErrorTableTest {
    static final String BASE = ORIGIN + AS_PATH + NEXT_HOP;
    /** eBGP from AS 65000 whose session address on our side is 10.0.0.9. */
    static final CodecOptions EBGP_AT_9 = new CodecOptions(true, true, 65000, IpAddresses.inet("10.0.0.9"));

    // ---- flags: the Partial bit (RFC 4271 §4.3) ------------------------------------------------

    @Test
    void partialBitOnWellKnownOrOptionalNonTransitiveIsAFlagsError() {
        assertWithdrawn("60 01 01 00 // ORIGIN with T+P\n" + AS_PATH + NEXT_HOP, IBGP, "ORIGIN malformed: flags 0x60");
        assertWithdrawn(ORIGIN + "60 02 06 02 01 0000fde8 // AS_PATH with T+P\n" + NEXT_HOP, IBGP, "AS_PATH malformed: flags 0x60");
        assertWithdrawn(ORIGIN + AS_PATH + "60 03 04 0a000001 // NEXT_HOP with T+P\n", IBGP, "NEXT_HOP malformed: flags 0x60");
        assertWithdrawn(BASE + "a0 04 04 00000001 // MED with O+P\n", IBGP, "MULTI_EXIT_DISC malformed: flags 0xa0");
        assertWithdrawn(BASE + "60 05 04 00000064 // LOCAL_PREF with T+P\n", IBGP, "LOCAL_PREF malformed: flags 0xa0".replace("a0", "60"));
        assertWithdrawn(BASE + "60 06 00 // ATOMIC_AGGREGATE with T+P\n", IBGP, "ATOMIC_AGGREGATE malformed: flags 0x60");
        assertWithdrawn(BASE + "a0 09 04 0a000003 // ORIGINATOR_ID with O+P\n", IBGP, "ORIGINATOR_ID malformed: flags 0xa0");
        assertWithdrawn(BASE + "a0 0a 04 0a0000fe // CLUSTER_LIST with O+P\n", IBGP, "CLUSTER_LIST malformed: flags 0xa0");
    }

    @Test
    void partialBitOnOptionalTransitiveIsAllowed() {
        BgpMessage.Update u = Rfc7606Test.update(BASE + "e0 08 04 fde80064 // COMMUNITIES with O+T+P\n", IBGP);
        assertEquals(ErrorHandling.NONE, u.handling(), u.problems().toString());
        assertArrayEquals(new int[]{0xfde80064}, u.attributes().communities());
    }

    @Test
    void mpAttributeWithPartialBitResets() {
        assertReset(Hex.update("", ORIGIN + AS_PATH + "a0 0e 0b 0001 01 04 0a000001 00 08 0a // MP_REACH with O+P\n", ""),
                3, NotificationCode.UPDATE_ATTRIBUTE_FLAGS, "MP_REACH_NLRI malformed: flags 0xa0");
    }

    @Test
    void wrongFlagsOnAnOptionalAttributeWithdraws() {
        // RFC 7606 §3 c: treat-as-withdraw even where a bad length would only discard (AGGREGATOR).
        assertWithdrawn(BASE + "80 07 08 0000fde8 0a000001 // AGGREGATOR sent non-transitive\n", IBGP, "AGGREGATOR malformed: flags 0x80");
        assertWithdrawn(BASE + "80 20 0c 0000fde8 00000001 00000002 // LARGE_COMMUNITIES non-transitive\n", IBGP, "LARGE_COMMUNITIES malformed");
    }

    // ---- content not allowed at all or from this peer -------------------------------------------

    @Test
    void asZeroInAsPathWithdrawsAndInAggregatorDiscards() {
        assertWithdrawn(ORIGIN + "40 02 0a 02 02 0000fde8 00000000 // AS_SEQUENCE 65000 0\n" + NEXT_HOP, IBGP, "contains AS 0");
        BgpMessage.Update u = assertDiscarded(BASE + "c0 07 08 00000000 0a000001 // AGGREGATOR AS 0\n", IBGP, "AGGREGATOR malformed: AS 0");
        assertNull(u.attributes().aggregator());
    }

    @Test
    void confederationSegmentsFromAnExternalPeerWithdraw() {
        String confed = "40 02 0c 03 01 0000fde9 // AS_CONFED_SEQUENCE 65001\n 02 01 0000fde8 // AS_SEQUENCE 65000\n";
        assertWithdrawn(ORIGIN + confed + NEXT_HOP, EBGP, "confederation segment from an external peer");
        // From an internal peer (a confederation member's iBGP path) they are kept, as BIRD does.
        BgpMessage.Update u = Rfc7606Test.update(ORIGIN + confed + NEXT_HOP, IBGP);
        assertEquals(ErrorHandling.NONE, u.handling());
        assertEquals(AsPath.AS_CONFED_SEQUENCE, u.attributes().asPath().segmentType(0));
    }

    @Test
    void as4AttributesWithConfederationSegmentsOrAsZeroAreDiscarded() {
        CodecOptions old = new CodecOptions(false, true, 65000);
        String twoOctet = ORIGIN + "40 02 04 02 01 fde8 // AS_SEQUENCE 65000 (2-octet)\n" + NEXT_HOP;
        BgpMessage.Update u = assertDiscarded(twoOctet + "c0 11 06 03 01 0000fde9 // AS4_PATH with a confed segment\n", old,
                "AS4_PATH malformed: confederation segment");
        assertEquals(AsPath.sequence(65000), u.attributes().asPath());
        assertDiscarded(twoOctet + "c0 11 06 02 01 00000000 // AS4_PATH AS 0\n", old, "AS4_PATH malformed: contains AS 0");
        assertDiscarded(twoOctet + "c0 12 08 00000000 0a000001 // AS4_AGGREGATOR AS 0\n", old, "AS4_AGGREGATOR malformed: AS 0");
    }

    @Test
    void nextHopThatIsOurOwnAddressWithdraws() {
        assertWithdrawn(ORIGIN + AS_PATH + "40 03 04 0a000009 // NEXT_HOP 10.0.0.9: us\n", EBGP_AT_9, "is our own address");
        // The same next hop is fine on a session whose local address is another one.
        assertEquals(ErrorHandling.NONE, Rfc7606Test.update(ORIGIN + AS_PATH + "40 03 04 0a000009\n", EBGP).handling());
    }

    @Test
    void mpNextHopThatCannotBeUsedWithdrawsTheMpNlri() {
        String v6nlri = "20 20010db8 // 2001:db8::/32\n";
        BgpMessage.Update u = (BgpMessage.Update) decode(Hex.update("", ORIGIN + AS_PATH
                + "80 0e 1a 0002 01 10 ff020000000000000000000000000001 00 // MP_REACH IPv6, next hop ff02::1\n" + v6nlri, ""), IBGP);
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.handling(), u.problems().toString());
        assertEquals(List.of(Prefix.parse("2001:db8::/32")), u.withdrawn());
        assertNull(u.attributes());
    }

    // ---- RFC 7606 §5.2: attributes with errors but no reachable NLRI ------------------------------

    @Test
    void treatAsWithdrawWithoutReachableNlriResets() {
        // Withdrawn 10.1.0.0/16, a bad ORIGIN, no NLRI: the NLRI cannot be trusted to be where we looked.
        assertReset(Hex.update("10 0a01 // withdraw 10.1.0.0/16\n", "40 01 01 07 // ORIGIN 7\n" + AS_PATH + NEXT_HOP, ""),
                3, NotificationCode.UPDATE_INVALID_ORIGIN, "RFC 7606 §5.2");
        // An empty MP_REACH_NLRI is no reachable NLRI either.
        assertReset(Hex.update("", "40 01 01 07 // ORIGIN 7\n" + AS_PATH + "80 0e 09 0001 01 04 0a000001 00 // empty MP_REACH\n", ""),
                3, NotificationCode.UPDATE_INVALID_ORIGIN, "RFC 7606 §5.2");
    }

    @Test
    void attributeDiscardWithoutReachableNlriDoesNotReset() {
        BgpMessage.Update u = (BgpMessage.Update) decode(Hex.update("10 0a01 // withdraw 10.1.0.0/16\n",
                BASE + "40 06 01 00 // ATOMIC_AGGREGATE of length 1\n", ""), IBGP);
        assertEquals(ErrorHandling.ATTRIBUTE_DISCARD, u.handling());
        assertEquals(List.of(Prefix.parse("10.1.0.0/16")), u.withdrawn());
    }

    @Test
    void mpUnreachAloneWithAnErrorInItStillResets() {
        assertReset(Hex.update("", "80 0f 05 0002 01 81 20 // MP_UNREACH IPv6 /129\n", ""), 3, 9, "MP_UNREACH_NLRI malformed");
    }

    // ---- extended communities (RFC 4360, RFC 7606 §7.14; RFC 5701, RFC 7606 §7.15) --------------

    static final String EXT = "c0 10 10 0002fde800000064 // rt:65000:100\n 4003000000000001 // non-transitive opaque\n";
    static final String V6EXT = "c0 19 14 000b 20010db8000000000000000000000001 0064 // IPv6 RT 2001:db8::1:100\n";

    @Test
    void extendedCommunitiesRoundTrip() {
        byte[] wire = Hex.update("", BASE + EXT + V6EXT, "18 0a0000 // 10.0.0.0/24\n");
        BgpMessage.Update u = (BgpMessage.Update) decode(wire, IBGP);
        assertEquals(ErrorHandling.NONE, u.handling(), u.problems().toString());
        assertArrayEquals(new long[]{0x0002fde800000064L, 0x4003000000000001L}, u.attributes().extendedCommunities());
        assertEquals("rt:65000:100", ExtendedCommunity.format(u.attributes().extendedCommunities()[0]));
        assertEquals(20, u.attributes().ipv6ExtendedCommunities().length);
        assertArrayEquals(wire, MessageCodecTest.encode(u, true));
    }

    @Test
    void extendedCommunitiesWithBadLengthOrFlagsWithdraw() {
        assertWithdrawn(BASE + "c0 10 07 0002fde8000000 // 7 octets\n", IBGP, "EXTENDED_COMMUNITIES malformed: length 7");
        assertWithdrawn(BASE + "c0 10 00 // empty\n", IBGP, "EXTENDED_COMMUNITIES malformed: length 0");
        assertWithdrawn(BASE + "80 10 08 0002fde800000064 // sent non-transitive\n", IBGP, "EXTENDED_COMMUNITIES malformed: flags 0x80");
        assertWithdrawn(BASE + "40 10 08 0002fde800000064 // sent well-known\n", IBGP, "EXTENDED_COMMUNITIES malformed: flags 0x40");
        assertWithdrawn(BASE + "c0 19 13 000b20010db800000000000000000000000100 // 19 octets\n", IBGP,
                "IPV6_EXTENDED_COMMUNITIES malformed: length 19");
    }

    @Test
    void extendedCommunityText() {
        assertEquals(0x0002fde800000064L, ExtendedCommunity.parse("rt:65000:100"));
        assertEquals(0x0202000186a00064L, ExtendedCommunity.parse("rt:100000:100"));
        assertEquals(0x01030a0000010007L, ExtendedCommunity.parse("ro:10.0.0.1:7"));
        assertEquals("rt:100000:100", ExtendedCommunity.format(ExtendedCommunity.parse("rt:100000:100")));
        assertEquals("0x4003000000000001", ExtendedCommunity.format(ExtendedCommunity.parse("0x4003000000000001")));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ExtendedCommunity.parse("rt:100000:70000"));
        assertEquals("extended community 'rt:100000:70000': value 70000 > 65535 with a 4-octet AS", e.getMessage());
    }

    // ---- RFC 9003 shutdown communication --------------------------------------------------------

    @Test
    void shutdownCommunicationIsText() {
        byte[] wire = Hex.bytes(Hex.MARKER + "0025 03 // NOTIFICATION of 37\n 06 02 // Cease, administrative shutdown\n"
                + "0f 6d61696e74656e616e636520e29c93 // 15 octets: \"maintenance ✓\"\n");
        BgpMessage.Notification n = (BgpMessage.Notification) decode(wire, IBGP);
        assertEquals("maintenance ✓", n.shutdownCommunication());
        assertEquals("Cease (administrative shutdown): shutdown communication \"maintenance ✓\"", n.toString());
        assertEquals(n, BgpMessage.Notification.cease(NotificationCode.CEASE_ADMIN_SHUTDOWN, "maintenance ✓"));
        // Invalid UTF-8 or a length past the data: shown as the octets they are.
        BgpMessage.Notification bad = new BgpMessage.Notification(6, 2, new byte[]{2, (byte) 0xc3, 0x28});
        assertNull(bad.shutdownCommunication());
        assertEquals("Cease (administrative shutdown) data 02c328", bad.toString());
    }
}
