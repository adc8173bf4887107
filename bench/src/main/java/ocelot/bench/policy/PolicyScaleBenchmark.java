package ocelot.bench.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ocelot.control.calc.CalculationGraph;
import ocelot.control.calc.DataplaneModel;
import ocelot.control.calc.DataplaneUpdate;
import ocelot.control.calc.EndpointClassifier;
import ocelot.control.calc.IpSets;
import ocelot.control.calc.SharedClassifiers;
import ocelot.control.policy.Action;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EndpointPort;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Rule;
import ocelot.control.selector.Selector;

/**
 * The control-plane scale benchmark of issue 6: 10k workload endpoints and 1k policies on one
 * node. Reports the cold time (empty graph to every dataplane update emitted), then p50/p99 of
 * one label change, one new endpoint and one policy edit (each: input + flush). The reference
 * in the same run is the cold build itself: the incremental p99 is also printed as a fraction
 * of it, which is what survives a change of machine.
 *
 * <p>Shape (Kubernetes-like): 200 apps x 5 roles x 2 envs, 50 endpoints per app; each policy
 * selects one app (and sometimes a role), allows ingress from two other apps' selectors on TCP
 * 80/443 and the named port {@code http}, denies one /16, and allows egress to a role and to
 * DNS. Every endpoint lists the profile {@code k8s_ns.default}.
 *
 * <p>Run: {@code bench/policy/run.sh} (or {@code java -cp bench/target/benchmarks.jar
 * ocelot.bench.policy.PolicyScaleBenchmark [endpoints] [policies] [changes]}).
 */
public final class PolicyScaleBenchmark {
    private static final String NODE = "node-1";
    private static final int APPS = 200;
    private static final String[] ROLES = {"frontend", "backend", "db", "cache", "batch"};

    /** CPU time of this thread: on a shared, loaded machine wall time mostly measures the neighbours. */
    private static final java.lang.management.ThreadMXBean THREAD = java.lang.management.ManagementFactory.getThreadMXBean();
    private long lastColdCpuNs;
    private final int endpointCount;
    private final int policyCount;
    private final Random random = new Random(42);
    private int nextEndpoint;
    private double unsharedMsPerEndpoint;

    private PolicyScaleBenchmark(int endpointCount, int policyCount) {
        this.endpointCount = endpointCount;
        this.policyCount = policyCount;
    }

    public static void main(String[] args) {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int policies = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        PolicyScaleBenchmark bench = new PolicyScaleBenchmark(endpoints, policies);
        // Warm the JIT on a smaller copy, as a long-running node agent would be warm for changes;
        // the cold figure below is reported both for the first (unwarmed) run and the warmed one.
        long firstColdNs = bench.cold(null);
        long firstColdCpuNs = bench.lastColdCpuNs;
        for (int i = 0; i < 3; i++) {
            bench.cold(null);
        }
        long[] cold = new long[5];
        long[] coldCpu = new long[5];
        CalculationGraph graph = null;
        for (int i = 0; i < cold.length; i++) {
            CalculationGraph[] built = new CalculationGraph[1];
            cold[i] = bench.cold(built);
            coldCpu[i] = bench.lastColdCpuNs;
            graph = built[0];
        }
        Arrays.sort(cold);
        Arrays.sort(coldCpu);
        System.out.printf("endpoints=%d policies=%d active ipsets=%d active policies=%d%n",
                endpoints, policies, graph.activeIpSets(), graph.activePolicies());
        System.out.printf("cold (empty -> all updates emitted): first run %.1f ms (cpu %.1f ms), warm median %.1f ms (cpu %.1f ms)%n",
                firstColdNs / 1e6, firstColdCpuNs / 1e6, cold[cold.length / 2] / 1e6, coldCpu[coldCpu.length / 2] / 1e6);

        long[][] wall = new long[3][changes];
        long[][] cpu = new long[3][changes];
        int updates = 0;
        for (int i = 0; i < changes; i++) {
            for (int kind = 0; kind < 3; kind++) {
                long c0 = THREAD.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                switch (kind) {
                    case 0 -> graph.updateEndpoint(bench.relabelled(random(bench)));
                    case 1 -> graph.updateEndpoint(bench.endpoint(bench.nextEndpoint++));
                    default -> graph.updatePolicy(bench.policy(bench.random.nextInt(policies)));
                }
                updates += graph.flush().size();
                wall[kind][i] = System.nanoTime() - t0;
                cpu[kind][i] = THREAD.getCurrentThreadCpuTime() - c0;
            }
        }
        String[] names = {"one label change", "one new endpoint", "one policy edit"};
        for (int kind = 0; kind < 3; kind++) {
            report(names[kind] + " wall", wall[kind], cold[cold.length / 2]);
            report(names[kind] + " cpu", cpu[kind], coldCpu[coldCpu.length / 2]);
        }
        System.out.printf("(%d dataplane updates emitted by %d changes)%n", updates, 3 * changes);
        graph = null; // dead from here: a second live graph only lengthens the collections below
        bench.classifiers();
        bench.sharedClassifiers(changes);
    }

    private static int random(PolicyScaleBenchmark bench) {
        return bench.random.nextInt(bench.endpointCount);
    }

    private static void report(String what, long[] ns, long coldNs) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        long p50 = sorted[sorted.length / 2];
        long p99 = sorted[(int) (sorted.length * 0.99)];
        System.out.printf("%-22s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (p99 = 1/%.0f of cold)%n",
                what, p50 / 1e6, p99 / 1e6, sorted[sorted.length - 1] / 1e6, (double) coldNs / p99);
    }

    /** Empty graph to every update emitted; returns ns. */
    private long cold(CalculationGraph[] result) {
        List<Endpoint> endpoints = new ArrayList<>(endpointCount);
        for (int i = 0; i < endpointCount; i++) {
            endpoints.add(endpoint(i));
        }
        List<Policy> policies = new ArrayList<>(policyCount);
        for (int i = 0; i < policyCount; i++) {
            policies.add(policy(i));
        }
        Profile profile = new Profile("k8s_ns.default", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)),
                Map.of("ns", "default"));
        long cpu0 = THREAD.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        CalculationGraph graph = new CalculationGraph(NODE);
        graph.updateProfile(profile);
        policies.forEach(graph::updatePolicy);
        endpoints.forEach(graph::updateEndpoint);
        List<DataplaneUpdate> updates = graph.flush();
        long ns = System.nanoTime() - t0;
        lastColdCpuNs = THREAD.getCurrentThreadCpuTime() - cpu0;
        if (updates.isEmpty()) {
            throw new AssertionError("cold start emitted nothing");
        }
        if (result != null) {
            result[0] = graph;
        }
        return ns;
    }

    /** The dataplane side: lowering to acl/ classifiers for a sample of endpoints. */
    private void classifiers() {
        CalculationGraph fresh = new CalculationGraph(NODE);
        fresh.updateProfile(new Profile("k8s_ns.default", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)), Map.of()));
        for (int i = 0; i < policyCount; i++) {
            fresh.updatePolicy(policy(i));
        }
        for (int i = 0; i < endpointCount; i++) {
            fresh.updateEndpoint(endpoint(i));
        }
        DataplaneModel dataplane = new DataplaneModel();
        dataplane.apply(fresh.flush());
        int sample = Math.min(100, endpointCount);
        long rules = 0;
        IpSets sets = IpSets.of(dataplane);
        long t0 = System.nanoTime();
        for (int i = 0; i < sample; i++) {
            EndpointKey key = EndpointKey.workload(NODE, "wl-" + i);
            for (Direction d : Direction.values()) {
                EndpointClassifier c = EndpointClassifier.compile(dataplane, sets, key, d);
                for (var stage : c.stages()) {
                    rules += stage.size();
                }
            }
        }
        long ns = System.nanoTime() - t0;
        unsharedMsPerEndpoint = ns / 1e6 / sample;
        System.out.printf("acl classifiers: %d endpoints x 2 directions in %.1f ms (%.3f ms per endpoint, %.0f acl rules per endpoint)%n",
                sample, ns / 1e6, ns / 1e6 / sample, (double) rules / sample);
    }

    /**
     * The calculation graph and the acl/ classifiers of every endpoint together, classifiers
     * shared between endpoints of equal inputs ({@link SharedClassifiers}): cold (empty to every
     * endpoint's classifiers compiled), then p50/p99 of the same three changes including the
     * classifier rebuilds. The reference is the unshared per-endpoint compile above.
     */
    private void sharedClassifiers(int changes) {
        // Seven runs, the median and the best reported (by CPU time): the first is the JIT's, and
        // with four engineers' jobs on two cores one run can land on a stall (the same code
        // measured 0.92 and 1.48 s CPU in two runs minutes apart at load 5).
        long[] coldCpu = new long[7];
        long[] coldWall = new long[7];
        long[] graphCpu = new long[7];
        CalculationGraph graph = null;
        SharedClassifiers classifiers = null;
        for (int run = 0; run < coldCpu.length; run++) {
            nextEndpoint = endpointCount;
            List<Endpoint> endpoints = new ArrayList<>(endpointCount);
            for (int i = 0; i < endpointCount; i++) {
                endpoints.add(endpoint(i));
            }
            List<Policy> policies = new ArrayList<>(policyCount);
            for (int i = 0; i < policyCount; i++) {
                policies.add(policy(i));
            }
            // The previous run's graph and classifiers (~350 MB live) are not part of a cold start:
            // left reachable, every young collection of this run copied and scanned them too
            // (-Xlog:gc: 250-380 ms pauses, the wall-over-CPU gap). Dropped and collected untimed.
            graph = null;
            classifiers = null;
            System.gc();
            long c0 = THREAD.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            graph = new CalculationGraph(NODE);
            graph.updateProfile(new Profile("k8s_ns.default", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)),
                    Map.of("ns", "default")));
            policies.forEach(graph::updatePolicy);
            endpoints.forEach(graph::updateEndpoint);
            List<DataplaneUpdate> all = graph.flush();
            graphCpu[run] = THREAD.getCurrentThreadCpuTime() - c0;
            classifiers = new SharedClassifiers(new DataplaneModel());
            classifiers.apply(all);
            coldWall[run] = System.nanoTime() - t0;
            coldCpu[run] = THREAD.getCurrentThreadCpuTime() - c0;
        }
        long rules = 0;
        for (int i = 0; i < endpointCount; i++) {
            for (Direction d : Direction.values()) {
                for (var stage : classifiers.classifier(EndpointKey.workload(NODE, "wl-" + i), d).stages()) {
                    rules += stage.size();
                }
            }
        }
        Integer[] byCpu = new Integer[coldCpu.length];
        Arrays.setAll(byCpu, i -> i);
        Arrays.sort(byCpu, (a, b) -> Long.compare(coldCpu[a], coldCpu[b]));
        int median = byCpu[byCpu.length / 2];
        int best = byCpu[0] == 0 ? byCpu[1] : byCpu[0]; // the fastest run after the JIT's first
        System.out.printf("shared classifiers cold (empty -> every endpoint's classifiers compiled): first %.1f ms (cpu %.1f ms),"
                        + " median of %d %.1f ms (cpu %.1f ms: graph %.1f + dataplane/ipsets/classifiers %.1f); %d distinct stages for %d"
                        + " endpoints x 2 directions (%.0f acl rules per endpoint), IP set table %d members, %.1f MiB%n",
                coldWall[0] / 1e6, coldCpu[0] / 1e6, coldCpu.length, coldWall[median] / 1e6, coldCpu[median] / 1e6, graphCpu[median] / 1e6,
                (coldCpu[median] - graphCpu[median]) / 1e6, classifiers.distinctStages(),
                endpointCount, (double) rules / endpointCount, classifiers.ipSets().memberChanges(),
                classifiers.ipSets().table().memoryBytes() / 1048576.0);
        System.out.printf("  best warm run: cpu %.1f ms (graph %.1f + dataplane/ipsets/classifiers %.1f), wall %.1f ms%n",
                coldCpu[best] / 1e6, graphCpu[best] / 1e6, (coldCpu[best] - graphCpu[best]) / 1e6, coldWall[best] / 1e6);
        System.out.printf("  (unshared, the sample above extrapolated: %d endpoints x %.1f ms)%n", endpointCount, unsharedMsPerEndpoint);
        long[][] wall = new long[3][changes];
        long[][] cpu = new long[3][changes];
        long builds0 = classifiers.builds();
        long members0 = classifiers.ipSets().memberChanges();
        long patches0 = classifiers.patches();
        for (int i = 0; i < changes; i++) {
            for (int kind = 0; kind < 3; kind++) {
                long c0 = THREAD.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                switch (kind) {
                    case 0 -> graph.updateEndpoint(relabelled(random.nextInt(endpointCount)));
                    case 1 -> graph.updateEndpoint(endpoint(nextEndpoint++));
                    default -> graph.updatePolicy(policy(random.nextInt(policyCount)));
                }
                classifiers.apply(graph.flush());
                wall[kind][i] = System.nanoTime() - t0;
                cpu[kind][i] = THREAD.getCurrentThreadCpuTime() - c0;
            }
        }
        String[] names = {"+acl label change", "+acl new endpoint", "+acl policy edit"};
        for (int kind = 0; kind < 3; kind++) {
            report(names[kind] + " wall", wall[kind], coldWall[median]);
            report(names[kind] + " cpu", cpu[kind], coldCpu[median]);
        }
        System.out.printf("(%d classifier stages compiled, %d patched in place, %d IP set table member changes by %d changes)%n",
                classifiers.builds() - builds0, classifiers.patches() - patches0, classifiers.ipSets().memberChanges() - members0,
                3 * changes);
    }

    private Endpoint endpoint(int i) {
        int app = i % APPS;
        String role = ROLES[(i / APPS) % ROLES.length];
        IpAddress v4 = IpAddress.v4((10 << 24) | i + 1);
        IpAddress v6 = IpAddress.parse("fd00::" + Integer.toHexString(i + 1));
        return new Endpoint(EndpointKey.workload(NODE, "wl-" + i),
                Map.of("app", "app" + app, "role", role, "env", i % 2 == 0 ? "prod" : "dev"),
                List.of(v4, v6), List.of(new EndpointPort("http", Protocol.TCP, 8080)), List.of("k8s_ns.default"));
    }

    private Endpoint relabelled(int i) {
        Endpoint e = endpoint(i);
        return new Endpoint(e.key(), Map.of("app", "app" + random.nextInt(APPS), "role", ROLES[random.nextInt(ROLES.length)],
                "env", random.nextBoolean() ? "prod" : "dev"), e.addresses(), e.ports(), e.profileIds());
    }

    private Policy policy(int i) {
        int app = i % APPS;
        String selector = "app == 'app" + app + "'" + (i >= APPS ? " && role == '" + ROLES[i / APPS % ROLES.length] + "'" : "");
        List<Rule> ingress = List.of(
                new Rule(Action.DENY, 0, null, null, null, null,
                        new EntityMatch(List.of(Cidr.parse("10.200.0.0/16")), List.of(), null, null, List.of(), List.of()), null),
                new Rule(Action.ALLOW, 0, Protocol.TCP, null, null, null,
                        new EntityMatch(List.of(), List.of(), Selector.parse("app in {'app" + random.nextInt(APPS) + "', 'app" + random.nextInt(APPS) + "'}"),
                                null, List.of(), List.of()),
                        new EntityMatch(List.of(), List.of(), null, null,
                                List.of(new PortSpec.Range(80, 80), new PortSpec.Range(443, 443), new PortSpec.Named("http")), List.of())));
        List<Rule> egress = List.of(
                new Rule(Action.ALLOW, 0, Protocol.UDP, null, null, null, null,
                        new EntityMatch(List.of(), List.of(), null, null, List.of(new PortSpec.Range(53, 53)), List.of())),
                new Rule(Action.ALLOW, 0, null, null, null, null, null,
                        new EntityMatch(List.of(), List.of(), Selector.parse("role == '" + ROLES[random.nextInt(ROLES.length)] + "'"),
                                Selector.parse("env == 'dev'"), List.of(), List.of())));
        return new Policy("policy-" + i, (double) (i % 10), Selector.parse(selector), ingress, egress, null);
    }
}
