package ocelot.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the host holds that a test could leave behind: network namespaces and their mounts, host
 * interfaces, processes (with the run tag each inherited, if any), temporary directories of the
 * tests' naming conventions, DPDK runtime directories. Taken before the tests and after them; the
 * difference is what the tests left (see {@link Leftovers}).
 */
public record HostState(Set<String> namespaces, Set<String> netnsMounts, Set<String> links,
                        Map<String, ProcessInfo> processes, Set<String> tempEntries, Set<String> dpdkDirs) {
    static final Path NETNS_DIR = Path.of("/run/netns");
    static final Path DPDK_RUNTIME = Path.of("/var/run/dpdk");
    /** Where tests put temporary directories: java.io.tmpdir's default, tmpfs (etcd) and FRR's crash-log folder. */
    static final List<Path> TEMP_ROOTS = List.of(Path.of("/tmp"), Path.of("/dev/shm"), Path.of("/var/tmp"), Path.of("/var/tmp/frr"));

    /** One process: its key is pid + start time (pids are reused), its tag the OCELOT_TEST_RUN it inherited (null: none). */
    public record ProcessInfo(long pid, long ppid, long startTicks, String comm, String cmdline, String netns, String tag) {
        String key() {
            return pid + ":" + startTicks;
        }

        @Override
        public String toString() {
            return "pid " + pid + " (ppid " + ppid + ", " + netns + ") " + (cmdline.length() > 160 ? cmdline.substring(0, 160) + "..." : cmdline);
        }
    }

    public static HostState read() {
        return new HostState(names(NETNS_DIR), readNetnsMounts(), names(Path.of("/sys/class/net")), readProcesses(), readTempEntries(), names(DPDK_RUNTIME));
    }

    /** Temp entries the conventions cover: {@code ocelot-*} and JUnit's {@code junit*}; FRR's {@code bgpd.<pid>}. */
    static Set<String> readTempEntries() {
        Set<String> out = new TreeSet<>();
        for (Path root : TEMP_ROOTS) {
            for (String n : names(root)) {
                boolean frr = root.endsWith("frr") && n.startsWith("bgpd.");
                // directories only: tests make folders; /tmp/ocelot-bench.lock is the benchmarks' lock file
                if ((frr || n.startsWith("ocelot-") || n.startsWith("junit")) && Files.isDirectory(root.resolve(n))) out.add(root.resolve(n).toString());
            }
        }
        return out;
    }

    static Set<String> names(Path dir) {
        if (!Files.isDirectory(dir)) return new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            return new TreeSet<>();
        }
    }

    static Set<String> readNetnsMounts() {
        Set<String> out = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && (f[4].startsWith("/run/netns/") || f[4].startsWith("/var/run/netns/"))) out.add(f[4]);
            }
        } catch (IOException ignored) {
            // no /proc: nothing to compare
        }
        return out;
    }

    static Map<String, ProcessInfo> readProcesses() {
        Map<String, ProcessInfo> out = new TreeMap<>();
        for (String n : names(Path.of("/proc"))) {
            if (!n.chars().allMatch(Character::isDigit)) continue;
            ProcessInfo p = process(Long.parseLong(n));
            if (p != null) out.put(p.key(), p);
        }
        return out;
    }

    static ProcessInfo process(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline"))).replace('\0', ' ').trim();
            String netns;
            try {
                netns = Files.readSymbolicLink(dir.resolve("ns/net")).toString();
            } catch (IOException e) {
                netns = "?";
            }
            return new ProcessInfo(pid, Long.parseLong(f[1]), Long.parseLong(f[19]), comm, cmdline.isEmpty() ? "[" + comm + "]" : cmdline, netns, tag(dir));
        } catch (IOException | RuntimeException e) {
            return null; // exited while being read
        }
    }

    private static String tag(Path dir) {
        try {
            String prefix = TestRun.ID_VARIABLE + "=";
            for (String var : new String(Files.readAllBytes(dir.resolve("environ"))).split("\0")) {
                if (var.startsWith(prefix)) return var.substring(prefix.length());
            }
        } catch (IOException ignored) {
            // unreadable (not root) or gone: untagged
        }
        return null;
    }

    /** The snapshot file: one "kind TAB value" line per item (processes by key, with their line for messages). */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        namespaces.forEach(n -> lines.add("netns\t" + n));
        netnsMounts.forEach(n -> lines.add("mount\t" + n));
        links.forEach(n -> lines.add("link\t" + n));
        processes.keySet().forEach(k -> lines.add("proc\t" + k));
        tempEntries.forEach(n -> lines.add("temp\t" + n));
        dpdkDirs.forEach(n -> lines.add("dpdk\t" + n));
        Files.write(file, lines);
    }

    public static HostState load(Path file) throws IOException {
        Set<String> ns = new TreeSet<>(), mounts = new TreeSet<>(), links = new TreeSet<>(), temp = new TreeSet<>(), dpdk = new TreeSet<>();
        Map<String, ProcessInfo> procs = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            int tab = line.indexOf('\t');
            if (tab < 0) continue;
            String v = line.substring(tab + 1);
            switch (line.substring(0, tab)) {
                case "netns" -> ns.add(v);
                case "mount" -> mounts.add(v);
                case "link" -> links.add(v);
                case "proc" -> procs.put(v, null);
                case "temp" -> temp.add(v);
                case "dpdk" -> dpdk.add(v);
                default -> { }
            }
        }
        return new HostState(ns, mounts, links, procs, temp, dpdk);
    }

    public String hostNetns() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
