package ocelot.bgp.rib;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.AsPath;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.CodecOptions;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.MessageCodec;
import ocelot.bgp.wire.PathAttributes;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decision process, import/export rules, route reflection and update-group packing, through real encoded UPDATEs. */
class RibTest {
    static final long AS = 65000;
    static final int ROUTER_ID = IpAddresses.toInt(IpAddresses.inet("10.0.0.1"));
    static final InetAddress SELF = IpAddresses.inet("10.0.0.1");

    /** A peer's receiving end: decodes every UPDATE written to it, releasing the buffers. */
    static final class Receiver implements RibPeer.Output {
        final Map<Prefix, PathAttributes> table = new HashMap<>();
        final List<BgpMessage.Update> updates = new ArrayList<>();
        int writes;
        int endOfRibs;

        public void write(ByteBuf b) {
            writes++;
            try {
                while (b.isReadable()) {
                    int len = b.getUnsignedShort(b.readerIndex() + 16);
                    BgpMessage.Update u = (BgpMessage.Update) MessageCodec.decode(b.readSlice(len),
                            new CodecOptions(true, false, 0), MessageCodec.allFamilies());
                    updates.add(u);
                    if (u.isEndOfRib()) endOfRibs++;
                    for (Prefix p : u.withdrawn()) table.remove(p);
                    for (Prefix p : u.nlri()) table.put(p, u.attributes());
                    for (Prefix p : u.mpNlri()) table.put(p, u.attributes());
                }
            } finally {
                b.release();
            }
        }

        public void flush() {
        }
    }

    final RecordingSink fib = new RecordingSink();
    int nextId = 1;

    static final class RecordingSink implements FibSink {
        final Map<Prefix, InetAddress> routes = new HashMap<>();

        public void install(Prefix p, InetAddress nh) { routes.put(p, nh); }
        public void remove(Prefix p) { routes.remove(p); }
    }

    Rib rib(int clusterId) {
        return new Rib(new RibConfig(AS, ROUTER_ID, clusterId, SELF, null), fib, UnpooledByteBufAllocator.DEFAULT);
    }

    RibPeer peer(Rib rib, String address, long as, boolean rrClient, Receiver out) {
        RibPeer p = new RibPeer(nextId++, IpAddresses.inet(address), as, IpAddresses.toInt(IpAddresses.inet(address)),
                as == AS, rrClient, false, SELF, true, out);
        rib.peerUp(p, List.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST));
        return p;
    }

    static BgpMessage.Update announce(PathAttributes a, String... prefixes) {
        List<Prefix> l = new ArrayList<>();
        for (String s : prefixes) l.add(Prefix.parse(s));
        return new BgpMessage.Update(List.of(), a, l, List.of());
    }

    static PathAttributes.Builder attrs(String nextHop, long... path) {
        return PathAttributes.builder().origin(0).asPath(AsPath.sequence(path)).nextHop(IpAddresses.inet(nextHop));
    }

    @Test
    void decisionProcessStepsAndReasons() {
        Rib rib = rib(0);
        RibPeer a = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        RibPeer b = peer(rib, "10.0.0.3", 65002, false, new Receiver());
        RibPeer c = peer(rib, "10.0.0.4", AS, false, new Receiver());
        Prefix p = Prefix.parse("192.0.2.0/24");

        rib.update(a, announce(attrs("10.0.0.2", 65001, 65010).build(), "192.0.2.0/24"));
        assertEquals(BestPathReason.ONLY_PATH, rib.bestReason(p));
        rib.update(b, announce(attrs("10.0.0.3", 65002).build(), "192.0.2.0/24"));
        assertSame(b, rib.best(p).source());
        assertEquals(BestPathReason.AS_PATH_LENGTH, rib.bestReason(p));
        rib.update(c, announce(attrs("10.0.0.4", 65001, 65010, 65020).localPref(200).build(), "192.0.2.0/24"));
        assertSame(c, rib.best(p).source());
        assertEquals(IpAddresses.inet("10.0.0.4"), fib.routes.get(p));

        // Same length, same neighbour AS: lower MED wins; then eBGP over iBGP; then router id.
        Prefix q = Prefix.parse("198.51.100.0/24");
        rib.update(a, announce(attrs("10.0.0.2", 65001).med(20).build(), "198.51.100.0/24"));
        rib.update(b, announce(attrs("10.0.0.3", 65001).med(10).build(), "198.51.100.0/24"));
        assertSame(b, rib.best(q).source());
        assertEquals(BestPathReason.MED, rib.bestReason(q));
        Prefix r = Prefix.parse("203.0.113.0/24");
        rib.update(c, announce(attrs("10.0.0.4", 65009).build(), "203.0.113.0/24"));
        rib.update(b, announce(attrs("10.0.0.3", 65009).build(), "203.0.113.0/24"));
        assertSame(b, rib.best(r).source());
        assertEquals(BestPathReason.EXTERNAL, rib.bestReason(r));
        Prefix s = Prefix.parse("203.0.113.128/25");
        rib.update(b, announce(attrs("10.0.0.3", 65009).build(), "203.0.113.128/25"));
        rib.update(a, announce(attrs("10.0.0.2", 65008).build(), "203.0.113.128/25"));
        assertSame(a, rib.best(s).source());
        assertEquals(BestPathReason.ROUTER_ID, rib.bestReason(s));

        // Withdraw: best falls back; last path gone: FIB entry removed.
        rib.update(c, new BgpMessage.Update(List.of(p), null, List.of(), List.of()));
        assertSame(b, rib.best(p).source());
        rib.peerDown(b, false);
        assertSame(a, rib.best(p).source());
        rib.peerDown(a, false);
        assertNull(rib.best(p));
        assertFalse(fib.routes.containsKey(p));
    }

    @Test
    void ebgpExportPrependsAsSetsNextHopSelfAndStripsInternalAttributes() {
        Rib rib = rib(0);
        Receiver ext = new Receiver();
        RibPeer ibgp = peer(rib, "10.0.0.4", AS, false, new Receiver());
        peer(rib, "10.0.0.2", 65001, false, ext);
        rib.update(ibgp, announce(attrs("10.0.0.4", 65100).localPref(300).med(5).originatorId(7).clusterList(9).build(), "192.0.2.0/24"));
        rib.flush();
        PathAttributes sent = ext.table.get(Prefix.parse("192.0.2.0/24"));
        assertEquals(AsPath.sequence(AS, 65100), sent.asPath());
        assertEquals(SELF, sent.nextHop());
        assertEquals(-1, sent.localPref());
        assertEquals(-1, sent.med());
        assertEquals(-1, sent.originatorId());
        assertEquals(0, sent.clusterListLength());
    }

    /**
     * IPv6 routes to an eBGP peer over an IPv4 session carry our IPv6 address as next hop (RFC 2545
     * §3), local and relayed alike; with no IPv6 address configured they are not sent at all (found
     * by FrrInteropTest: MP_REACH_NLRI without a next hop failed the encoder and reset the session).
     */
    @Test
    void ipv6ToExternalPeerOverIpv4SessionNamesOurIpv6NextHop() {
        InetAddress selfV6 = IpAddresses.inet("fd00::1");
        Rib rib = new Rib(new RibConfig(AS, ROUTER_ID, 0, SELF, selfV6), fib, UnpooledByteBufAllocator.DEFAULT);
        Receiver ext = new Receiver();
        RibPeer ibgp = peer(rib, "10.0.0.4", AS, false, new Receiver());
        peer(rib, "10.0.0.2", 65001, false, ext);
        rib.announceLocal(Prefix.parse("2001:db8:1::/48"));
        rib.update(ibgp, new BgpMessage.Update(List.of(), attrs("10.0.0.4", 65100).mpNextHop(IpAddresses.inet("fd00::4")).build(),
                List.of(), List.of(Prefix.parse("2001:db8:2::/48"))));
        rib.flush();
        assertEquals(selfV6, ext.table.get(Prefix.parse("2001:db8:1::/48")).mpNextHop());
        assertEquals(selfV6, ext.table.get(Prefix.parse("2001:db8:2::/48")).mpNextHop());
        assertEquals(AsPath.sequence(AS, 65100), ext.table.get(Prefix.parse("2001:db8:2::/48")).asPath());

        Rib v4Only = rib(0);
        Receiver ext2 = new Receiver();
        peer(v4Only, "10.0.0.2", 65001, false, ext2);
        v4Only.announceLocal(Prefix.parse("2001:db8:1::/48"));
        v4Only.announceLocal(Prefix.parse("192.0.2.0/24"));
        v4Only.flush();
        assertEquals(java.util.Set.of(Prefix.parse("192.0.2.0/24")), ext2.table.keySet());
    }

    @Test
    void importRefusesLoops() {
        Rib rib = rib(IpAddresses.toInt(IpAddresses.inet("10.255.0.1")));
        RibPeer ext = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        RibPeer client = peer(rib, "10.0.0.3", AS, true, new Receiver());
        rib.update(ext, announce(attrs("10.0.0.2", 65001, AS).build(), "192.0.2.0/24"));
        rib.update(client, announce(attrs("10.0.0.3").originatorId(Integer.toUnsignedLong(ROUTER_ID)).build(), "192.0.2.1/32"));
        rib.update(client, announce(attrs("10.0.0.3").clusterList(IpAddresses.toInt(IpAddresses.inet("10.255.0.1"))).build(), "192.0.2.2/32"));
        assertEquals(0, rib.size());
        assertEquals(3, rib.refusedPaths());
    }

    @Test
    void ibgpRoutesAreNotReadvertisedToIbgpWithoutReflection() {
        Rib rib = rib(0);
        Receiver r2 = new Receiver();
        RibPeer p1 = peer(rib, "10.0.0.2", AS, false, new Receiver());
        peer(rib, "10.0.0.3", AS, false, r2);
        rib.update(p1, announce(attrs("10.0.0.2").build(), "192.0.2.0/24"));
        rib.announceLocal(Prefix.parse("10.65.0.0/26"));
        rib.flush();
        assertEquals(Map.of(Prefix.parse("10.65.0.0/26"), r2.table.get(Prefix.parse("10.65.0.0/26"))), r2.table);
        PathAttributes local = r2.table.get(Prefix.parse("10.65.0.0/26"));
        assertEquals(SELF, local.nextHop());
        assertEquals(100, local.localPref());
        assertFalse(fib.routes.containsKey(Prefix.parse("10.65.0.0/26")), "local routes never reach the FIB");
    }

    @Test
    void routeReflectionRulesOfRfc4456() {
        int cluster = IpAddresses.toInt(IpAddresses.inet("10.255.0.1"));
        Rib rib = rib(cluster);
        Receiver c1r = new Receiver(), c2r = new Receiver(), nr = new Receiver(), n2r = new Receiver();
        RibPeer c1 = peer(rib, "10.0.1.1", AS, true, c1r);
        peer(rib, "10.0.1.2", AS, true, c2r);
        RibPeer n1 = peer(rib, "10.0.2.1", AS, false, nr);
        peer(rib, "10.0.2.2", AS, false, n2r);
        assertEquals(2, rib.updateGroupCount(), "clients and non-clients form two update groups");

        rib.update(c1, announce(attrs("10.0.1.1").build(), "10.1.0.0/24"));
        rib.update(n1, announce(attrs("10.0.2.1").build(), "10.2.0.0/24"));
        rib.flush();
        // Client route: to the other client and to non-clients, never back to its source.
        PathAttributes reflected = c2r.table.get(Prefix.parse("10.1.0.0/24"));
        assertEquals(Integer.toUnsignedLong(IpAddresses.toInt(IpAddresses.inet("10.0.1.1"))), reflected.originatorId());
        assertEquals(1, reflected.clusterListLength());
        assertTrue(reflected.clusterListContains(cluster));
        assertEquals(IpAddresses.inet("10.0.1.1"), reflected.nextHop(), "reflection keeps the next hop");
        assertTrue(nr.table.containsKey(Prefix.parse("10.1.0.0/24")));
        assertFalse(c1r.table.containsKey(Prefix.parse("10.1.0.0/24")));
        // Non-client route: to clients only.
        assertTrue(c1r.table.containsKey(Prefix.parse("10.2.0.0/24")));
        assertTrue(c2r.table.containsKey(Prefix.parse("10.2.0.0/24")));
        assertFalse(n2r.table.containsKey(Prefix.parse("10.2.0.0/24")));

        rib.update(c1, new BgpMessage.Update(List.of(Prefix.parse("10.1.0.0/24")), null, List.of(), List.of()));
        rib.flush();
        assertFalse(c2r.table.containsKey(Prefix.parse("10.1.0.0/24")));
        assertFalse(nr.table.containsKey(Prefix.parse("10.1.0.0/24")));
    }

    /**
     * A peer whose own route becomes the best gets no copy of it, so the route it had from us is
     * withdrawn (else it kept it: found by RibThreadSpeakerTest); and a group whose one member is
     * the source encodes and writes nothing for it.
     */
    @Test
    void peerWhoseOwnRouteWinsLosesTheOneWeSentIt() {
        Rib rib = rib(0);
        Receiver toA = new Receiver();
        Receiver toB = new Receiver();
        RibPeer a = peer(rib, "10.0.0.2", 65001, false, toA);
        RibPeer b = peer(rib, "10.0.0.3", 65002, false, toB);
        Prefix p = Prefix.parse("192.0.2.0/24");
        rib.update(b, announce(attrs("10.0.0.3", 65002).build(), p.toString()));
        rib.flush();
        assertEquals(AsPath.sequence(AS, 65002), toA.table.get(p).asPath());
        // Equal AS path lengths: a's lower router id wins (RFC 4271 §9.1.2.2 f).
        rib.update(a, announce(attrs("10.0.0.2", 65001).build(), p.toString()));
        rib.flush();
        assertEquals(IpAddresses.inet("10.0.0.2"), fib.routes.get(p));
        assertNull(toA.table.get(p), "a still holds b's route through us");
        assertEquals(AsPath.sequence(AS, 65001), toB.table.get(p).asPath());
        // a withdraws: b's route is best again and goes back to a, and b loses a's route.
        rib.update(a, new BgpMessage.Update(List.of(p), null, List.of(), List.of()));
        rib.flush();
        assertEquals(AsPath.sequence(AS, 65002), toA.table.get(p).asPath());
        assertNull(toB.table.get(p));
        // b's group has only b: b's own routes are not encoded for it at all.
        int writesToB = toB.writes;
        rib.update(b, announce(attrs("10.0.0.3", 65002).build(), "198.51.100.0/24"));
        rib.flush();
        assertEquals(writesToB, toB.writes);
    }

    @Test
    void updateGroupsPackManyPrefixesPerUpdateAndEncodeOnce() {
        Rib rib = rib(IpAddresses.toInt(IpAddresses.inet("10.255.0.1")));
        RibPeer src = peer(rib, "10.0.1.1", AS, true, new Receiver());
        List<Receiver> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Receiver r = new Receiver();
            clients.add(r);
            peer(rib, "10.0.3." + (i + 1), AS, true, r);
        }
        PathAttributes a = attrs("10.0.1.1").build();
        List<Prefix> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) many.add(Prefix.ipv4(0x0a640000 + i, 32));
        rib.update(src, new BgpMessage.Update(List.of(), a, many, List.of()));
        rib.flush();
        for (Receiver r : clients) {
            assertEquals(5000, r.table.size());
            // 5000 /32s at 5 octets each: 7 UPDATEs of at most 4096 octets (plus the initial End-of-RIBs).
            assertTrue(r.updates.size() <= 2 + 8, "updates: " + r.updates.size());
        }
        // Joining late: the full table, then End-of-RIB.
        Receiver late = new Receiver();
        peer(rib, "10.0.3.99", AS, true, late);
        assertEquals(5000, late.table.size());
        assertEquals(2, late.endOfRibs, "End-of-RIB for IPv4 and IPv6");
    }

    @Test
    void gracefulRestartKeepsStalePathsUntilSwept() {
        Rib rib = rib(0);
        RibPeer p = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        rib.update(p, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/24", "192.0.2.1/32"));
        rib.peerDown(p, true);
        assertEquals(2, fib.routes.size(), "forwarding kept while the peer restarts (RFC 4724 §4.2)");
        RibPeer again = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        rib.adoptStale(p, again);
        rib.update(again, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/24"));
        assertEquals(1, rib.sweepStale(again));
        assertEquals(1, fib.routes.size());
        assertTrue(fib.routes.containsKey(Prefix.parse("192.0.2.0/24")));
    }

    /** RFC 4724 §4.2: a family the restarted peer did not keep (F bit clear) loses its stale paths at once; the others wait. */
    @Test
    void staleSweepByFamilyLeavesTheKeptFamily() {
        Rib rib = rib(0);
        RibPeer p = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        PathAttributes a = attrs("10.0.0.2", 65001).mpNextHop(IpAddresses.inet("fd00::2")).build();
        rib.update(p, new BgpMessage.Update(List.of(), a, List.of(Prefix.parse("192.0.2.0/24")), List.of(Prefix.parse("2001:db8::/48"))));
        assertEquals(2, fib.routes.size());
        rib.peerDown(p, true);
        RibPeer again = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        rib.adoptStale(p, again);
        assertEquals(1, rib.sweepStale(again, java.util.EnumSet.of(AddressFamily.IPV6_UNICAST)));
        assertEquals(java.util.Set.of(Prefix.parse("192.0.2.0/24")), fib.routes.keySet());
        assertTrue(rib.paths(Prefix.parse("192.0.2.0/24")).getFirst().stale(), "IPv4 still stale, waiting for End-of-RIB");
        assertEquals(1, rib.sweepStale(again));
        assertTrue(fib.routes.isEmpty());
    }

    /** RFC 4724 §4.2: on session loss only the families the peer's capability listed stay (stale); the others go at once. */
    @Test
    void sessionLossKeepsOnlyTheListedFamilies() {
        Rib rib = rib(0);
        RibPeer p = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        PathAttributes a = attrs("10.0.0.2", 65001).mpNextHop(IpAddresses.inet("fd00::2")).build();
        rib.update(p, new BgpMessage.Update(List.of(), a, List.of(Prefix.parse("192.0.2.0/24")), List.of(Prefix.parse("2001:db8::/48"))));
        rib.peerDown(p, java.util.EnumSet.of(AddressFamily.IPV4_UNICAST));
        assertEquals(java.util.Set.of(Prefix.parse("192.0.2.0/24")), fib.routes.keySet());
        assertTrue(rib.paths(Prefix.parse("192.0.2.0/24")).getFirst().stale());
        assertTrue(rib.paths(Prefix.parse("2001:db8::/48")).isEmpty());
    }

    /** RFC 4360 §6, RFC 5701 §2: non-transitive extended communities go to internal peers only; RFC 5065 §6.1: no confederation segments outside. */
    @Test
    void nonTransitiveExtendedCommunitiesAndConfederationSegmentsStayInside() {
        Rib rib = rib(0);
        Receiver ext = new Receiver();
        Receiver internal = new Receiver();
        RibPeer from = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        peer(rib, "10.0.0.3", 65002, false, ext);
        peer(rib, "10.0.0.4", AS, false, internal);
        long rt = ocelot.bgp.wire.ExtendedCommunity.parse("rt:65001:1");
        long opaque = 0x4003000000000001L; // non-transitive opaque
        byte[] v6 = new byte[40];
        v6[1] = 0x02;            // transitive IPv6 route target
        v6[20] = 0x40;           // non-transitive
        v6[21] = 0x02;
        rib.update(from, announce(attrs("10.0.0.2", 65001).extendedCommunities(rt, opaque).ipv6ExtendedCommunities(v6).build(), "192.0.2.0/24"));
        rib.flush();
        PathAttributes out = ext.table.get(Prefix.parse("192.0.2.0/24"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{rt}, out.extendedCommunities());
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOf(v6, 20), out.ipv6ExtendedCommunities());
        PathAttributes in = internal.table.get(Prefix.parse("192.0.2.0/24"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{rt, opaque}, in.extendedCommunities());
        assertEquals(40, in.ipv6ExtendedCommunities().length);
        assertEquals(AsPath.sequence(AS, 65001), AsPath.sequence(AS, 65001).withoutConfederationSegments());
    }
    /** Calico pools' extended communities (control/'s ipPool.spec.bgpExtendedCommunities) on our own routes: iBGP gets all, eBGP the transitive ones. */
    @Test
    void localRoutesCarryTheirExtendedCommunities() {
        Rib rib = rib(0);
        Receiver internal = new Receiver();
        Receiver ext = new Receiver();
        peer(rib, "10.0.0.4", AS, false, internal);
        peer(rib, "10.0.0.3", 65002, false, ext);
        long rt = ocelot.bgp.wire.ExtendedCommunity.parse("rt:65000:100");
        long opaque = 0x4003000000000001L; // non-transitive opaque (RFC 4360 §6: not to another AS)
        Prefix block = Prefix.parse("10.65.0.0/26");
        rib.announceLocal(block, new long[]{rt, opaque});
        rib.flush();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{rt, opaque}, internal.table.get(block).extendedCommunities());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{rt}, ext.table.get(block).extendedCommunities());
        assertTrue(fib.routes.isEmpty(), "our own routes are not installed from BGP");

        // The same communities again: the same shared path, nothing sent.
        int before = internal.updates.size();
        rib.announceLocal(block, new long[]{rt, opaque});
        rib.flush();
        assertEquals(before, internal.updates.size());

        // Other communities: announced again; none: announced without the attribute.
        long ro = ocelot.bgp.wire.ExtendedCommunity.parse("ro:10.0.0.1:7");
        rib.announceLocal(block, new long[]{ro});
        rib.flush();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{ro}, internal.table.get(block).extendedCommunities());
        rib.announceLocal(block, null);
        rib.flush();
        assertNull(internal.table.get(block).extendedCommunities());
        rib.withdrawLocal(block);
        rib.flush();
        assertFalse(internal.table.containsKey(block));
    }

    /**
     * One shared path per peer, attribute set and next hop (PathCache): every prefix of an UPDATE
     * holds the same object; an identical re-announcement changes nothing and sends nothing; a
     * graceful-restart loss swaps in one shared stale form without re-advertising.
     */
    @Test
    void pathsAreSharedAndStaleFormsDoNotReadvertise() {
        Rib rib = rib(0);
        Receiver ext = new Receiver();
        RibPeer p = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        peer(rib, "10.0.0.3", 65002, false, ext);
        rib.update(p, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/26", "192.0.2.64/26"));
        rib.update(p, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.128/26"));
        rib.flush();
        Path first = rib.best(Prefix.parse("192.0.2.0/26"));
        assertSame(first, rib.best(Prefix.parse("192.0.2.64/26")));
        assertSame(first, rib.best(Prefix.parse("192.0.2.128/26")), "an equal attribute set from a later UPDATE shares the path");
        int sent = ext.updates.size();
        rib.update(p, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/26"));
        rib.flush();
        assertEquals(sent, ext.updates.size(), "identical re-announcement: nothing exported");

        rib.peerDown(p, true);
        rib.flush();
        Path stale = rib.best(Prefix.parse("192.0.2.0/26"));
        assertTrue(stale.stale());
        assertSame(stale, rib.best(Prefix.parse("192.0.2.128/26")));
        assertFalse(first.stale(), "the fresh path is not changed in place");
        assertEquals(sent, ext.updates.size(), "stale routes staying best are not re-advertised");
        RibPeer again = peer(rib, "10.0.0.2", 65001, false, new Receiver());
        rib.adoptStale(p, again);
        rib.update(again, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/26"));
        rib.flush();
        assertFalse(rib.best(Prefix.parse("192.0.2.0/26")).stale(), "re-announced: fresh again");
        assertEquals(2, rib.sweepStale(again));
        rib.flush();
        assertEquals(java.util.Set.of(Prefix.parse("192.0.2.0/26")), fib.routes.keySet());
        assertEquals(java.util.Set.of(Prefix.parse("192.0.2.0/26")), ext.table.keySet());
    }
}
