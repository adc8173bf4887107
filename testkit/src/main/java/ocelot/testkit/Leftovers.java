package ocelot.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cleanliness check bin/test runs around the tests: {@code begin} sweeps what dead runs left
 * ({@link Sweeper}) and snapshots the host; {@code check} compares the host with that snapshot
 * and fails naming each thing the tests left behind.
 *
 * <p>What is this run's, for sure: a process carrying this run's tag (every process the tests
 * start inherits {@code OCELOT_TEST_RUN}, re-parented to init or not), a namespace or host link
 * in the run's ledger, anything in the run's temp directory, a temp entry named
 * {@code ocelot-test-<run>-*}. What is new but untagged (a namespace, an interface, a DPDK runtime
 * directory, an {@code ocelot-*}/{@code junit*} temp entry, a BGP daemon, etcd or testpmd, or a
 * process in another namespace whose parent is init) is this run's too, unless another test run
 * was seen on the machine (at the snapshot or now): then it is reported as unattributed, not
 * failed, since on a shared machine the other run may own it.
 *
 * <p>Run with the JDK's source launcher (nothing needs building):
 * {@code java testkit/src/main/java/ocelot/testkit/Leftovers.java begin|check|sweep}.
 */
public final class Leftovers {
    /** Processes a test of ours starts: a new one of these, untagged and orphaned, is a suspect. */
    static final Set<String> HELPER_NAMES = Set.of("bird", "bird6", "bgpd", "gobgpd", "etcd", "dpdk-testpmd", "python3", "java", "timeout", "tshark");

    private Leftovers() {
    }

    /** What the check found: {@code ours} fail the run; {@code unattributed} fail it only when no other run was active. */
    public record Report(List<String> ours, List<String> unattributed, List<String> otherRuns) {
        public boolean failed() {
            return !ours.isEmpty() || (!unattributed.isEmpty() && otherRuns.isEmpty());
        }

        public List<String> all() {
            List<String> out = new ArrayList<>(ours);
            out.addAll(unattributed);
            return out;
        }
    }

    public static void main(String[] args) throws IOException {
        TestRun run = TestRun.current().orElseThrow(() -> new IllegalStateException(
                TestRun.ID_VARIABLE + " and " + TestRun.DIR_VARIABLE + " must be set (bin/test sets them)"));
        switch (args.length == 0 ? "" : args[0]) {
            case "begin" -> begin(run);
            case "sweep" -> Sweeper.sweepDeadRuns(System.out);
            case "check" -> System.exit(check(run) ? 0 : 1);
            default -> {
                System.err.println("usage: Leftovers begin|check|sweep");
                System.exit(2);
            }
        }
    }

    static void begin(TestRun run) throws IOException {
        Sweeper.sweepDeadRuns(System.out);
        Files.createDirectories(run.tmp());
        run.writeOwner(ProcessHandle.current().parent().orElseThrow());
        HostState.read().write(run.snapshot());
        List<String> others = otherRuns(run.id(), HostState.read());
        if (!others.isEmpty()) Files.write(run.dir().resolve("other-runs"), others.stream().map(o -> o + " (at the start)").toList());
    }

    /** Prints the findings; removes the run directory when the run left nothing. True when clean enough to pass. */
    static boolean check(TestRun run) throws IOException {
        Report r = compare(run, HostState.load(run.snapshot()), HostState.read(), selfAndAncestors());
        for (String s : r.ours()) System.out.println("ocelot: test leftover: " + s);
        for (String s : r.unattributed()) System.out.println("ocelot: " + (r.otherRuns().isEmpty() ? "test leftover: " : "new, maybe another run's: ") + s);
        if (!r.otherRuns().isEmpty() && !r.unattributed().isEmpty()) {
            System.out.println("ocelot: other test runs seen, so the above are not blamed on this run: " + r.otherRuns());
        }
        if (r.failed()) {
            System.out.println("ocelot: the tests left " + (r.ours().size() + r.unattributed().size()) + " thing(s) behind (run " + run.id()
                    + "; the next bin/test sweeps them)");
            return false;
        }
        Sweeper.deleteTree(run.dir());
        System.out.println("ocelot: the tests left nothing behind (run " + run.id() + ")");
        return true;
    }

    static Report compare(TestRun run, HostState before, HostState now, Set<Long> exempt) throws IOException {
        List<String> ours = new ArrayList<>(), unattributed = new ArrayList<>();
        Set<String> ledgerNetns = new HashSet<>(), ledgerLinks = new HashSet<>();
        for (TestRun.Entry e : run.entries()) (e.kind().equals("netns") ? ledgerNetns : ledgerLinks).add(e.name());
        String hostNetns = now.hostNetns();

        for (HostState.ProcessInfo p : now.processes().values()) {
            if (exempt.contains(p.pid())) continue;
            if (run.id().equals(p.tag())) {
                ours.add("process " + p);
            } else if (p.tag() == null && !before.processes().containsKey(p.key()) && p.ppid() == 1
                    && (HELPER_NAMES.contains(p.comm()) || !p.netns().equals(hostNetns))) {
                unattributed.add("orphaned process " + p);
            }
        }
        for (String ns : now.namespaces()) {
            if (before.namespaces().contains(ns)) continue;
            (ledgerNetns.contains(ns) ? ours : unattributed).add("network namespace " + ns);
        }
        for (String m : now.netnsMounts()) {
            if (before.netnsMounts().contains(m) || now.namespaces().contains(Path.of(m).getFileName().toString())) continue;
            (ledgerNetns.contains(Path.of(m).getFileName().toString()) ? ours : unattributed).add("mount " + m);
        }
        for (String link : now.links()) {
            if (before.links().contains(link)) continue;
            String what = "interface " + link + " " + HostCommand.run(null, "ip", "-o", "-d", "link", "show", "dev", link).output().trim();
            (ledgerLinks.contains(link) ? ours : unattributed).add(what);
        }
        String ownPrefix = TestRun.DIR_PREFIX + run.id();
        for (String t : now.tempEntries()) {
            String name = Path.of(t).getFileName().toString();
            if (before.tempEntries().contains(t) || t.equals(run.dir().toString())) continue;
            if (name.startsWith(ownPrefix)) ours.add("temporary " + t);
            else if (!isRunDir(name)) unattributed.add("temporary " + t);
        }
        for (String left : HostState.names(run.tmp())) ours.add("temporary " + run.tmp().resolve(left));
        for (String d : now.dpdkDirs()) {
            if (!before.dpdkDirs().contains(d)) unattributed.add("DPDK runtime directory " + HostState.DPDK_RUNTIME.resolve(d));
        }
        List<String> others = new ArrayList<>(otherRuns(run.id(), now));
        Path seenAtBegin = run.dir().resolve("other-runs");
        if (Files.exists(seenAtBegin)) others.addAll(Files.readAllLines(seenAtBegin));
        return new Report(ours, unattributed, others);
    }

    /** A run directory {@code ocelot-test-<epoch>-<pid>} (another run's, live or to be swept), not a test's temp entry. */
    static boolean isRunDir(String name) {
        return name.matches(TestRun.DIR_PREFIX + "\\d+-\\d+");
    }

    /**
     * Evidence of other test runs on the machine: processes tagged with another run, or untagged
     * Maven and surefire JVMs (runs outside bin/test). This run's own ancestors are not evidence:
     * bin/test exports the tag after it started, so its /proc environ does not show it.
     */
    static List<String> otherRuns(String ownId, HostState state) {
        Set<Long> ours = selfAndAncestors();
        List<String> out = new ArrayList<>();
        for (HostState.ProcessInfo p : state.processes().values()) {
            if (ours.contains(p.pid())) continue;
            if (p.tag() != null && !p.tag().equals(ownId)) out.add("run " + p.tag());
            else if (p.tag() == null && p.comm().equals("java")
                    && (p.cmdline().contains("surefirebooter") || p.cmdline().contains("plexus-classworlds"))) {
                out.add("untagged Maven/surefire JVM pid " + p.pid());
            }
        }
        return out.stream().distinct().limit(5).toList();
    }

    static Set<Long> selfAndAncestors() {
        Set<Long> out = new HashSet<>();
        for (ProcessHandle h = ProcessHandle.current(); h != null; h = h.parent().orElse(null)) out.add(h.pid());
        return out;
    }
}
