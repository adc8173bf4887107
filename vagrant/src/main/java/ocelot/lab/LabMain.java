package ocelot.lab;

import java.nio.file.Path;
import java.util.List;

import ocelot.lab.fabric.Owner;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Sweep;
import ocelot.lab.topology.Topology;
import ocelot.lab.topology.TopologyException;
import ocelot.lab.topology.TopologyReader;

/**
 * {@code bin/ocelot}: builds a lab profile in network namespaces, proves it (routes, pings and
 * TCP through the userspace fastpaths, policy deny and restore, a node killed and restarted),
 * prints the proof table and cleans up; exit 0 when every proof holds, 1 naming the step that
 * failed, 2 for bad arguments. Teardown runs on success, failure and Ctrl-C (shutdown hook);
 * after a SIGKILL, {@code --down} or the next run's start sweeps what was left.
 */
public final class LabMain {
    private LabMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        LabOptions options;
        try {
            options = LabOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ocelot: " + e.getMessage());
            System.err.println(LabOptions.USAGE);
            return 2;
        }
        Path home = Path.of(System.getProperty("ocelot.home", ".")).toAbsolutePath().normalize();
        Progress progress = new Progress(System.out);
        if (options.down()) return down(progress);
        Topology topology;
        try {
            topology = TopologyReader.read(options.topologyFile().orElse(TopologyReader.profileFile(home, options.profile())));
        } catch (TopologyException | java.io.IOException e) {
            System.err.println("ocelot: " + e.getMessage());
            return 2;
        }
        if (options.host().isPresent()) {
            try {
                return HostMode.run(topology, topology.host(options.host().get()), home, options.etcdEndpoints().orElseThrow(), progress);
            } catch (Progress.StepFailed e) {
                System.err.println("ocelot: FAILED at step '" + e.step + "': " + e.getMessage());
                return 1;
            } catch (IllegalArgumentException e) {
                System.err.println("ocelot: " + e.getMessage());
                return 2;
            }
        }
        for (RunId stale : Sweep.abandoned()) {
            progress.say("ocelot: removing what lab run " + stale + " left (" + Sweep.remove(stale).size() + " items)");
        }
        long started = System.nanoTime();
        RunId run = RunId.random();
        Owner.claim(run);
        progress.say("ocelot: profile " + topology.name() + ", " + (options.etcd() ? "etcd" : "embedded") + " datastore, run " + run);
        Lab lab = new Lab(topology, run, home, options.etcd(), progress);
        Thread hook = new Thread(lab::close, "ocelot-lab-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean keep = false;
        Proofs proofs = new Proofs(lab);
        try {
            lab.up();
            ProofTable table = proofs.run();
            progress.say(table.render());
            keep = options.keep();
            if (keep) {
                Owner.release(run);
                progress.say(keepHelp(lab, proofs.workloadAddresses()));
            }
            return table.allHeld() ? 0 : 1;
        } catch (Progress.StepFailed e) {
            if (!proofs.table.rows().isEmpty()) progress.say(proofs.table.render());
            System.err.println("ocelot: FAILED at step '" + e.step + "': " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("ocelot: FAILED: " + e);
            return 1;
        } finally {
            if (!keep) {
                lab.close();
                progress.say(String.format(java.util.Locale.ROOT, "ocelot: cleaned up run %s (%.0f s in all)", run, (System.nanoTime() - started) / 1e9));
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived meanwhile: the hook is running the same teardown
            }
        }
    }

    static int down(Progress progress) {
        List<RunId> runs = Sweep.abandoned();
        if (runs.isEmpty()) progress.say("ocelot: no lab is up");
        for (RunId run : runs) {
            List<String> removed = Sweep.remove(run);
            progress.say("ocelot: removed lab run " + run + " (" + removed.size() + " items)");
        }
        return 0;
    }

    static String keepHelp(Lab lab, java.util.Map<String, String> addresses) {
        String ctlPrefix = lab.datastore.ctlNamespace().map(ns -> "ip netns exec " + ns + " ").orElse("");
        StringBuilder b = new StringBuilder("ocelot: the lab stays up (run " + lab.run + "). Workloads: " + addresses + ". Try:\n");
        List<String> w = lab.topology.workloads();
        if (w.size() > 1 && addresses.containsKey(w.getLast())) {
            b.append("  ip netns exec ").append(lab.run.namespace(w.getFirst())).append(" ping ").append(addresses.get(w.getLast()))
                    .append("   # from workload ").append(w.getFirst()).append(" to ").append(w.getLast()).append("\n");
        }
        b.append("  ");
        lab.datastore.env().forEach((k, v) -> b.append(k).append('=').append(v).append(' '));
        b.append(ctlPrefix).append(lab.home.resolve("bin/ocelotctl")).append(" get workloadEndpoint -o wide\n");
        lab.nodes.values().stream().findFirst().ifPresent(n ->
                b.append("  ").append(lab.home.resolve("bin/ocelotctl")).append(" node status --run-dir ").append(n.runDir()).append("\n"));
        b.append("  bin/ocelot --down   # removes it");
        return b.toString();
    }
}
