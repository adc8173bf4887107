package ocelot.bgp.peering;

import ocelot.bgp.interop.Loopback;
import ocelot.bgp.interop.RecordingFib;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three Ocelot nodes on loopback addresses built only from Calico inputs: a full mesh where one
 * node sits in its own AS. Every node learns the others' blocks and endpoint /32s, and `node
 * status` shows its two mesh peers up.
 */
class CalicoMeshTest {
    @Test
    void meshOfThreeNodesConverges() {
        String[] ips = {"127.8.7.1", "127.8.7.2", "127.8.7.3"};
        List<CalicoNode> nodes = List.of(
                new CalicoNode("n1", IpAddresses.inet(ips[0]), null, null, null),
                new CalicoNode("n2", IpAddresses.inet(ips[1]), null, null, null),
                new CalicoNode("n3", IpAddresses.inet(ips[2]), null, 64999L, null));
        int port = Loopback.freePort(ips[0]);
        List<BgpSpeaker> speakers = new ArrayList<>();
        List<RecordingFib> fibs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                PeeringPlan plan = PeeringPlan.of(new PeeringInputs("n" + (i + 1), nodes, List.of(), 64512, true, port, 120));
                RecordingFib fib = new RecordingFib();
                BgpSpeaker s = new BgpSpeaker(plan.speaker(), fib);
                speakers.add(s);
                fibs.add(fib);
                s.start();
                s.replaceLocalRoutes(Set.of(Prefix.parse("10.244." + i + ".0/26"), Prefix.parse("10.244." + i + ".7/32")));
                s.applyPeers(plan.peers());
            }
            for (BgpSpeaker sp : speakers) {
                assertTrue(waitFor(Duration.ofSeconds(30), () -> sp.status().stream().filter(PeerStatus::established).count() == 2),
                        () -> sp.status().toString());
                String table = NodeStatusTable.format(true, sp.status(), java.time.Instant.now(), ZoneOffset.UTC);
                assertTrue(table.contains("| node-to-node mesh | up    |"), table);
            }
            for (int i = 0; i < 3; i++) {
                java.util.Map<Prefix, java.net.InetAddress> expected = new java.util.HashMap<>();
                for (int j = 0; j < 3; j++) {
                    if (j == i) continue;
                    // n3 is eBGP to both; n1 passes n2's routes on with next-hop-self, so n3 sees two equal
                    // paths and the lower router id (n1) wins (RFC 4271 §9.1.2.2 f), as BIRD would pick.
                    java.net.InetAddress nh = IpAddresses.inet(i == 2 ? ips[0] : ips[j]);
                    expected.put(Prefix.parse("10.244." + j + ".0/26"), nh);
                    expected.put(Prefix.parse("10.244." + j + ".7/32"), nh);
                }
                RecordingFib fib = fibs.get(i);
                assertTrue(waitFor(Duration.ofSeconds(30), () -> fib.routes.equals(expected)), "node " + i + " FIB: " + fib.routes);
            }
            // An endpoint goes away on n1: the others drop its /32.
            speakers.get(0).replaceLocalRoutes(Set.of(Prefix.parse("10.244.0.0/26")));
            assertTrue(waitFor(Duration.ofSeconds(30), () -> !fibs.get(1).routes.containsKey(Prefix.parse("10.244.0.7/32"))
                    && !fibs.get(2).routes.containsKey(Prefix.parse("10.244.0.7/32"))));
        } finally {
            for (BgpSpeaker s : speakers) s.close();
        }
    }
}
