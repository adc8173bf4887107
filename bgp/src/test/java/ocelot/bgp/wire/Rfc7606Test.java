package ocelot.bgp.wire;

import org.junit.jupiter.api.Test;

import java.util.List;

import static ocelot.bgp.wire.MessageCodecTest.decode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed UPDATEs, one per RFC 7606 case class: treat-as-withdraw, attribute discard and the
 * session resets RFC 7606 still requires, each with the NOTIFICATION code/subcode it produces.
 */
class Rfc7606Test {
    static final String ORIGIN = "40 01 01 00 ";
    static final String AS_PATH = "40 02 06 02 01 0000fde8 ";
    static final String NEXT_HOP = "40 03 04 0a000001 ";
    static final String NLRI = "18 0a0000 // 10.0.0.0/24";
    static final CodecOptions IBGP = CodecOptions.FOUR_OCTET_IBGP;
    static final CodecOptions EBGP = new CodecOptions(true, true, 65000);

    static BgpMessage.Update update(String attrs, CodecOptions o) {
        return (BgpMessage.Update) decode(Hex.update("", attrs, NLRI), o);
    }

    static void assertWithdrawn(String attrs, CodecOptions o, String problem) {
        BgpMessage.Update u = update(attrs, o);
        assertEquals(ErrorHandling.TREAT_AS_WITHDRAW, u.handling(), u.problems().toString());
        assertEquals(List.of(Prefix.parse("10.0.0.0/24")), u.withdrawn());
        assertTrue(u.nlri().isEmpty());
        assertNull(u.attributes());
        assertTrue(u.problems().toString().contains(problem), u.problems().toString());
    }

    static BgpMessage.Update assertDiscarded(String attrs, CodecOptions o, String problem) {
        BgpMessage.Update u = update(attrs, o);
        assertEquals(ErrorHandling.ATTRIBUTE_DISCARD, u.handling(), u.problems().toString());
        assertEquals(List.of(Prefix.parse("10.0.0.0/24")), u.nlri());
        assertTrue(u.problems().toString().contains(problem), u.problems().toString());
        return u;
    }

    static void assertReset(byte[] wire, int code, int subcode, String text) {
        BgpWireException e = assertThrows(BgpWireException.class, () -> decode(wire, IBGP));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(subcode, e.subcode(), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    // ---- treat-as-withdraw -------------------------------------------------------------------

    @Test
    void originWithBadValueOrLength() {
        assertWithdrawn("40 01 01 03 " + AS_PATH + NEXT_HOP, IBGP, "ORIGIN malformed: undefined value 3");
        assertWithdrawn("40 01 02 0000 " + AS_PATH + NEXT_HOP, IBGP, "ORIGIN malformed: length 2");
    }

    @Test
    void asPathWithBadSegment() {
        assertWithdrawn(ORIGIN + "40 02 06 07 01 0000fde8 " + NEXT_HOP, IBGP, "AS_PATH malformed");  // segment type 7
        assertWithdrawn(ORIGIN + "40 02 06 02 02 0000fde8 " + NEXT_HOP, IBGP, "AS_PATH malformed");  // overrun
        assertWithdrawn(ORIGIN + "40 02 02 02 00 " + NEXT_HOP, IBGP, "AS_PATH malformed");           // empty segment
    }

    @Test
    void ebgpPathMustStartWithThePeersAs() {
        assertWithdrawn(ORIGIN + "40 02 06 02 01 0000fde9 " + NEXT_HOP, EBGP, "peer is AS 65000");
    }

    @Test
    void nextHopWithBadLengthOrAddress() {
        assertWithdrawn(ORIGIN + AS_PATH + "40 03 05 0a00000100 ", IBGP, "NEXT_HOP malformed: length 5");
        assertWithdrawn(ORIGIN + AS_PATH + "40 03 04 00000000 ", IBGP, "invalid address 0.0.0.0");
        assertWithdrawn(ORIGIN + AS_PATH + "40 03 04 e0000001 ", IBGP, "invalid address 224.0.0.1");
    }

    @Test
    void fixedLengthAttributesWithWrongLength() {
        String base = ORIGIN + AS_PATH + NEXT_HOP;
        assertWithdrawn(base + "80 04 03 000001 ", IBGP, "MULTI_EXIT_DISC malformed");
        assertWithdrawn(base + "40 05 02 0001 ", IBGP, "LOCAL_PREF malformed");
        assertWithdrawn(base + "c0 08 03 000001 ", IBGP, "COMMUNITIES malformed");
        assertWithdrawn(base + "80 09 03 0a0000 ", IBGP, "ORIGINATOR_ID malformed");
        assertWithdrawn(base + "80 0a 05 0a00000101 ", IBGP, "CLUSTER_LIST malformed");
        assertWithdrawn(base + "c0 20 08 0000fde800000001 ", IBGP, "LARGE_COMMUNITIES malformed");
    }

    @Test
    void flagsConflictingWithTheType() {
        // ORIGIN sent as optional (0xc0): RFC 7606 §3 c.
        assertWithdrawn("c0 01 01 00 " + AS_PATH + NEXT_HOP, IBGP, "flags 0xc0 conflict");
    }

    @Test
    void missingWellKnownAttributes() {
        assertWithdrawn(AS_PATH + NEXT_HOP, IBGP, "ORIGIN missing");
        assertWithdrawn(ORIGIN + NEXT_HOP, IBGP, "AS_PATH missing");
        assertWithdrawn(ORIGIN + AS_PATH, IBGP, "NEXT_HOP missing");
    }

    @Test
    void attributeOverrunningTheAttributeField() {
        assertWithdrawn(ORIGIN + AS_PATH + NEXT_HOP + "c0 08 08 fde80001", IBGP, "overruns the attributes");
        assertWithdrawn(ORIGIN + AS_PATH + NEXT_HOP + "c0 08", IBGP, "attribute header truncated");
    }

    // ---- attribute discard -------------------------------------------------------------------

    @Test
    void atomicAggregateAndAggregatorWithBadLength() {
        String base = ORIGIN + AS_PATH + NEXT_HOP;
        assertDiscarded(base + "40 06 01 00 ", IBGP, "ATOMIC_AGGREGATE malformed");
        BgpMessage.Update u = assertDiscarded(base + "c0 07 05 fde80a0000 ", IBGP, "AGGREGATOR malformed");
        assertNull(u.attributes().aggregator());
    }

    @Test
    void internalOnlyAttributesFromAnExternalPeer() {
        String base = ORIGIN + AS_PATH + NEXT_HOP;
        BgpMessage.Update u = assertDiscarded(base + "40 05 04 000000c8 80 09 04 0a000003 80 0a 04 0a0000fe ", EBGP,
                "LOCAL_PREF discarded: received from an external peer");
        assertEquals(-1, u.attributes().localPref());
        assertEquals(-1, u.attributes().originatorId());
        assertEquals(0, u.attributes().clusterListLength());
    }

    @Test
    void repeatedAttributeKeepsTheFirst() {
        BgpMessage.Update u = assertDiscarded(ORIGIN + "40 01 01 02 " + AS_PATH + NEXT_HOP, IBGP, "ORIGIN repeated");
        assertEquals(PathAttributes.ORIGIN_IGP, u.attributes().origin());
    }

    @Test
    void malformedAs4PathOnATwoOctetSession() {
        CodecOptions old = new CodecOptions(false, false, 0);
        BgpMessage.Update u = (BgpMessage.Update) decode(Hex.update("", ORIGIN + "40 02 04 02 01 fde8 " + NEXT_HOP
                + "c0 11 04 02 01 0000 // AS4_PATH segment overrun", NLRI), old);
        assertEquals(ErrorHandling.ATTRIBUTE_DISCARD, u.handling());
        assertEquals(AsPath.sequence(65000), u.attributes().asPath());
    }

    // ---- session reset -----------------------------------------------------------------------

    @Test
    void withdrawnLengthOverrun() {
        byte[] wire = Hex.update("", "", "");
        wire[20] = 9; // withdrawn routes length 9, but the body is 4 octets
        assertReset(wire, 3, 1, "withdrawn routes length 9");
    }

    @Test
    void totalAttributeLengthOverrun() {
        byte[] wire = Hex.update("", ORIGIN, "");
        wire[22] = 40;
        assertReset(wire, 3, 1, "total path attribute length 40");
    }

    @Test
    void unparseableNlri() {
        assertReset(Hex.update("", ORIGIN + AS_PATH + NEXT_HOP, "21 0a000001 00 // /33"), 3, 10, "NLRI length 33");
        assertReset(Hex.update("18 0a // /24 with one octet", "", ""), 3, 10, "withdrawn routes");
    }

    @Test
    void malformedOrRepeatedMpReach() {
        assertReset(Hex.update("", ORIGIN + AS_PATH + "80 0e 08 0002 01 05 0102030405 // next hop length 5", ""),
                3, 9, "MP_REACH_NLRI malformed: next hop length 5");
        String mp = "80 0e 0b 0001 01 04 0a000001 00 08 0a ";
        // RFC 7606 §3 g: a repeated MP attribute is a Malformed Attribute List.
        assertReset(Hex.update("", ORIGIN + AS_PATH + mp + mp, ""), 3, 1, "appears more than once");
    }

    @Test
    void unrecognizedWellKnownAttribute() {
        BgpWireException e = assertThrows(BgpWireException.class,
                () -> decode(Hex.update("", ORIGIN + AS_PATH + NEXT_HOP + "40 63 01 07", NLRI), IBGP));
        assertEquals(2, e.subcode());
        assertEquals("4063 0107".replace(" ", ""), Hex.hex(e.data()));
    }

    @Test
    void mpReachForAFamilyNotNegotiatedIsIgnored() {
        BgpMessage.Update u = (BgpMessage.Update) decode(Hex.update("", ORIGIN + AS_PATH
                + "80 0e 0d 0001 02 04 0a000001 00 18 0a0000 // AFI 1 SAFI 2 (multicast)", ""), IBGP);
        assertEquals(ErrorHandling.NONE, u.handling());
        assertTrue(u.mpNlri().isEmpty());
    }

    // ---- header and OPEN ---------------------------------------------------------------------

    @Test
    void headerErrors() {
        assertReset(Hex.bytes(Hex.MARKER + "0013 09 // type 9"), 1, 3, "type 9");
        assertReset(Hex.bytes(Hex.MARKER + "0014 04 00 // KEEPALIVE of 20"), 1, 2, "length 20");
        assertReset(Hex.bytes(Hex.MARKER + "0016 02 000000 // UPDATE of 22"), 1, 2, "length 22");
    }

    @Test
    void openErrors() {
        assertReset(Hex.bytes(Hex.MARKER + "001d 01 03 fde8 005a 0a000001 00 // version 3"), 2, 1, "version 3");
        assertReset(Hex.bytes(Hex.MARKER + "001d 01 04 fde8 0001 0a000001 00 // hold 1"), 2, 6, "hold time 1");
        assertReset(Hex.bytes(Hex.MARKER + "001d 01 04 fde8 005a 00000000 00 // id 0"), 2, 3, "identifier");
        assertReset(Hex.bytes(Hex.MARKER + "0020 01 04 fde8 005a 0a000001 03 01 01 00 // auth parameter"), 2, 4, "parameter type 1");
        assertReset(Hex.bytes(Hex.MARKER + "0021 01 04 fde8 005a 0a000001 04 02 02 41 02 // 4-octet AS cap of 2"), 2, 0, "capability 65");
    }
}
