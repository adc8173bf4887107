package ocelot.fastpath;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.IpPool;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv4 NAT outgoing beyond the plain flow (ForwardingTest has that): ICMP errors related to a
 * source-NATed flow translated both ways (RFC 5508 sections 7-8: path MTU discovery and
 * traceroute for NATed workloads), pool overlaps refused at publish, expired bindings taken
 * over. Software ports and injected time; every checksum is verified from scratch, the
 * quoted ones too.
 */
class Nat44Test {
    static final String EP1 = "10.65.0.2", NODE = "192.168.0.10", ROUTER = "192.168.0.1", INTERNET = "1.1.1.1";
    static final int L3 = 14, L4 = 34, QUOTE = L4 + 8, NAT_LOW = 32768, NAT_HIGH = 60999;
    Topology t = new Topology();

    @AfterEach
    void close() {
        t.closeConserving();
    }

    @Test
    void fragmentationNeededFromTheFabricReachesTheEndpointTranslated() {
        t.ep1Ingress = rules(); // default deny: only a related error passes
        t.publish();
        byte[] syn = Frames.tcp(W1_MAC, EP1_MAC, EP1, INTERNET, 40000, 443, 0x02, 64);
        t.w1.inject(syn);
        t.run();
        byte[] sent = single(t.fabric.drainTransmitted());
        int natPort = Frames.u16(sent, L4);
        assertEquals(Frames.ip(NODE), Frames.src(sent, L3));
        // the gateway cannot forward it unfragmented: fragmentation needed, next-hop MTU 1400, quoting the whole segment
        t.fabric.inject(icmpError(FABRIC_MAC, GW_MAC, ROUTER, NODE, 3, 4, 1400, sent, 40));
        // another router quotes only the IP header and 8 bytes (RFC 792): the TCP checksum is not in it
        t.fabric.inject(icmpError(FABRIC_MAC, GW_MAC, "192.168.0.2", NODE, 3, 4, 1280, sent, 28));
        t.run();
        List<byte[]> got = t.w1.drainTransmitted();
        assertEquals(2, got.size(), t.fastpath.counters().describeNonZero());
        for (byte[] f : got) {
            assertEquals(EP1_MAC, Frames.dmac(f));
            assertEquals(Frames.ip(EP1), Frames.dst(f, L3));
            assertTrue(Frames.ipChecksumOk(f, L3), "outer IP checksum");
            assertTrue(icmpChecksumOk(f), "ICMP checksum");
            assertEquals(3, Frames.u8(f, L4));
            assertEquals(4, Frames.u8(f, L4 + 1));
            byte[] q = quote(f);
            assertEquals(Frames.ip(EP1), Frames.src(q, L3), "the quote's source is the endpoint's again");
            assertEquals(Frames.ip(INTERNET), Frames.dst(q, L3));
            assertEquals(40000, Frames.u16(q, L4));
            assertEquals(443, Frames.u16(q, L4 + 2));
            assertTrue(Frames.ipChecksumOk(q, L3), "quoted IP header checksum");
            assertEquals(63, Frames.ttl(q, L3), "the quote is the packet as it left, TTL and all");
        }
        byte[] full = got.get(0), cut = got.get(1);
        assertEquals(Frames.ip(ROUTER), Frames.src(full, L3));
        assertEquals(1400, Frames.u16(full, L4 + 6), "the next-hop MTU survives");
        assertEquals(1280, Frames.u16(cut, L4 + 6));
        assertTrue(Frames.l4ChecksumOk(quote(full), L3), "quoted TCP checksum, patched with the quote");
        // apart from the TTL (and with it the IP checksum), the whole quote is the endpoint's SYN again
        byte[] expected = Arrays.copyOfRange(syn, L3, L3 + 40);
        byte[] actual = Arrays.copyOfRange(full, QUOTE, QUOTE + 40);
        expected[8] = actual[8];
        expected[10] = actual[10];
        expected[11] = actual[11];
        assertArrayEquals(expected, actual);
        assertEquals(QUOTE + 28, cut.length, "the short quote stays short");
        assertArrayEquals(Arrays.copyOfRange(syn, L4, L4 + 8), Arrays.copyOfRange(cut, QUOTE + 20, QUOTE + 28), "ports and sequence number");
        assertEquals(2, t.counter(Counter.ICMP_RELATED));
        assertEquals(2, t.counter(Counter.SNAT_REVERSE));
        assertEquals(0, t.counter(Counter.DROP_POLICY_INGRESS));
        assertEquals(0, t.tap.drainTransmitted().size(), "errors for the flow, not the kernel");
        assertTrue(natPort >= NAT_LOW && natPort <= NAT_HIGH);
    }

    @Test
    void timeExceededAboutAnEchoThroughNatReachesTheEndpoint() {
        t.ep1Ingress = rules();
        t.publish();
        byte[] request = Frames.icmpEcho(W1_MAC, EP1_MAC, EP1, INTERNET, 8, 77, 2);
        t.w1.inject(request);
        t.run();
        byte[] sent = single(t.fabric.drainTransmitted());
        int id = Frames.u16(sent, L4 + 4);
        assertTrue(id >= NAT_LOW && id <= NAT_HIGH, "id " + id);
        // the next router's TTL runs out (traceroute's second hop): time exceeded, quoting IP header + 8 bytes
        t.fabric.inject(icmpError(FABRIC_MAC, GW_MAC, ROUTER, NODE, 11, 0, 0, sent, 28));
        t.run();
        byte[] f = single(t.w1.drainTransmitted());
        assertEquals(Frames.ip(EP1), Frames.dst(f, L3));
        assertEquals(Frames.ip(ROUTER), Frames.src(f, L3));
        assertTrue(Frames.ipChecksumOk(f, L3));
        assertTrue(icmpChecksumOk(f));
        assertEquals(11, Frames.u8(f, L4));
        byte[] q = quote(f);
        assertEquals(Frames.ip(EP1), Frames.src(q, L3));
        assertTrue(Frames.ipChecksumOk(q, L3));
        assertEquals(8, Frames.u8(q, L4));
        assertEquals(77, Frames.u16(q, L4 + 4), "the endpoint's echo id");
        // the echo's checksum covers bytes beyond the quote: it is right when it is the endpoint's own again
        assertArrayEquals(Arrays.copyOfRange(request, L4, L4 + 8), Arrays.copyOfRange(f, QUOTE + 20, QUOTE + 28));
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
        assertEquals(1, t.counter(Counter.SNAT_REVERSE));
    }

    @Test
    void anErrorTheEndpointSendsAboutAReplyLeavesFromTheNode() {
        t.ep1Egress = rules(Rule.builder(41).action(Action.ALLOW).protocol(17).dstPorts(53, 53).build()); // errors only as related
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64, 4));
        t.run();
        int natPort = Frames.u16(single(t.fabric.drainTransmitted()), L4);
        t.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 53, natPort, 60, 12));
        t.run();
        byte[] reply = single(t.w1.drainTransmitted());
        assertEquals(5000, Frames.u16(reply, L4 + 2));
        // ep1 answers port unreachable, quoting the whole reply as it got it (to its own address and port)
        t.w1.inject(icmpError(W1_MAC, EP1_MAC, EP1, INTERNET, 3, 3, 0, reply, 20 + 8 + 12));
        t.run();
        byte[] f = single(t.fabric.drainTransmitted());
        assertEquals(Frames.ip(NODE), Frames.src(f, L3), "the endpoint's address does not leave the node");
        assertEquals(Frames.ip(INTERNET), Frames.dst(f, L3));
        assertEquals(GW_MAC, Frames.dmac(f));
        assertEquals(59, Frames.ttl(f, L3), "forwarded: sent with 60, less one");
        assertTrue(Frames.ipChecksumOk(f, L3));
        assertTrue(icmpChecksumOk(f));
        byte[] q = quote(f);
        assertEquals(Frames.ip(INTERNET), Frames.src(q, L3));
        assertEquals(Frames.ip(NODE), Frames.dst(q, L3));
        assertEquals(53, Frames.u16(q, L4));
        assertEquals(natPort, Frames.u16(q, L4 + 2), "the quote's port is the binding's");
        assertTrue(Frames.ipChecksumOk(q, L3), "quoted IP header checksum");
        assertTrue(Frames.l4ChecksumOk(q, L3), "quoted UDP checksum");
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
        assertEquals(0, t.counter(Counter.DROP_POLICY_EGRESS));
        assertEquals(2, t.counter(Counter.SNAT));
    }

    @Test
    void theNodesOwnErrorAboutAReplyQuotesItAsTheSenderSentIt() {
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64, 4));
        t.w1.inject(Frames.icmpEcho(W1_MAC, EP1_MAC, EP1, INTERNET, 8, 77, 64));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(2, out.size());
        int natPort = Frames.u16(out.get(0), L4), natId = Frames.u16(out.get(1), L4 + 4);
        // replies whose TTL runs out at the node: time exceeded back to the sender, the quote as it was received
        byte[] udpReply = Frames.udp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 53, natPort, 1, 4);
        byte[] echoReply = Frames.icmpEcho(FABRIC_MAC, GW_MAC, INTERNET, NODE, 0, natId, 1);
        t.fabric.inject(udpReply);
        t.fabric.inject(echoReply);
        t.run();
        List<byte[]> errors = t.fabric.drainTransmitted();
        assertEquals(2, errors.size(), t.fastpath.counters().describeNonZero());
        byte[][] received = {udpReply, echoReply};
        for (int k = 0; k < 2; k++) {
            byte[] f = errors.get(k);
            assertEquals(Frames.ip(NODE), Frames.src(f, L3));
            assertEquals(Frames.ip(INTERNET), Frames.dst(f, L3));
            assertEquals(11, Frames.u8(f, L4));
            assertTrue(Frames.ipChecksumOk(f, L3));
            assertTrue(icmpChecksumOk(f));
            // the whole quote (IP header + 8 bytes) is the reply as received: no endpoint address or port in it
            assertArrayEquals(Arrays.copyOfRange(received[k], L3, L3 + 28), Arrays.copyOfRange(f, QUOTE, QUOTE + 28));
        }
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(2, t.counter(Counter.DROP_TTL_EXPIRED));
    }

    @Test
    void aDamagedErrorIsNotMadeValid() {
        t.ep1Ingress = rules();
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64, 4));
        t.run();
        byte[] sent = single(t.fabric.drainTransmitted());
        // a bad ICMP checksum: not translated, it goes to the kernel exactly as it came
        byte[] badChecksum = icmpError(FABRIC_MAC, GW_MAC, ROUTER, NODE, 3, 4, 1400, sent, 32);
        badChecksum[L4 + 2] ^= 1;
        t.fabric.inject(badChecksum.clone());
        t.run();
        byte[] punted = single(t.tap.drainTransmitted());
        assertArrayEquals(Arrays.copyOfRange(badChecksum, L3, badChecksum.length), Arrays.copyOfRange(punted, L3, punted.length));
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(0, t.counter(Counter.ICMP_RELATED));

        // a valid ICMP checksum over a quote damaged on the way: translated, and the quote stays as damaged as it was
        byte[] damagedQuote = sent.clone();
        damagedQuote[L4 + 8] ^= 0x40; // a payload byte: the UDP checksum no longer matches
        damagedQuote[L3 + 1] ^= 0x04; // the TOS byte: the quoted IP header checksum no longer matches
        t.fabric.inject(icmpError(FABRIC_MAC, GW_MAC, ROUTER, NODE, 3, 4, 1400, damagedQuote, 32));
        t.run();
        byte[] f = single(t.w1.drainTransmitted());
        assertTrue(icmpChecksumOk(f));
        byte[] q = quote(f);
        assertEquals(Frames.ip(EP1), Frames.src(q, L3));
        assertFalse(Frames.ipChecksumOk(q, L3), "a bad quoted IP checksum stays bad");
        assertFalse(Frames.l4ChecksumOk(q, L3), "a bad quoted UDP checksum stays bad");
        assertEquals(0, t.counter(Counter.DROP_POLICY_INGRESS));

        // an error to the node about a binding nobody holds is the kernel's
        byte[] stranger = sent.clone();
        ByteBuffer.wrap(stranger).putShort(L4, (short) (Frames.u16(sent, L4) == NAT_LOW ? NAT_HIGH : NAT_LOW));
        t.fabric.inject(icmpError(FABRIC_MAC, GW_MAC, ROUTER, NODE, 3, 4, 1400, stranger, 28));
        t.run();
        assertEquals(1, t.tap.drainTransmitted().size());
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
    }

    @Test
    void overlappingPoolsAreRefusedNamingBothAndTheOldSnapshotKeepsForwarding() {
        t.publish();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.fastpath.control().publish(withPools(IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, true), IpPool.of("10.65.128.0/17", IpPool.IpipMode.NEVER, false))));
        assertTrue(e.getMessage().contains("10.65.128.0/17") && e.getMessage().contains("10.65.0.0/16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> t.fastpath.control().publish(withPools(IpPool.of("10.0.0.0/8", IpPool.IpipMode.NEVER, false), IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, true))));
        assertTrue(e.getMessage().contains("10.0.0.0/8") && e.getMessage().contains("10.65.0.0/16"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> t.fastpath.control().publish(withPools(IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, true), IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, false))));
        // the old snapshot (one nat-outgoing pool) still forwards and translates
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64, 4));
        t.run();
        assertEquals(Frames.ip(NODE), Frames.src(single(t.fabric.drainTransmitted()), L3));
        // adjacent pools do not overlap
        t.fastpath.control().publish(withPools(IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, true), IpPool.of("10.66.0.0/16", IpPool.IpipMode.NEVER, false)));
    }

    @Test
    void exhaustedPortsAreCountedAndAnExpiredBindingIsFreeAgain() {
        t.publish();
        int share = NAT_HIGH - NAT_LOW + 1; // one worker: the whole range
        Set<Integer> ports = new HashSet<>();
        for (int sent = 0; sent < share; ) {
            int chunk = Math.min(2000, share - sent);
            for (int k = 0; k < chunk; k++) t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 1024 + sent + k, 53, 64, 0));
            t.run();
            for (byte[] f : t.fabric.drainTransmitted()) ports.add(Frames.u16(f, L4));
            sent += chunk;
        }
        assertEquals(share, ports.size(), "every flow its own port, all of the range");
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 60000, 53, 64, 0));
        t.run();
        assertEquals(0, t.fabric.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.DROP_NAT_EXHAUSTED));

        t.nanos.addAndGet(31_000_000_000L); // past the unreplied-UDP timeout (30 s)
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 60001, 53, 64, 0));
        t.run();
        byte[] f = single(t.fabric.drainTransmitted());
        assertEquals(Frames.ip(NODE), Frames.src(f, L3));
        assertTrue(Frames.l4ChecksumOk(f, L3));
        assertEquals(1, t.counter(Counter.DROP_NAT_EXHAUSTED));
        assertTrue(t.counter(Counter.CT_EXPIRED) >= 1);
    }

    private DataplaneState withPools(IpPool... pools) {
        DataplaneState s = t.state();
        return new DataplaneState(s.node(), s.tunnelAddresses(), s.endpoints(), s.routes(), List.of(pools), s.neighbours(), s.hostMac(), s.ipv6());
    }

    /** An ICMP error from {@code from} to {@code to} quoting the first {@code quote} bytes of {@code about}'s IP packet. */
    static byte[] icmpError(long dmac, long smac, String from, String to, int type, int code, int rest, byte[] about, int quote) {
        byte[] l4 = new byte[8 + quote];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.put(0, (byte) type).put(1, (byte) code).putInt(4, rest);
        System.arraycopy(about, L3, l4, 8, quote);
        b.putShort(2, (short) Frames.checksum(l4, 0, l4.length, 0));
        return Frames.ipv4(dmac, smac, Frames.ip(from), Frames.ip(to), Frames.ICMP, 60, l4);
    }

    /** The quoted packet of an ICMP error frame, as a frame of its own (for the Frames readers). */
    static byte[] quote(byte[] error) {
        byte[] q = new byte[error.length - 28];
        System.arraycopy(error, 0, q, 0, L3);
        System.arraycopy(error, QUOTE, q, L3, error.length - QUOTE);
        return q;
    }

    static boolean icmpChecksumOk(byte[] f) {
        return Frames.checksum(f, L4, Frames.totalLength(f, L3) - 20, 0) == 0;
    }

    static byte[] single(List<byte[]> frames) {
        assertEquals(1, frames.size());
        return frames.getFirst();
    }
}
