package ocelot.control.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import ocelot.control.selector.Selector;

/**
 * Turns one parsed document (a JSON tree, from YAML or JSON) into a validated {@link Resource},
 * or throws a {@link ResourceException} naming the first wrong field. Checks follow Calico v1's
 * validator: CIDRs without host bits, 2/4-byte and asdot AS numbers, ports only with tcp/udp/
 * sctp/udplite, ICMP fields only with icmp/icmpv6, selectors parsed by {@link Selector}.
 */
final class ResourceReader {
    private final String source;
    private final int document;

    ResourceReader(String source, int document) {
        this.source = source;
        this.document = document;
    }

    Resource read(Kind kind, FieldReader top) {
        FieldReader meta = top.object("metadata");
        FieldReader spec = top.object("spec");
        if (meta == null) meta = FieldReader.of(null, "metadata", source, document);
        if (spec == null) spec = FieldReader.of(null, "spec", source, document);
        top.finish();
        Resource r = switch (kind) {
            case NODE -> node(meta, spec);
            case BGP_PEER -> bgpPeer(meta, spec);
            case HOST_ENDPOINT -> hostEndpoint(meta, spec);
            case WORKLOAD_ENDPOINT -> workloadEndpoint(meta, spec);
            case IP_POOL -> ipPool(meta, spec);
            case POLICY -> policy(meta, spec);
            case PROFILE -> profile(meta, spec);
        };
        meta.finish();
        spec.finish();
        return r;
    }

    private String name(FieldReader r, String field) {
        String n = r.requiredString(field);
        String problem = Identifiers.nameProblem(n);
        if (problem != null) throw r.fail(field, problem);
        return n;
    }

    private <T> T parsed(FieldReader r, String field, Function<String, T> parser, boolean required) {
        String s = required ? r.requiredString(field) : r.string(field);
        if (s == null) return null;
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw r.fail(field, e.getMessage());
        }
    }

    private AsNumber asNumber(FieldReader r, String field) {
        JsonNode v = r.raw(field);
        if (v == null) return null;
        try {
            if (v.isIntegralNumber()) return new AsNumber(v.longValue(), false);
            // YAML reads an unquoted 1.10 as the float 1.1: the low half would silently change.
            if (v.isNumber()) {
                throw r.fail(field, "write an asdot AS number as a quoted string (\"" + v.asText()
                        + "\"): unquoted, YAML reads it as a decimal number");
            }
            if (v.isTextual()) return AsNumber.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw r.fail(field, e.getMessage());
        }
        throw r.fail(field, "must be an AS number (64512, 4200000000 or asdot 1.10), got " + FieldReader.describe(v));
    }

    private NodeResource node(FieldReader meta, FieldReader spec) {
        String name = name(meta, "name");
        FieldReader bgp = spec.object("bgp");
        NodeResource.Bgp b = null;
        if (bgp != null) {
            b = new NodeResource.Bgp(asNumber(bgp, "asNumber"),
                    family(bgp, "ipv4Address", 4), family(bgp, "ipv6Address", 6), clusterId(bgp, "routeReflectorClusterID"));
            bgp.finish();
        }
        return new NodeResource(name, b);
    }

    /** Calico's routeReflectorClusterID: a dotted quad (RFC 4456 CLUSTER_ID is four octets). */
    private IpAddress clusterId(FieldReader r, String field) {
        IpAddress a = parsed(r, field, IpAddress::parse, false);
        if (a != null && a.version() != 4) throw r.fail(field, "must be an IPv4 dotted quad such as 244.0.0.1, got '" + a + "'");
        return a;
    }

    /** The TCP MD5 key: a string; a Kubernetes secretKeyRef (later Calico) cannot be resolved here. */
    private String password(FieldReader r, String field) {
        JsonNode v = r.raw(field);
        if (v == null) return null;
        if (v.isObject() && v.has("secretKeyRef")) {
            throw r.fail(field, "secretKeyRef needs Kubernetes secrets, which Ocelot does not read; give the key itself as a string");
        }
        if (!v.isTextual()) throw r.fail(field, "must be a string (the TCP MD5 key), got " + FieldReader.describe(v));
        String problem = BgpPeer.passwordProblem(v.asText());
        if (problem != null) throw r.fail(field, problem);
        return v.asText();
    }

    private Cidr family(FieldReader r, String field, int version) {
        Cidr c = parsed(r, field, Cidr::parseInterface, false);
        if (c != null && c.version() != version) throw r.fail(field, "must be an IPv" + version + " address");
        return c;
    }

    private BgpPeer bgpPeer(FieldReader meta, FieldReader spec) {
        String scopeText = meta.requiredString("scope");
        BgpPeer.Scope scope = switch (scopeText) {
            case "global" -> BgpPeer.Scope.GLOBAL;
            case "node" -> BgpPeer.Scope.NODE;
            default -> throw meta.fail("scope", "must be global or node, got '" + scopeText + "'");
        };
        String node = scope == BgpPeer.Scope.NODE ? name(meta, "node") : meta.string("node");
        if (scope == BgpPeer.Scope.GLOBAL && node != null) throw meta.fail("node", "must not be set when scope is global");
        String peerText = meta.requiredString("peerIP");
        Integer ttlSecurity = spec.integer("ttlSecurity", 0, BgpPeer.MAX_TTL_SECURITY_HOPS);
        Integer holdTime = spec.integer("holdTime", BgpPeer.MIN_HOLD_TIME, BgpPeer.MAX_TIMER);
        Integer keepaliveTime = spec.integer("keepaliveTime", 1, BgpPeer.MAX_TIMER);
        if (holdTime != null && keepaliveTime != null && keepaliveTime >= holdTime) {
            throw spec.fail("keepaliveTime", "must be shorter than holdTime (" + holdTime + "), got " + keepaliveTime);
        }
        BgpPeer.Bfd bfd = bfd(spec);
        if (peerText.contains("/")) {
            // Ocelot's extension: a CIDR peerIP is a listen range of dynamic neighbours (bgp/README.md).
            Cidr range = parsed(meta, "peerIP", Cidr::parse, true);
            AsNumber[] ases = asNumberRange(spec, "asNumber");
            Integer limit = spec.integer("listenLimit", 1, 65535);
            String password = password(spec, "password");
            if (password != null) throw spec.fail("password", "is not supported on a listen range (peerIP " + range + ")");
            return new BgpPeer(scope, node, range.address(), ases[0], null, ttlSecurity == null ? 0 : ttlSecurity,
                    holdTime == null ? 0 : holdTime, keepaliveTime == null ? 0 : keepaliveTime, new BgpPeer.DynamicRange(range.prefixLength(), ases[1], limit == null ? BgpPeer.DEFAULT_LISTEN_LIMIT : limit),
                    bfd);
        }
        IpAddress ip = parsed(meta, "peerIP", IpAddress::parse, true);
        AsNumber as = asNumber(spec, "asNumber");
        if (as == null) throw spec.fail("asNumber", "is required");
        if (spec.raw("listenLimit") != null) throw spec.fail("listenLimit", "needs a CIDR peerIP (a listen range), got " + ip);
        return new BgpPeer(scope, node, ip, as, password(spec, "password"), ttlSecurity == null ? 0 : ttlSecurity,
                holdTime == null ? 0 : holdTime, keepaliveTime == null ? 0 : keepaliveTime, null, bfd);
    }

    /** Ocelot's {@code spec.bfd: {interval: MS, multiplier: N}} (both optional inside it), or null. */
    private BgpPeer.Bfd bfd(FieldReader spec) {
        FieldReader b = spec.object("bfd");
        if (b == null) return null;
        Integer interval = b.integer("interval", 10, 60_000);
        Integer multiplier = b.integer("multiplier", 1, 255);
        b.finish();
        return new BgpPeer.Bfd(interval == null ? BgpPeer.Bfd.DEFAULT_INTERVAL_MILLIS : interval,
                multiplier == null ? BgpPeer.Bfd.DEFAULT_MULTIPLIER : multiplier);
    }

    /** A listen range's AS: one AS number, or {@code "FIRST-LAST"}; returns {first, last}. */
    private AsNumber[] asNumberRange(FieldReader spec, String field) {
        JsonNode v = spec.raw(field);
        if (v == null) throw spec.fail(field, "is required");
        if (v.isTextual() && v.asText().contains("-")) {
            String[] parts = v.asText().split("-", -1);
            if (parts.length != 2) throw spec.fail(field, "an AS range is FIRST-LAST, got '" + v.asText() + "'");
            AsNumber first, last;
            try {
                first = AsNumber.parse(parts[0]);
                last = AsNumber.parse(parts[1]);
            } catch (IllegalArgumentException e) {
                throw spec.fail(field, e.getMessage());
            }
            if (last.value() < first.value()) throw spec.fail(field, "AS range '" + v.asText() + "' is empty (last below first)");
            return new AsNumber[] {first, last};
        }
        AsNumber as = asNumber(spec, field);
        return new AsNumber[] {as, as};
    }

    private HostEndpoint hostEndpoint(FieldReader meta, FieldReader spec) {
        String name = name(meta, "name");
        String node = name(meta, "node");
        var labels = meta.labels("labels");
        String iface = interfaceName(spec);
        List<IpAddress> ips = spec.list("expectedIPs", (n, p) -> ip(n, p));
        if (iface == null && (ips == null || ips.isEmpty())) {
            throw spec.fail("interfaceName", "a host endpoint needs interfaceName or expectedIPs");
        }
        return new HostEndpoint(name, node, labels, iface, ips, profiles(spec));
    }

    private String interfaceName(FieldReader spec) {
        String iface = spec.string("interfaceName");
        if (iface != null) {
            String problem = Identifiers.interfaceProblem(iface);
            if (problem != null) throw spec.fail("interfaceName", problem);
        }
        return iface;
    }

    private List<String> profiles(FieldReader spec) {
        return spec.strings("profiles", (s, p) -> {
            String problem = Identifiers.nameProblem(s);
            if (problem != null) throw spec.failAt(p, problem);
            return s;
        });
    }

    private IpAddress ip(JsonNode n, String p) {
        if (!n.isTextual()) throw new ResourceException(source, document, p, "must be an IP address string");
        try {
            return IpAddress.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new ResourceException(source, document, p, e.getMessage());
        }
    }

    private WorkloadEndpoint workloadEndpoint(FieldReader meta, FieldReader spec) {
        String name = name(meta, "name");
        String workload = name(meta, "workload");
        String orchestrator = name(meta, "orchestrator");
        String node = name(meta, "node");
        var labels = meta.labels("labels");
        String iface = interfaceName(spec);
        String mac = spec.string("mac");
        if (mac != null && Identifiers.macProblem(mac) != null) throw spec.fail("mac", Identifiers.macProblem(mac));
        List<Cidr> nets = spec.list("ipNetworks", (n, p) -> {
            if (!n.isTextual()) throw new ResourceException(source, document, p, "must be a CIDR string");
            try {
                return Cidr.parseInterface(n.asText());
            } catch (IllegalArgumentException e) {
                throw new ResourceException(source, document, p, e.getMessage());
            }
        });
        List<WorkloadEndpoint.IpNat> nats = spec.list("ipNATs", (n, p) -> {
            FieldReader r = FieldReader.of(n, p, source, document);
            var nat = new WorkloadEndpoint.IpNat(parsed(r, "internalIP", IpAddress::parse, true),
                    parsed(r, "externalIP", IpAddress::parse, true));
            r.finish();
            return nat;
        });
        return new WorkloadEndpoint(name, workload, orchestrator, node, labels, iface, mac, nets, nats, profiles(spec));
    }

    private IpPool ipPool(FieldReader meta, FieldReader spec) {
        Cidr cidr = parsed(meta, "cidr", Cidr::parse, true);
        FieldReader ipipR = spec.object("ipip");
        IpPool.IpIp ipip = null;
        if (ipipR != null) {
            String mode = ipipR.string("mode");
            if (mode != null && !mode.equals("always") && !mode.equals("cross-subnet")) {
                throw ipipR.fail("mode", "must be always or cross-subnet, got '" + mode + "'");
            }
            ipip = new IpPool.IpIp(ipipR.bool("enabled"), mode);
            ipipR.finish();
            if (Boolean.TRUE.equals(ipip.enabled()) && cidr.version() == 6) {
                throw ipipR.fail("enabled", "IP-in-IP is IPv4 only");
            }
        }
        Boolean nat = spec.bool("nat-outgoing");
        Boolean disabled = spec.bool("disabled");
        int maxBits = cidr.address().bits();
        Integer blockSize = spec.integer("blockSize", 0, maxBits);
        if (blockSize != null && blockSize < cidr.prefixLength()) {
            throw spec.fail("blockSize", "/" + blockSize + " blocks do not fit in the pool " + cidr);
        }
        if (blockSize != null && maxBits - blockSize > 16) {
            throw spec.fail("blockSize", "blocks larger than 65536 addresses are not supported; use /" + (maxBits - 16) + " or longer");
        }
        if (blockSize == null && cidr.prefixLength() > (cidr.version() == 4 ? 26 : 122)) {
            throw meta.fail("cidr", "pool " + cidr + " is smaller than one /" + (cidr.version() == 4 ? 26 : 122)
                    + " IPAM block; set spec.blockSize");
        }
        List<String> extended = spec.list("bgpExtendedCommunities", (n, p) -> {
            // YAML 1.1 reads an unquoted 0x... as an integer: take it as the 8 octets it spells.
            String text = n.isIntegralNumber() && n.bigIntegerValue().signum() >= 0 && n.bigIntegerValue().bitLength() <= 64
                    ? String.format("0x%016x", n.bigIntegerValue().longValue()) : n.isTextual() ? n.asText() : null;
            if (text == null) throw spec.failAt(p, "must be an extended community such as 'rt:65000:100', got " + n);
            // Kept as written: format(parse(x)) can change the type (a 4-octet-AS hex form with a small ASN).
            try {
                ocelot.bgp.wire.ExtendedCommunity.parse(text);
                return text.strip();
            } catch (IllegalArgumentException e) {
                throw spec.failAt(p, e.getMessage());
            }
        });
        return new IpPool(cidr, ipip, nat, disabled, blockSize, extended);
    }

    private Policy policy(FieldReader meta, FieldReader spec) {
        String name = name(meta, "name");
        var order = spec.decimal("order");
        String selector = selector(spec, "selector");
        List<String> types = policyTypes(spec);
        List<Rule> ingress = rules(spec, "ingress");
        List<Rule> egress = rules(spec, "egress");
        return new Policy(name, order, selector, ingress, egress, spec.bool("doNotTrack"), spec.bool("preDNAT"), types);
    }

    /** {@code spec.types}: ingress and/or egress, once each; absent means both (Calico 2.1). */
    private List<String> policyTypes(FieldReader spec) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> types = spec.strings("types", (s, p) -> {
            if (!Policy.DIRECTIONS.contains(s)) {
                throw spec.failAt(p, "must be ingress or egress, got '" + s + "'");
            }
            if (!seen.add(s)) throw spec.failAt(p, s + " is listed twice");
            return s;
        });
        if (types != null && types.isEmpty()) {
            throw spec.fail("types", "must list ingress, egress or both (leave it out to apply in both directions)");
        }
        return types;
    }

    private Profile profile(FieldReader meta, FieldReader spec) {
        String name = name(meta, "name");
        List<String> tags = meta.strings("tags", (s, p) -> {
            String problem = Identifiers.nameProblem(s);
            if (problem != null) throw meta.failAt(p, problem);
            return s;
        });
        var labels = meta.labels("labels");
        return new Profile(name, tags, labels, rules(spec, "ingress"), rules(spec, "egress"));
    }

    private String selector(FieldReader r, String field) {
        String s = r.string(field);
        if (s == null) return null;
        try {
            Selector.parse(s);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "invalid selector" : e.getMessage().lines().findFirst().orElse("");
            throw r.fail(field, msg);
        }
        return s;
    }

    private List<Rule> rules(FieldReader spec, String field) {
        return spec.list(field, (n, p) -> rule(FieldReader.of(n, p, source, document)));
    }

    private Rule rule(FieldReader r) {
        String action = r.requiredString("action");
        if (!Rule.ACTIONS.contains(action)) {
            throw r.fail("action", "must be one of " + String.join(", ", Rule.ACTIONS) + ", got '" + action + "'");
        }
        Integer ipVersion = r.integer("ipVersion", 4, 6);
        if (ipVersion != null && ipVersion == 5) throw r.fail("ipVersion", "must be 4 or 6");
        Rule.Protocol protocol = protocol(r, "protocol");
        Rule.Icmp icmp = icmp(r, "icmp", protocol);
        Rule.Protocol notProtocol = protocol(r, "notProtocol");
        Rule.Icmp notIcmp = icmp(r, "notICMP", protocol);
        Rule.EntityRule source = entity(r, "source", protocol);
        Rule.EntityRule destination = entity(r, "destination", protocol);
        r.finish();
        return new Rule(action, ipVersion, protocol, icmp, notProtocol, notIcmp, source, destination);
    }

    private Rule.Protocol protocol(FieldReader r, String field) {
        JsonNode v = r.raw(field);
        if (v == null) return null;
        if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 1 && v.intValue() <= 255) {
            return new Rule.Protocol(null, v.intValue());
        }
        if (v.isTextual()) {
            String name = v.asText().toLowerCase(Locale.ROOT);
            int number = switch (name) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "icmp" -> 1;
                case "icmpv6" -> 58;
                case "sctp" -> 132;
                case "udplite" -> 136;
                default -> -1;
            };
            if (number > 0 && name.equals(v.asText())) return new Rule.Protocol(name, number);
        }
        throw r.fail(field, "must be one of " + String.join(", ", Rule.Protocol.NAMES)
                + " or a number 1-255, got " + FieldReader.describe(v));
    }

    private Rule.Icmp icmp(FieldReader r, String field, Rule.Protocol protocol) {
        FieldReader i = r.object(field);
        if (i == null) return null;
        if (protocol == null || !protocol.isIcmp()) throw r.fail(field, "needs protocol icmp or icmpv6");
        // Type 255 is reserved (RFC 4443 / IANA), and Calico's validator stops at 254.
        Integer type = i.integer("type", 0, 254);
        Integer code = i.integer("code", 0, 255);
        if (code != null && type == null) throw i.fail("code", "needs a type");
        i.finish();
        return new Rule.Icmp(type, code);
    }

    private Rule.EntityRule entity(FieldReader r, String field, Rule.Protocol protocol) {
        FieldReader e = r.object(field);
        if (e == null) return null;
        String tag = tag(e, "tag");
        Cidr net = parsed(e, "net", Cidr::parseInterface, false);
        String selector = selector(e, "selector");
        List<PortRange> ports = ports(e, "ports", protocol);
        String notTag = tag(e, "notTag");
        Cidr notNet = parsed(e, "notNet", Cidr::parseInterface, false);
        String notSelector = selector(e, "notSelector");
        List<PortRange> notPorts = ports(e, "notPorts", protocol);
        e.finish();
        return new Rule.EntityRule(tag, net, selector, ports, notTag, notNet, notSelector, notPorts);
    }

    private String tag(FieldReader r, String field) {
        String t = r.string(field);
        if (t != null && Identifiers.nameProblem(t) != null) throw r.fail(field, Identifiers.nameProblem(t));
        return t;
    }

    private List<PortRange> ports(FieldReader r, String field, Rule.Protocol protocol) {
        List<PortRange> ports = r.list(field, (n, p) -> {
            try {
                if (n.isIntegralNumber()) {
                    if (!n.canConvertToInt() || n.intValue() < 0 || n.intValue() > 65535) {
                        throw new IllegalArgumentException("port " + n.asText() + " out of range 0-65535");
                    }
                    return new PortRange(n.intValue(), n.intValue());
                }
                if (n.isTextual()) return PortRange.parse(n.asText());
                throw new IllegalArgumentException("must be a port or a range \"MIN:MAX\", got " + FieldReader.describe(n));
            } catch (IllegalArgumentException ex) {
                throw new ResourceException(source, document, p, ex.getMessage());
            }
        });
        if (ports != null && (protocol == null || !protocol.hasPorts())) {
            throw r.fail(field, "ports need protocol tcp, udp, sctp or udplite in the rule");
        }
        return ports;
    }
}
