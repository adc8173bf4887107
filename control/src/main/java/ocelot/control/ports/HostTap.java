package ocelot.control.ports;

import java.util.ArrayList;
import java.util.List;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exception path (Calico-VPP's host tap): a {@code net_tap} interface in the node's
 * namespace that takes over the uplink's addresses, routes and MAC, so the kernel's sockets
 * (BGP, SSH, etcd) keep working through DPDK while the kernel never sees, and so never
 * forwards or answers, a frame on the uplink itself. The uplink gets {@code arp off} and a raw
 * PREROUTING DROP rule (ip6tables too, else IPv6 disabled on it): an AF_PACKET socket sees
 * frames before the stack, and without that the kernel answers pings and ARP a second time
 * (../shared/DESIGN.md field notes). {@link #close} undoes all of it in reverse order.
 */
public final class HostTap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostTap.class);

    private final String tapName;
    private final String uplink;
    private final DpdkPort port;
    private final List<Runnable> undo = new ArrayList<>();
    private final String mac;
    private String defaultGateway;
    private String ipv6Address;
    private boolean closed;

    private HostTap(String tapName, String uplink, DpdkPort port, String mac) {
        this.tapName = tapName;
        this.uplink = uplink;
        this.port = port;
        this.mac = mac;
    }

    /**
     * Creates TAP {@code tapName} and moves {@code uplink}'s global addresses and static routes
     * onto it, with the uplink's MAC; {@code nodeAddress} (ADDR/LEN) is added when the uplink
     * does not carry it. {@code uplink} null (a PCI NIC): the TAP gets {@code nodeAddress} and
     * {@code macIfNoUplink}. On failure everything done so far is undone.
     */
    public static HostTap create(String tapName, String uplink, String nodeAddress, String macIfNoUplink, Mempool pool,
                                 DpdkPort.Config config) {
        if (KernelLink.exists(tapName)) throw new IllegalStateException("host TAP " + tapName + " already exists (another node running here?)");
        String mac = uplink != null ? KernelLink.mac(uplink) : macIfNoUplink;
        List<String> addresses = uplink != null ? KernelLink.addresses(uplink) : List.of();
        List<List<String>> routes = uplink != null ? KernelLink.staticRoutes(uplink) : List.of();
        DpdkPort port = DpdkPort.createVdev("net_tap_" + tapName, "iface=" + tapName, pool, config);
        HostTap tap = new HostTap(tapName, uplink, port, mac);
        try {
            tap.takeOver(addresses, routes, nodeAddress);
            return tap;
        } catch (RuntimeException e) {
            tap.close();
            throw new IllegalStateException("setting up the host TAP " + tapName + (uplink == null ? "" : " for uplink " + uplink) + ": "
                    + e.getMessage(), e);
        }
    }

    private void takeOver(List<String> addresses, List<List<String>> routes, String nodeAddress) {
        KernelCommand.run("ip", "link", "set", "dev", tapName, "address", mac);
        KernelCommand.run("ip", "link", "set", "dev", tapName, "up");
        List<String> tapAddresses = new ArrayList<>(addresses);
        if (nodeAddress != null && tapAddresses.stream().noneMatch(a -> a.split("/")[0].equals(nodeAddress.split("/")[0]))) {
            tapAddresses.addFirst(nodeAddress);
        }
        if (uplink != null) {
            for (String a : addresses) {
                KernelCommand.run("ip", "addr", "del", a, "dev", uplink);
                undo.add(() -> KernelCommand.run("ip", "addr", "add", a, "dev", uplink));
            }
            // the kernel dropped the routes with the addresses; they go back after them (undo runs in reverse)
            undo.add(() -> routes.forEach(r -> KernelLink.addRoute(uplink, r)));
        }
        for (String a : tapAddresses) {
            KernelCommand.run("ip", "addr", "add", a, "dev", tapName);
            if (a.contains(":") && ipv6Address == null) ipv6Address = a;
        }
        for (List<String> r : routes) {
            KernelLink.addRoute(tapName, r);
            if (r.get(0).equals("-4") && r.get(1).equals("default") && r.indexOf("via") == 2) defaultGateway = r.get(3);
        }
        if (uplink == null) return;
        if (!KernelLink.flags(uplink).contains("NOARP")) {
            KernelCommand.run("ip", "link", "set", "dev", uplink, "arp", "off");
            undo.add(() -> KernelCommand.run("ip", "link", "set", "dev", uplink, "arp", "on"));
        }
        dropOnUplink("iptables");
        if (KernelCommand.tryRun("ip6tables", "-t", "raw", "-L", "PREROUTING", "-n").ok()) {
            dropOnUplink("ip6tables");
        } else {
            String key = "net.ipv6.conf." + uplink + ".disable_ipv6";
            String before = KernelCommand.run("sysctl", "-n", key).strip();
            KernelCommand.run("sysctl", "-qw", key + "=1");
            undo.add(() -> KernelCommand.run("sysctl", "-qw", key + "=" + before));
        }
    }

    private void dropOnUplink(String tool) {
        List<String> rule = List.of("-t", "raw", "PREROUTING", "-i", uplink, "-j", "DROP");
        if (KernelCommand.tryRun(command(tool, "-C", rule)).ok()) return; // left by a node that crashed: keep the one rule
        KernelCommand.run(command(tool, "-A", rule));
        undo.add(() -> KernelCommand.run(command(tool, "-D", rule)));
    }

    private static List<String> command(String tool, String op, List<String> rule) {
        List<String> c = new ArrayList<>(List.of(tool, rule.get(0), rule.get(1), op));
        c.addAll(rule.subList(2, rule.size()));
        return c;
    }

    public DpdkPort port() { return port; }

    /** The first global IPv6 address (ADDR/LEN) the TAP took over, or null: the node's IPv6 address for the dataplane. */
    public String ipv6Address() { return ipv6Address; }

    /** The IPv4 default gateway the uplink had (now the TAP's), or null: the dataplane's default route. */
    public String defaultGateway() { return defaultGateway; }

    public String name() { return tapName; }

    /** The MAC of the TAP's kernel side (the uplink's): where punted frames are addressed. */
    public String kernelMac() { return mac; }

    /** Packets the raw DROP rule on the uplink stopped (the kernel saw them and ignored them); -1 when unknown. */
    public long uplinkDropCount() {
        if (uplink == null) return -1;
        var r = KernelCommand.tryRun("iptables", "-t", "raw", "-L", "PREROUTING", "-v", "-n", "-x");
        if (!r.ok()) return -1;
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[2].equals("DROP") && List.of(f).contains(uplink)) return Long.parseLong(f[0]);
        }
        return -1;
    }

    /** Removes the TAP (its addresses and routes go with it) and gives the uplink back its addresses, routes, ARP and IPv6. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        port.close();
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (RuntimeException e) {
                LOG.error("host TAP {}: restoring uplink {}: {}", tapName, uplink, e.getMessage());
            }
        }
        undo.clear();
    }
}
