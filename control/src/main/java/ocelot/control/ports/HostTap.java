package ocelot.control.ports;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

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
    private final String tapName;
    private final String uplink;
    private final DpdkPort port;
    private final UplinkRecord record;
    /** Router mode: the further ports' records, in the order given (their addresses go to the TAP too). */
    private final List<UplinkRecord> portRecords;
    private final Path runDir;
    private final String mac;
    private String defaultGateway;
    private String ipv6Address;
    private boolean closed;

    private HostTap(String tapName, String uplink, DpdkPort port, String mac, UplinkRecord record, List<UplinkRecord> portRecords, Path runDir) {
        this.tapName = tapName;
        this.portRecords = portRecords;
        this.uplink = uplink;
        this.port = port;
        this.mac = mac;
        this.record = record;
        this.runDir = runDir;
    }

    /**
     * Creates TAP {@code tapName} and moves {@code uplink}'s global addresses and static routes
     * onto it, with the uplink's MAC; {@code nodeAddress} (ADDR/LEN) is added when the uplink
     * does not carry it. {@code uplink} null (a PCI NIC): the TAP gets {@code nodeAddress} and
     * {@code macIfNoUplink}. What is taken from the uplink is recorded in {@code runDir} first
     * ({@link UplinkRecord}). On failure everything done so far is undone.
     */
    public static HostTap create(String tapName, String uplink, String nodeAddress, String macIfNoUplink, Mempool pool,
                                 DpdkPort.Config config, Path runDir) {
        return create(tapName, uplink, List.of(), nodeAddress, macIfNoUplink, pool, config, runDir);
    }

    /**
     * As above for a router: {@code routerPorts} (kernel interfaces, router mode) give the TAP
     * their addresses and static routes as the uplink does, and get ARP off and the DROP rules
     * too; each is recorded in {@code RUNDIR/uplink-IFACE.json}. The TAP keeps the uplink's MAC.
     */
    public static HostTap create(String tapName, String uplink, List<String> routerPorts, String nodeAddress, String macIfNoUplink,
                                 Mempool pool, DpdkPort.Config config, Path runDir) {
        if (KernelLink.exists(tapName)) throw new IllegalStateException("host TAP " + tapName + " already exists (another node running here?)");
        for (String p : routerPorts) {
            if (!KernelLink.exists(p)) throw new IllegalStateException("router port " + p + " does not exist");
            if (p.equals(uplink)) throw new IllegalArgumentException("router port " + p + " is the uplink already");
        }
        String mac = uplink != null ? KernelLink.mac(uplink) : macIfNoUplink;
        UplinkRecord record = uplink == null ? null : plan(uplink);
        List<UplinkRecord> portRecords = new ArrayList<>();
        for (String p : routerPorts) {
            UplinkRecord r = plan(p);
            if (r.addresses().stream().allMatch(a -> a.contains(":"))) {
                throw new IllegalArgumentException("router port " + p + " has no IPv4 address: give it one (ip addr add ADDR/LEN dev " + p + ")");
            }
            portRecords.add(r);
        }
        // one host TAP per process; a short vdev name: net_tap names its GSO pool "mp_" + the vdev name (NetTapWorkload)
        DpdkPort port = DpdkPort.createVdev("net_tap_host", "iface=" + tapName, pool, config);
        HostTap tap = new HostTap(tapName, uplink, port, mac, record, List.copyOf(portRecords), runDir);
        try {
            tap.takeOver(nodeAddress);
            return tap;
        } catch (RuntimeException e) {
            tap.close();
            throw new IllegalStateException("setting up the host TAP " + tapName + (uplink == null ? "" : " for uplink " + uplink) + ": "
                    + e.getMessage(), e);
        }
    }

    /** What taking over {@code uplink} will change, read before anything changes. */
    private static UplinkRecord plan(String uplink) {
        boolean ip6tables = KernelCommand.tryRun("ip6tables", "-t", "raw", "-L", "PREROUTING", "-n").ok();
        UplinkRecord probe = new UplinkRecord(uplink, List.of(), List.of(), false, false, false, null);
        return new UplinkRecord(uplink, KernelLink.addresses(uplink), UplinkRecord.copy(KernelLink.staticRoutes(uplink)),
                !KernelLink.flags(uplink).contains("NOARP"),
                !KernelCommand.tryRun(probe.dropRule("iptables", "-C")).ok(),
                ip6tables && !KernelCommand.tryRun(probe.dropRule("ip6tables", "-C")).ok(),
                ip6tables ? null : KernelCommand.run("sysctl", "-n", "net.ipv6.conf." + uplink + ".disable_ipv6").strip());
    }

    private void takeOver(String nodeAddress) {
        KernelCommand.run("ip", "link", "set", "dev", tapName, "address", mac);
        KernelCommand.run("ip", "link", "set", "dev", tapName, "up");
        List<String> tapAddresses = new ArrayList<>(record == null ? List.of() : record.addresses());
        if (nodeAddress != null && tapAddresses.stream().noneMatch(a -> a.split("/")[0].equals(nodeAddress.split("/")[0]))) {
            tapAddresses.addFirst(nodeAddress);
        }
        if (record != null) {
            record.write(runDir, UplinkRecord.FILE);
            for (String a : record.addresses()) KernelCommand.run("ip", "addr", "del", a, "dev", uplink);
        }
        for (UplinkRecord r : portRecords) {
            r.write(runDir, UplinkRecord.portFile(r.uplink()));
            for (String a : r.addresses()) KernelCommand.run("ip", "addr", "del", a, "dev", r.uplink());
        }
        for (String a : tapAddresses) {
            KernelCommand.run("ip", "addr", "add", a, "dev", tapName);
            if (a.contains(":") && ipv6Address == null) ipv6Address = a;
        }
        for (UplinkRecord r : portRecords) for (String a : r.addresses()) KernelCommand.run("ip", "addr", "add", a, "dev", tapName);
        if (record != null) {
            for (List<String> r : record.routes()) {
                KernelLink.addRoute(tapName, r);
                if (r.get(0).equals("-4") && r.get(1).equals("default") && r.indexOf("via") == 2) defaultGateway = r.get(3);
            }
            ignore(record);
        }
        for (UplinkRecord r : portRecords) {
            for (List<String> route : r.routes()) KernelLink.addRoute(tapName, route);
            ignore(r);
        }
    }

    /** The kernel ignores the interface from now on: the fastpath's port reads it. */
    private static void ignore(UplinkRecord r) {
        if (r.arpWasOn()) KernelCommand.run("ip", "link", "set", "dev", r.uplink(), "arp", "off");
        if (r.addedIptables()) KernelCommand.run(r.dropRule("iptables", "-A"));
        if (r.addedIp6tables()) KernelCommand.run(r.dropRule("ip6tables", "-A"));
        if (r.ipv6SysctlBefore() != null) KernelCommand.run("sysctl", "-qw", "net.ipv6.conf." + r.uplink() + ".disable_ipv6=1");
    }

    /**
     * Router mode: each further port's kernel name and its first IPv4 address (ADDR/LEN) as the
     * TAP took it over, in the order given; a port without one is refused at {@link #create}.
     */
    public java.util.Map<String, String> routerPortAddresses() {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (UplinkRecord r : portRecords) {
            out.put(r.uplink(), r.addresses().stream().filter(a -> !a.contains(":")).findFirst().orElseThrow());
        }
        return out;
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
        if (record != null) {
            record.restore();
            UplinkRecord.delete(runDir, UplinkRecord.FILE);
        }
        for (UplinkRecord r : portRecords) {
            r.restore();
            UplinkRecord.delete(runDir, UplinkRecord.portFile(r.uplink()));
        }
    }
}
