package ocelot.bgp.rib;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.PathAttributes;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peers that share outbound policy share one Adj-RIB-Out and one encoding of every UPDATE,
 * written to each member as a retained duplicate (FRR's update groups; DESIGN.md field notes:
 * this is what wins the route-reflector fan-out). A route is never sent back to the member it
 * came from: an encoded batch holds routes of a single source, so the exclusion is per batch.
 */
final class UpdateGroup {
    /** Everything {@link RouteExport} depends on; equal keys mean identical UPDATEs. */
    record Key(boolean internal, boolean routeReflectorClient, long peerAs, boolean nextHopSelf,
               InetAddress localAddress, InetAddress localAddressV6, boolean fourOctetAs) {
    }

    /** What the group last advertised for a prefix, and whose route it was. */
    record OutRoute(PathAttributes attributes, RibPeer source) {
        @Override
        public boolean equals(Object o) {
            return o instanceof OutRoute r && r.source == source && r.attributes.equals(attributes);
        }

        @Override
        public int hashCode() {
            return attributes.hashCode() * 31 + source.id;
        }
    }

    final Key key;
    final int slot;
    final List<RibPeer> members = new ArrayList<>();
    private final RouteExport export;
    private final UpdatePacker packer;
    long messagesEncoded;

    UpdateGroup(Key key, int slot, RouteExport export, ByteBufAllocator alloc) {
        this.key = key;
        this.slot = slot;
        this.export = export;
        this.packer = new UpdatePacker(alloc, key.fourOctetAs());
    }

    /**
     * Computes the Adj-RIB-Out delta for the changed destinations, encodes it once, and writes it
     * to every member. With no members (a group being created) it only records the state.
     */
    void flush(Iterable<Destination> changed) {
        // Packed per attribute set: every prefix whose exported route is equal goes in the same
        // run of UPDATEs, however many incoming UPDATEs (or peers) it came from.
        // One map per family: an UPDATE carrying IPv4 and IPv6 NLRI gives both one attribute object,
        // but each family is packed in its own messages (NLRI field vs MP_REACH_NLRI).
        List<Map<OutRoute, List<Destination>>> announce = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        List<Destination> withdraw = null; // made on the first withdrawal, sized for all (a full-table withdraw grew it ~20 times)
        // Consecutive prefixes usually share one attribute object: remember the last export.
        PathAttributes lastIn = null;
        RibPeer lastSource = null;
        boolean lastV6 = false;
        OutRoute lastOut = null;
        List<Destination> lastList = null;
        boolean encode = !members.isEmpty();
        // A group whose one member is the route's source sends it to nobody (never back to where it
        // came from): such routes are recorded but not encoded. On the 1M transit the feeder's own
        // group encoded the whole table for no one, a third of the flush's samples (JFR).
        RibPeer onlyMember = members.size() == 1 ? members.get(0) : null;
        // Members whose own route became the best where another's was: they get no copy of their
        // own, so the route they had from us must be withdrawn from them (as BIRD does). Without
        // this a node that stopped announcing a prefix another node also announces kept our old
        // route to it (found by RibThreadSpeakerTest's random script, on both RIB placements).
        Map<RibPeer, List<Destination>> withdrawFromSource = null;
        for (Destination d : changed) {
            Path best = d.best;
            OutRoute out = null;
            if (best != null) {
                if (best.attributes == lastIn && best.source == lastSource && d.v6 == lastV6) {
                    out = lastOut;
                } else {
                    PathAttributes a = export.export(d.family(), best, key);
                    out = a == null ? null : new OutRoute(a, best.source);
                    lastIn = best.attributes;
                    lastSource = best.source;
                    lastV6 = d.v6;
                    lastOut = out;
                    lastList = null;
                }
            }
            OutRoute prev = d.advertised(slot);
            d.advertise(slot, out);
            if (!encode) continue;
            if (out == null) {
                if (prev != null && prev.source() != onlyMember) {
                    if (withdraw == null) withdraw = new ArrayList<>(changed instanceof java.util.Collection<?> c ? c.size() : 16);
                    withdraw.add(d);
                }
            } else if (out.source() != onlyMember && !out.equals(prev)) {
                if (lastList == null || lastOut != out) {
                    lastList = announce.get(d.v6 ? 1 : 0).computeIfAbsent(out, k -> new ArrayList<>());
                }
                lastList.add(d);
            }
            if (out != null && prev != null && prev.source() != out.source() && out.source().group == this) {
                if (withdrawFromSource == null) withdrawFromSource = new java.util.HashMap<>();
                withdrawFromSource.computeIfAbsent(out.source(), k -> new ArrayList<>()).add(d);
            }
        }
        if (!encode) return;
        List<UpdatePacker.Chunk> chunks = new ArrayList<>();
        if (withdraw != null) packer.withdrawals(withdraw, chunks);
        for (Map<OutRoute, List<Destination>> family : announce) {
            for (Map.Entry<OutRoute, List<Destination>> e : family.entrySet()) {
                packer.announcements(e.getKey().attributes(), e.getValue(), e.getKey().source(), chunks);
            }
        }
        for (UpdatePacker.Chunk c : chunks) {
            messagesEncoded += c.messages();
            for (RibPeer m : members) {
                if (m != c.source()) m.output.write(c.bytes().retainedDuplicate());
            }
            c.bytes().release();
        }
        if (withdrawFromSource != null) {
            for (Map.Entry<RibPeer, List<Destination>> e : withdrawFromSource.entrySet()) {
                List<UpdatePacker.Chunk> own = new ArrayList<>();
                packer.withdrawals(e.getValue(), own);
                for (UpdatePacker.Chunk c : own) {
                    messagesEncoded += c.messages();
                    e.getKey().output.write(c.bytes());
                }
            }
        }
        for (RibPeer m : members) m.output.flush();
    }

    /** The whole Adj-RIB-Out for one member that just joined (or asked for a ROUTE-REFRESH), then End-of-RIB. */
    void dumpTo(RibPeer member, Iterable<Destination> table, List<AddressFamily> families) {
        List<Map<OutRoute, List<Destination>>> byRoute = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        for (Destination d : table) {
            OutRoute r = d.advertised(slot);
            if (r != null && r.source() != member) {
                byRoute.get(d.v6 ? 1 : 0).computeIfAbsent(r, k -> new ArrayList<>()).add(d);
            }
        }
        List<UpdatePacker.Chunk> chunks = new ArrayList<>();
        for (Map<OutRoute, List<Destination>> family : byRoute) {
            for (Map.Entry<OutRoute, List<Destination>> e : family.entrySet()) {
                packer.announcements(e.getKey().attributes(), e.getValue(), null, chunks);
            }
        }
        for (AddressFamily f : families) packer.endOfRib(f, chunks);
        for (UpdatePacker.Chunk c : chunks) member.output.write(c.bytes());
        member.output.flush();
    }
}
