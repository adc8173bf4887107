package ocelot.control.calc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import ocelot.control.policy.Action;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EndpointPort;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IcmpMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PolicyEvaluator;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Rule;
import ocelot.control.selector.RandomSelectors;
import ocelot.control.selector.Selector;

/**
 * A random but dense world: few labels, values, addresses and ports, so that selectors match,
 * addresses are shared, named ports resolve and rules overlap. Holds the truth (plain maps)
 * that the reference evaluator reads.
 */
final class RandomPolicyWorld {
    static final String LOCAL = "node-a";
    private static final String[] NODES = {LOCAL, LOCAL, "node-b"};
    private static final String[] PORT_NAMES = {"http", "dns", "metrics"};
    private static final int[] PORTS = {53, 80, 443, 8080, 9090};
    private static final Protocol[] PROTOCOLS = {Protocol.TCP, Protocol.UDP, Protocol.ICMP, Protocol.ICMPV6, Protocol.SCTP, new Protocol(47)};

    final Random random;
    final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();
    final Map<String, Policy> policies = new HashMap<>();
    final Map<String, Profile> profiles = new HashMap<>();

    RandomPolicyWorld(long seed) {
        this.random = new Random(seed);
    }

    PolicyEvaluator evaluator() {
        return new PolicyEvaluator(endpoints, policies, profiles);
    }

    IpAddress address() {
        int i = random.nextInt(12);
        return random.nextInt(3) == 0 ? IpAddress.parse("fd00::" + Integer.toHexString(i + 1))
                : IpAddress.parse("10.0." + (i / 4) + "." + (i % 4 + 1));
    }

    Endpoint endpoint(EndpointKey key) {
        List<IpAddress> addresses = new ArrayList<>();
        for (int i = random.nextInt(3); i >= 0; i--) {
            IpAddress a = address();
            if (!addresses.contains(a)) {
                addresses.add(a);
            }
        }
        List<EndpointPort> ports = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            ports.add(new EndpointPort(PORT_NAMES[random.nextInt(PORT_NAMES.length)],
                    random.nextBoolean() ? Protocol.TCP : Protocol.UDP, PORTS[random.nextInt(PORTS.length)]));
        }
        List<String> profileIds = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            profileIds.add("prof-" + random.nextInt(4));
        }
        return new Endpoint(key, RandomSelectors.labels(random), addresses, ports, profileIds);
    }

    EndpointKey endpointKey() {
        String node = NODES[random.nextInt(NODES.length)];
        int n = random.nextInt(10);
        return random.nextInt(4) == 0 ? EndpointKey.host(node, "eth" + n) : EndpointKey.workload(node, "wl-" + n);
    }

    Selector selector() {
        return Selector.parse(RandomSelectors.text(random, random.nextInt(3)));
    }

    Policy policy(String name) {
        Double order = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> 10.0; // ties: the name decides
            default -> (double) random.nextInt(100);
        };
        Set<Direction> types = switch (random.nextInt(4)) {
            case 0 -> EnumSet.of(Direction.INGRESS);
            case 1 -> EnumSet.of(Direction.EGRESS);
            case 2 -> EnumSet.allOf(Direction.class);
            default -> null;
        };
        return new Policy(name, order, selector(), rules(), rules(), types);
    }

    Profile profile(String id) {
        Map<String, String> labels = random.nextBoolean() ? Map.of() : RandomSelectors.labels(random);
        return new Profile(id, rules(), rules(), labels);
    }

    List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            rules.add(rule());
        }
        return rules;
    }

    Rule rule() {
        // Allow-heavy, so that both verdicts are common in the differential test.
        Action action = switch (random.nextInt(6)) {
            case 0, 1, 2 -> Action.ALLOW;
            case 3 -> Action.DENY;
            case 4 -> Action.LOG;
            default -> Action.PASS;
        };
        Protocol protocol = random.nextInt(3) == 0 ? null : PROTOCOLS[random.nextInt(PROTOCOLS.length)];
        Protocol notProtocol = random.nextInt(6) == 0 ? PROTOCOLS[random.nextInt(PROTOCOLS.length)] : null;
        int ipVersion = 0;
        if (random.nextInt(6) == 0) {
            ipVersion = protocol != null && protocol.isIcmp() ? (protocol.equals(Protocol.ICMPV6) ? 6 : 4) : (random.nextBoolean() ? 4 : 6);
        }
        IcmpMatch icmp = null;
        IcmpMatch notIcmp = null;
        if (protocol != null && protocol.isIcmp()) {
            if (random.nextBoolean()) {
                icmp = new IcmpMatch(random.nextInt(3), random.nextBoolean() ? IcmpMatch.ANY_CODE : random.nextInt(2));
            } else if (random.nextBoolean()) {
                notIcmp = new IcmpMatch(random.nextInt(3), random.nextBoolean() ? IcmpMatch.ANY_CODE : random.nextInt(2));
            }
        }
        boolean ports = protocol != null && protocol.hasPorts();
        return new Rule(action, ipVersion, protocol, notProtocol, icmp, notIcmp, side(ports, ipVersion), side(ports, ipVersion));
    }

    private EntityMatch side(boolean ports, int ipVersion) {
        if (random.nextBoolean()) {
            return EntityMatch.ANY;
        }
        return new EntityMatch(nets(ipVersion), random.nextInt(4) == 0 ? nets(ipVersion) : List.of(),
                random.nextBoolean() ? selector() : null, random.nextInt(4) == 0 ? selector() : null,
                ports && random.nextBoolean() ? portSpecs() : List.of(),
                ports && random.nextInt(4) == 0 ? portSpecs() : List.of());
    }

    private List<Cidr> nets(int ipVersion) {
        List<Cidr> nets = new ArrayList<>();
        for (int i = random.nextInt(3) - 1; i > 0 || (i == 0 && random.nextBoolean()); i--) {
            boolean v6 = ipVersion == 6 || (ipVersion == 0 && random.nextInt(3) == 0);
            nets.add(v6 ? Cidr.parse("fd00::" + Integer.toHexString(random.nextInt(12) + 1) + "/" + (124 + random.nextInt(5)))
                    : Cidr.parse("10.0." + random.nextInt(3) + "." + random.nextInt(5) + "/" + (22 + random.nextInt(11))));
        }
        return nets;
    }

    private List<PortSpec> portSpecs() {
        List<PortSpec> specs = new ArrayList<>();
        for (int i = 1 + random.nextInt(2); i > 0; i--) {
            specs.add(switch (random.nextInt(3)) {
                case 0 -> new PortSpec.Named(PORT_NAMES[random.nextInt(PORT_NAMES.length)]);
                case 1 -> {
                    int p = PORTS[random.nextInt(PORTS.length)];
                    yield new PortSpec.Range(p, p + random.nextInt(200));
                }
                default -> {
                    int p = PORTS[random.nextInt(PORTS.length)];
                    yield new PortSpec.Range(p, p);
                }
            });
        }
        return specs;
    }

    Packet packet() {
        IpAddress src = address();
        IpAddress dst = address();
        while (dst.v6() != src.v6()) {
            dst = address();
        }
        Protocol protocol = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
        if (protocol.isIcmp()) {
            return new Packet(src, dst, protocol.number(), 0, 0, random.nextInt(3), random.nextInt(2));
        }
        if (protocol.hasPorts()) {
            return new Packet(src, dst, protocol.number(), PORTS[random.nextInt(PORTS.length)] + random.nextInt(2),
                    PORTS[random.nextInt(PORTS.length)] + random.nextInt(2), 0, 0);
        }
        return new Packet(src, dst, protocol.number(), 0, 0, 0, 0);
    }
}
