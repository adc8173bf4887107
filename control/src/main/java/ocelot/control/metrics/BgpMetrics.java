package ocelot.control.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import ocelot.bgp.speaker.PeerStatus;

/** BGP sessions by state, prefixes and updates per peer, and the size of the learned-route FIB (the dataplane driver reports what it published). */
public final class BgpMetrics implements MetricsSource {
    private final Supplier<List<PeerStatus>> peers;
    private final IntSupplier fibSize;

    public BgpMetrics(Supplier<List<PeerStatus>> peers, IntSupplier fibSize) {
        this.peers = peers;
        this.fibSize = fibSize;
    }

    @Override
    public void writeTo(PrometheusText text) {
        List<PeerStatus> list = peers.get();
        Map<String, Integer> byState = new TreeMap<>();
        for (String s : List.of("Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established")) byState.put(s, 0);
        for (PeerStatus p : list) byState.merge(p.state(), 1, Integer::sum);
        text.family("ocelot_bgp_sessions", "gauge", "BGP sessions by FSM state.");
        byState.forEach((state, n) -> text.sample("ocelot_bgp_sessions", n, "state", state));
        text.family("ocelot_bgp_peer_prefixes_received", "gauge", "Prefixes accepted from the peer.");
        for (PeerStatus p : list) text.sample("ocelot_bgp_peer_prefixes_received", p.prefixesReceived(), "peer", p.peerAddress(), "type", p.peerType());
        text.family("ocelot_bgp_peer_updates_received_total", "counter", "UPDATE messages received from the peer.");
        for (PeerStatus p : list) text.sample("ocelot_bgp_peer_updates_received_total", p.updatesReceived(), "peer", p.peerAddress(), "type", p.peerType());
        text.single("ocelot_bgp_fib_routes", "gauge", "Routes learned over BGP in the node's FIB (best paths).", fibSize.getAsInt());
    }
}
