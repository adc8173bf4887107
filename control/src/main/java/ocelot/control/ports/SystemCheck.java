package ocelot.control.ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ocelot.dpdk.Eal;

/**
 * What `node run` needs from the host, checked one item at a time as calicoctl's checksystem
 * does (kernel, modules, tools): root, the DPDK libraries and shim, hugepages or enough memory
 * for --no-huge, /dev/net/tun for TAPs, /dev/vhost-net for virtio-user, iptables with a raw
 * table, iproute2 and mount, and the uplink interface for the chosen driver.
 */
public final class SystemCheck {
    /** One line of the report; {@code required} false means a warning only. */
    public record Item(String what, boolean ok, boolean required, String detail) {}

    private SystemCheck() {}

    /** Checks for an uplink of {@code uplinkKind} over {@code uplinkDevice} (null: not checked). */
    public static List<Item> run(String uplinkKind, String uplinkDevice) {
        List<Item> items = new ArrayList<>();
        items.add(root());
        items.add(kernel(uplinkKind));
        items.add(dpdk());
        items.add(pmd("librte_net_af_packet.so", "net_af_packet (uplink af_packet)", uplinkKind.equals("af_packet")));
        items.add(pmd("librte_net_af_xdp.so", "net_af_xdp (uplink af_xdp)", uplinkKind.equals("af_xdp")));
        items.add(pmd("librte_net_tap.so", "net_tap (host TAP, workload TAPs)", true));
        items.add(hugepages());
        items.add(device("/dev/net/tun", "TAP devices (host TAP, workloads)", true));
        items.add(device("/dev/vhost-net", "vhost-net (virtio_user workload interfaces)", false));
        items.add(tool("iptables raw table", true, "iptables", "-t", "raw", "-L", "PREROUTING", "-n"));
        items.add(tool("ip6tables raw table (else IPv6 is disabled on the uplink)", false, "ip6tables", "-t", "raw", "-L", "PREROUTING", "-n"));
        items.add(tool("iproute2 (ip -j)", true, "ip", "-j", "link", "show", "lo"));
        items.add(tool("mount (netns paths outside /var/run/netns)", true, "mount", "--version"));
        if (uplinkDevice != null) items.add(uplink(uplinkKind, uplinkDevice));
        return items;
    }

    static Item root() {
        String uid = ProcessHandle.current().info().user().orElse("?");
        boolean ok = uid.equals("root");
        return new Item("running as root", ok, true, ok ? "root" : "running as " + uid + ": DPDK, TAPs, namespaces and iptables need root");
    }

    static Item kernel(String uplinkKind) {
        String release = System.getProperty("os.version");
        int[] v = version(release);
        boolean xdp = v[0] > 5 || (v[0] == 5 && v[1] >= 4);
        boolean ok = v[0] >= 4 && (!uplinkKind.equals("af_xdp") || xdp);
        return new Item("kernel version", ok, true, release + (uplinkKind.equals("af_xdp") && !xdp ? ": af_xdp needs 5.4 or later" : ""));
    }

    private static int[] version(String release) {
        String[] p = release.split("[.-]");
        try {
            return new int[] {Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }

    static Item dpdk() {
        try {
            int abi = ocelot.dpdk.OcelotShim.ocelot_abi_version(); // loads the shim, and libdpdk with it
            return new Item("DPDK libraries and the Ocelot shim", true, true, "shim ABI " + abi + " loaded, PMDs in " + Eal.pmdDirectory());
        } catch (Throwable e) { // UnsatisfiedLinkError when libdpdk or the shim is missing
            return new Item("DPDK libraries and the Ocelot shim", false, true, e.getMessage() + " (apt-get install dpdk; build native/)");
        }
    }

    static Item pmd(String file, String what, boolean required) {
        try {
            Path p = Eal.pmdDirectory().resolve(file);
            return new Item(what, Files.exists(p), required, Files.exists(p) ? p.toString() : p + " missing");
        } catch (RuntimeException e) {
            return new Item(what, false, required, e.getMessage());
        }
    }

    static Item hugepages() {
        try {
            long total = 0, free = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("HugePages_Total:")) total = Long.parseLong(line.split("\\s+")[1]);
                if (line.startsWith("HugePages_Free:")) free = Long.parseLong(line.split("\\s+")[1]);
            }
            boolean mounted = Files.readString(Path.of("/proc/mounts")).contains("hugetlbfs");
            String detail = total == 0 ? "none reserved: node run uses --no-huge (the default); for --hugepages: echo 512 > /proc/sys/vm/nr_hugepages"
                    : free + " of " + total + " free" + (mounted ? ", hugetlbfs mounted" : ", hugetlbfs not mounted (mount -t hugetlbfs nodev /dev/hugepages)");
            return new Item("hugepages (optional: --hugepages)", true, false, detail);
        } catch (IOException | RuntimeException e) {
            return new Item("hugepages (optional: --hugepages)", false, false, e.getMessage());
        }
    }

    static Item device(String path, String what, boolean required) {
        boolean ok = Files.exists(Path.of(path));
        return new Item(what, ok, required, ok ? path : path + " missing" + (path.contains("vhost") ? " (modprobe vhost_net)" : " (modprobe tun)"));
    }

    static Item tool(String what, boolean required, String... command) {
        KernelCommand.Result r = KernelCommand.tryRun(command);
        return new Item(what, r.ok(), required, r.ok() ? String.join(" ", command) + ": ok" : String.join(" ", command) + ": " + r.error().strip());
    }

    static Item uplink(String kind, String device) {
        if (kind.equals("pci")) {
            Path driver = Path.of("/sys/bus/pci/devices", device.length() == 7 ? "0000:" + device : device, "driver");
            String bound = Files.isSymbolicLink(driver) ? driver.toAbsolutePath().toString() : "";
            try {
                bound = Files.isSymbolicLink(driver) ? Files.readSymbolicLink(driver).getFileName().toString() : "none";
            } catch (IOException ignored) {
                // reported as unbound below
            }
            boolean ok = bound.equals("vfio-pci");
            return new Item("uplink " + device, ok, true, ok ? "bound to vfio-pci" : "bound to " + bound + ": dpdk-devbind.py -b vfio-pci " + device);
        }
        if (!KernelLink.exists(device)) return new Item("uplink " + device, false, true, "no interface " + device);
        boolean up = KernelLink.flags(device).contains("UP");
        return new Item("uplink " + device, up, true, up ? "exists and is up, MAC " + KernelLink.mac(device) : "is down: ip link set " + device + " up");
    }
}
