package ocelot.fastpath;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;
import ocelot.testkit.GroupedProcess;
import ocelot.testkit.HostCommand;
import ocelot.testkit.TestNamespace;

import static ocelot.fastpath.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end with real kernels on both sides: two workload namespaces (Calico style: a /32
 * and a default route via 169.254.1.1 answered by proxy-ARP) and a fabric namespace, each
 * joined by a veth pair to a DPDK net_af_packet port of a running fastpath (worker thread).
 * ep2 accepts ICMP and TCP 5201 from ep1; ep1 has a default-deny ingress. Pings and a 1 MB
 * TCP transfer pass where allowed (their replies too), are dropped where denied, and traffic
 * to the fabric is source-NATed to the node address. Namespaces are uniquely named and always
 * deleted after the processes in them are killed by process group (testkit's TestNamespace); the
 * host ends carry no addresses, so nothing reaches the host's network.
 */
@Tag("netns")
@Tag("dpdk")
class NamespaceEndToEndTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsW1 = "ocw1-" + id, nsW2 = "ocw2-" + id, nsFab = "ocfab-" + id, nsHost = "ochost-" + id;

    @Test
    void pingAndTcpFollowPolicyThroughTheFastpath() throws Exception {
        List<DpdkPort> devices = new ArrayList<>();
        // closed in reverse: processes in each namespace killed by group, then the namespaces deleted
        try (TestNamespace w1 = TestNamespace.create(nsW1); TestNamespace w2 = TestNamespace.create(nsW2);
             TestNamespace fab = TestNamespace.create(nsFab); TestNamespace host = TestNamespace.create(nsHost)) {
            String h1 = veth(w1, "o1" + id), h2 = veth(w2, "o2" + id), hf = veth(fab, "of" + id);
            workload(w1, "10.65.0.2");
            workload(w2, "10.65.0.3");
            fab.check("ip", "addr", "add", "192.168.0.1/24", "dev", "eth0");
            fab.check("ip", "route", "add", "10.65.0.0/16", "via", "192.168.0.10");
            long ep1Mac = mac(w1), ep2Mac = mac(w2);

            Eal.initInMemory(512);
            try (Mempool pool = Mempool.create("netns_pool_" + id, 8191, 256, Mempool.DEFAULT_DATA_ROOM)) {
                for (String h : List.of(h1, h2, hf)) {
                    devices.add(DpdkPort.createVdev("net_af_packet_" + h, "iface=" + h, pool, DpdkPort.Config.defaults()));
                }
                // the exception path: a TAP whose kernel side is the "node" (moved into its own namespace)
                String tapIf = "ot" + id;
                devices.add(DpdkPort.createVdev("net_tap_" + tapIf, "iface=" + tapIf, pool, DpdkPort.Config.defaults()));
                HostCommand.check(null, "ip", "link", "set", tapIf, "netns", nsHost);
                host.exitOf("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
                host.check("ip", "addr", "add", "192.168.0.10/24", "dev", tapIf);
                host.check("ip", "link", "set", tapIf, "up");
                long hostMac = Long.parseLong(host.check("cat", "/sys/class/net/" + tapIf + "/address").replace(":", ""), 16);
                List<DpdkEthPort> ports = List.of(new DpdkEthPort("w1", devices.get(0), PortRole.WORKLOAD),
                        new DpdkEthPort("w2", devices.get(1), PortRole.WORKLOAD), new DpdkEthPort("fabric", devices.get(2), PortRole.FABRIC),
                        new DpdkEthPort("tap", devices.get(3), PortRole.EXCEPTION));
                try (Fastpath fp = new Fastpath(ports, FastpathConfig.defaults(), System::nanoTime)) {
                    DataplaneState st = state(ep1Mac, ep2Mac);
                    fp.control().publish(new DataplaneState(st.node(), st.tunnelAddresses(), st.endpoints(), st.routes(), st.pools(), st.neighbours(), hostMac));
                    fp.start(() -> new BackoffIdleStrategy(1, 10, 1_000, 100_000));
                    Thread.sleep(200);

                    assertEquals(0, w1.exitOf("ping", "-c", "2", "-W", "2", "10.65.0.3"), "ping ep1 -> ep2 (allowed, replies under default deny): " + fp.counters().describeNonZero());
                    assertNotEquals(0, w2.exitOf("ping", "-c", "2", "-W", "1", "10.65.0.2"), "ping ep2 -> ep1 must be denied");
                    assertTrue(tcpTransfer(w1, w2, 5201, 1_000_000), "TCP 5201 ep1 -> ep2 allowed");
                    assertTrue(!tcpTransfer(w1, w2, 5202, 1000), "TCP 5202 ep1 -> ep2 denied");
                    // to the fabric: first packet resolves the neighbour by ARP, then SNAT to 192.168.0.10
                    assertEquals(0, w1.exitOf("ping", "-c", "4", "-i", "0.3", "-W", "2", "192.168.0.1") == 0 ? 0
                            : w1.exitOf("ping", "-c", "2", "-W", "2", "192.168.0.1"), "ping ep1 -> fabric via SNAT");

                    // traffic for the node itself reaches its kernel through the TAP, and the kernel's answers come back out
                    assertEquals(0, fab.exitOf("ping", "-c", "3", "-i", "0.3", "-W", "2", "192.168.0.10"), "ping fabric -> node kernel via TAP: " + fp.counters().describeNonZero());

                    var c = fp.counters();
                    assertTrue(c.get(Counter.PUNTED) >= 1, c.describeNonZero());
                    assertTrue(c.get(Counter.DROP_POLICY_INGRESS) >= 3, c.describeNonZero());
                    assertTrue(c.get(Counter.SNAT) >= 1 && c.get(Counter.SNAT_REVERSE) >= 1, c.describeNonZero());
                    assertTrue(c.get(Counter.ARP_REPLIES) >= 2, c.describeNonZero());
                    assertTrue(c.ruleHits(1) >= 1 && c.ruleHits(2) >= 1, c.describeNonZero());
                }
            } finally {
                for (DpdkPort d : devices) d.close();
            }
        }
    }

    DataplaneState state(long ep1Mac, long ep2Mac) {
        var ep2Ingress = Topology.rules(Rule.builder(1).action(Action.ALLOW).src("10.65.0.2/32").protocol(1).build(),
                Rule.builder(2).action(Action.ALLOW).src("10.65.0.2/32").protocol(6).dstPorts(5201, 5201).build());
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep1", "w1", ep1Mac, List.of(ip("10.65.0.2")), Topology.rules(), null),
                        new Endpoint("ep2", "w2", ep2Mac, List.of(ip("10.65.0.3")), ep2Ingress, null)),
                List.of(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")),
                        Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")),
                        Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric"))),
                List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, true)), List.of());
    }

    /**
     * Server in {@code to} counts bytes; client in {@code from} sends them. True when every byte
     * arrived. The server is closed (killed with its process group) whatever happens: in the denied
     * case it never gets its connection and would block in accept forever.
     */
    boolean tcpTransfer(TestNamespace from, TestNamespace to, int port, int bytes) throws Exception {
        try (GroupedProcess server = to.start(new ProcessBuilder("/usr/bin/python3", "-u", "-c",
                "import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('10.65.0.3'," + port + "));s.listen(1)\n"
                        + "print('ready')\nc,_=s.accept();n=0\nwhile True:\n d=c.recv(65536)\n if not d: break\n n+=len(d)\nprint(n)").redirectErrorStream(true),
                Duration.ofSeconds(30))) {
            var lines = new BufferedReader(new InputStreamReader(server.process().getInputStream(), StandardCharsets.UTF_8));
            String ready = lines.readLine(); // listening before the client connects, however slow the machine
            if (!"ready".equals(ready)) throw new IllegalStateException("TCP server in " + to.name() + " did not start: " + ready);
            int client = from.exitOf("timeout", "8", "/usr/bin/python3", "-c",
                    "import socket\ns=socket.create_connection(('10.65.0.3'," + port + "),timeout=4);s.sendall(b'x'*" + bytes + ");s.close()");
            if (client != 0) return false;
            String out = String.valueOf(lines.readLine()).trim(); // the byte count, printed when the client closes
            return out.equals(Integer.toString(bytes));
        }
    }

    /** A veth pair: eth0 inside {@code ns}, the returned name on the host (up, no address), tx checksumming off inside. */
    String veth(TestNamespace ns, String host) {
        ns.vethToHost(host, "eth0");
        // veth leaves checksums partial; a userspace forwarder would forward them unfinished (DESIGN field notes)
        ns.check("ethtool", "-K", "eth0", "tx", "off");
        return host;
    }

    void workload(TestNamespace ns, String address) {
        ns.check("ip", "addr", "add", address + "/32", "dev", "eth0");
        ns.check("ip", "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        ns.check("ip", "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
    }

    long mac(TestNamespace ns) {
        return Long.parseLong(ns.check("cat", "/sys/class/net/eth0/address").replace(":", ""), 16);
    }
}
