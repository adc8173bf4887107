package ocelot.control.resource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resource → JSON tree in the field order of Calico's v1 documentation; absent (null) fields are
 * left out, so what was read prints back the same.
 */
final class ResourceWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResourceWriter() {
    }

    static ObjectNode write(Resource r) {
        ObjectNode top = F.objectNode();
        top.put("apiVersion", "v1");
        top.put("kind", r.kind().yamlName());
        ObjectNode meta = top.putObject("metadata");
        ObjectNode spec = top.putObject("spec");
        switch (r) {
            case NodeResource n -> {
                meta.put("name", n.name());
                if (n.bgp() != null) {
                    ObjectNode bgp = spec.putObject("bgp");
                    asNumber(bgp, "asNumber", n.bgp().asNumber());
                    text(bgp, "ipv4Address", n.bgp().ipv4Address());
                    text(bgp, "ipv6Address", n.bgp().ipv6Address());
                    text(bgp, "routeReflectorClusterID", n.bgp().routeReflectorClusterID());
                }
            }
            case BgpPeer b -> {
                meta.put("scope", b.scope().yaml());
                text(meta, "node", b.node());
                meta.put("peerIP", b.peerIpText());
                if (b.dynamic() != null && b.dynamic().asNumberLast().value() != b.asNumber().value()) {
                    spec.put("asNumber", b.asNumberText());
                } else {
                    asNumber(spec, "asNumber", b.asNumber());
                }
                if (b.dynamic() != null) spec.put("listenLimit", b.dynamic().listenLimit());
                text(spec, "password", b.password());
                if (b.ttlSecurity() > 0) spec.put("ttlSecurity", b.ttlSecurity());
                if (b.holdTime() > 0) spec.put("holdTime", b.holdTime());
                if (b.keepaliveTime() > 0) spec.put("keepaliveTime", b.keepaliveTime());
                if (b.bfd() != null) {
                    ObjectNode bfd = spec.putObject("bfd");
                    bfd.put("interval", b.bfd().intervalMillis());
                    bfd.put("multiplier", b.bfd().multiplier());
                }
            }
            case HostEndpoint h -> {
                meta.put("name", h.name());
                meta.put("node", h.node());
                labels(meta, "labels", h.labels());
                text(spec, "interfaceName", h.interfaceName());
                list(spec, "expectedIPs", h.expectedIps(), Object::toString);
                list(spec, "profiles", h.profiles(), s -> s);
            }
            case WorkloadEndpoint w -> {
                meta.put("name", w.name());
                meta.put("workload", w.workload());
                meta.put("orchestrator", w.orchestrator());
                meta.put("node", w.node());
                labels(meta, "labels", w.labels());
                text(spec, "interfaceName", w.interfaceName());
                text(spec, "mac", w.mac());
                list(spec, "ipNetworks", w.ipNetworks(), Object::toString);
                if (w.ipNats() != null) {
                    ArrayNode nats = spec.putArray("ipNATs");
                    for (var nat : w.ipNats()) {
                        nats.addObject().put("internalIP", nat.internalIp().toString())
                                .put("externalIP", nat.externalIp().toString());
                    }
                }
                list(spec, "profiles", w.profiles(), s -> s);
            }
            case IpPool p -> {
                meta.put("cidr", p.cidr().toString());
                if (p.ipip() != null) {
                    ObjectNode ipip = spec.putObject("ipip");
                    if (p.ipip().enabled() != null) ipip.put("enabled", p.ipip().enabled());
                    text(ipip, "mode", p.ipip().mode());
                }
                if (p.natOutgoing() != null) spec.put("nat-outgoing", p.natOutgoing());
                if (p.disabled() != null) spec.put("disabled", p.disabled());
                if (p.blockSize() != null) spec.put("blockSize", p.blockSize());
                list(spec, "bgpExtendedCommunities", p.bgpExtendedCommunities(), s -> s);
            }
            case Policy p -> {
                meta.put("name", p.name());
                if (p.order() != null) spec.put("order", p.order());
                text(spec, "selector", p.selector());
                list(spec, "types", p.types(), s -> s);
                rules(spec, "ingress", p.ingress());
                rules(spec, "egress", p.egress());
                if (p.doNotTrack() != null) spec.put("doNotTrack", p.doNotTrack());
                if (p.preDnat() != null) spec.put("preDNAT", p.preDnat());
            }
            case Profile p -> {
                meta.put("name", p.name());
                list(meta, "tags", p.tags(), s -> s);
                labels(meta, "labels", p.labels());
                rules(spec, "ingress", p.ingress());
                rules(spec, "egress", p.egress());
            }
        }
        return top;
    }

    private static void text(ObjectNode o, String field, Object value) {
        if (value != null) o.put(field, value.toString());
    }

    private static void asNumber(ObjectNode o, String field, AsNumber as) {
        if (as == null) return;
        if (as.asdot()) o.put(field, as.toString());
        else o.put(field, as.value());
    }

    private static void labels(ObjectNode o, String field, Map<String, String> labels) {
        if (labels == null) return;
        ObjectNode l = o.putObject(field);
        labels.forEach(l::put);
    }

    private static <T> void list(ObjectNode o, String field, List<T> values, Function<T, String> text) {
        if (values == null) return;
        ArrayNode a = o.putArray(field);
        values.forEach(v -> a.add(text.apply(v)));
    }

    private static void rules(ObjectNode o, String field, List<Rule> rules) {
        if (rules == null) return;
        ArrayNode a = o.putArray(field);
        for (Rule r : rules) {
            ObjectNode n = a.addObject();
            n.put("action", r.action());
            if (r.ipVersion() != null) n.put("ipVersion", r.ipVersion());
            protocol(n, "protocol", r.protocol());
            icmp(n, "icmp", r.icmp());
            protocol(n, "notProtocol", r.notProtocol());
            icmp(n, "notICMP", r.notIcmp());
            entity(n, "source", r.source());
            entity(n, "destination", r.destination());
        }
    }

    private static void protocol(ObjectNode o, String field, Rule.Protocol p) {
        if (p == null) return;
        if (p.name() != null) o.put(field, p.name());
        else o.put(field, p.number());
    }

    private static void icmp(ObjectNode o, String field, Rule.Icmp i) {
        if (i == null) return;
        ObjectNode n = o.putObject(field);
        if (i.type() != null) n.put("type", i.type());
        if (i.code() != null) n.put("code", i.code());
    }

    private static void entity(ObjectNode o, String field, Rule.EntityRule e) {
        if (e == null) return;
        ObjectNode n = o.putObject(field);
        text(n, "tag", e.tag());
        text(n, "net", e.net());
        text(n, "selector", e.selector());
        ports(n, "ports", e.ports());
        text(n, "notTag", e.notTag());
        text(n, "notNet", e.notNet());
        text(n, "notSelector", e.notSelector());
        ports(n, "notPorts", e.notPorts());
    }

    private static void ports(ObjectNode o, String field, List<PortRange> ports) {
        if (ports == null) return;
        ArrayNode a = o.putArray(field);
        for (PortRange p : ports) {
            if (p.single()) a.add(p.first());
            else a.add(p.toString());
        }
    }
}
