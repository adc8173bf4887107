package ocelot.control.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.WorkloadEndpoint;

/** ADD, DEL and CHECK over {@link WorkloadWiring}, and the CNI result they print. */
final class CniCommands {
    /** Calico's workload gateway: a link-local next hop the node answers ARP for (proxy ARP). */
    static final String GATEWAY = "169.254.1.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CniCommands() {
    }

    static ObjectNode add(WorkloadWiring wiring, CniRequest req) {
        NetConf c = req.conf();
        var added = wiring.add(new WorkloadWiring.AddRequest(req.endpointId(), req.handleId(), req.containerId(),
                req.netns(), req.ifName(), null, c.ipv4Pools(), c.labels(), c.profiles()));
        if (c.mtu() != null) setMtu(wiring, req, c.mtu());
        return result(c.cniVersion(), req.ifName(), added.endpoint().mac(), req.netns(), added.endpoint().ipNetworks());
    }

    /** The interface's MTU inside the container's namespace; on failure the ADD is undone. */
    private static void setMtu(WorkloadWiring wiring, CniRequest req, int mtu) {
        String failure;
        try {
            Process p = new ProcessBuilder("nsenter", "--net=" + req.netns(), "ip", "link", "set", "dev", req.ifName(), "mtu",
                    Integer.toString(mtu)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            failure = !p.waitFor(10, TimeUnit.SECONDS) ? "timed out" : p.exitValue() == 0 ? null : out;
        } catch (IOException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        if (failure != null) {
            wiring.remove(req.endpointId(), req.handleId());
            throw new CniError(CniError.PLUGIN_FAILURE, "setting mtu " + mtu + " on " + req.ifName() + " failed", failure);
        }
    }

    /** DEL prints nothing on success (spec 1.0: "Plugins should generally complete a DEL action without error"). */
    static ObjectNode del(WorkloadWiring wiring, CniRequest req) {
        wiring.remove(req.endpointId(), req.handleId());
        return null;
    }

    static ObjectNode check(WorkloadWiring wiring, CniRequest req) {
        var id = req.endpointId();
        WorkloadEndpoint wep = wiring.endpoint(id).orElseThrow(() -> new CniError(CniError.PLUGIN_FAILURE,
                "CHECK: workloadEndpoint " + id + " does not exist", null));
        List<Cidr> nets = wep.ipNetworks() == null ? List.of() : wep.ipNetworks();
        for (Cidr net : nets) {
            var info = wiring.ipam().show(net.address());
            if (!req.handleId().equals(info.handleId())) {
                throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: IPAM does not hold " + net.address() + " for handle "
                        + req.handleId() + " (holder: " + (info.handleId() == null ? "nobody" : info.handleId()) + ")", null);
            }
        }
        JsonNode prev = req.conf().prevResult();
        if (prev != null) {
            TreeSet<String> expected = new TreeSet<>();
            nets.forEach(n -> expected.add(n.toString()));
            TreeSet<String> previous = new TreeSet<>();
            prev.path("ips").forEach(ip -> previous.add(ip.path("address").asText()));
            if (!expected.equals(previous)) {
                throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: prevResult's addresses " + previous
                        + " differ from the endpoint's " + expected, null);
            }
        }
        checkInterface(req.netns(), req.ifName(), wep, nets);
        return null;
    }

    /** The interface in the namespace has the endpoint's MAC and addresses, and the default route via the gateway. */
    private static void checkInterface(String netns, String ifName, WorkloadEndpoint wep, List<Cidr> nets) {
        JsonNode links = ipJson(netns, "addr", "show", "dev", ifName);
        if (!links.isArray() || links.isEmpty()) {
            throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: no interface " + ifName + " in " + netns, null);
        }
        JsonNode link = links.get(0);
        if (wep.mac() != null && !wep.mac().equalsIgnoreCase(link.path("address").asText())) {
            throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: " + ifName + " in " + netns + " has MAC "
                    + link.path("address").asText() + ", the endpoint says " + wep.mac(), null);
        }
        TreeSet<String> present = new TreeSet<>();
        link.path("addr_info").forEach(a -> present.add(a.path("local").asText() + "/" + a.path("prefixlen").asText()));
        for (Cidr net : nets) {
            if (!present.contains(net.toString())) {
                throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: " + ifName + " in " + netns + " lacks " + net
                        + " (has " + present + ")", null);
            }
        }
        boolean viaGateway = false;
        for (JsonNode r : ipJson(netns, "-4", "route", "show", "default")) {
            viaGateway |= GATEWAY.equals(r.path("gateway").asText()) && ifName.equals(r.path("dev").asText());
        }
        if (!viaGateway) {
            throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: no default route via " + GATEWAY + " dev " + ifName + " in " + netns, null);
        }
    }

    private static JsonNode ipJson(String netns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + netns, "ip", "-j"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CniError(CniError.IO_FAILURE, "CHECK: " + String.join(" ", cmd) + " did not finish", null);
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new CniError(CniError.PLUGIN_FAILURE, "CHECK: " + String.join(" ", cmd) + " failed: " + text, null);
            }
            return text.isEmpty() ? JSON.createArrayNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new CniError(CniError.IO_FAILURE, "CHECK: cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CniError(CniError.IO_FAILURE, "CHECK: interrupted", null);
        }
    }

    /** A CNI result: one interface in the sandbox, its addresses, the default route via the gateway. */
    static ObjectNode result(String version, String ifName, String mac, String netns, List<Cidr> nets) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cniVersion", version);
        ObjectNode iface = o.putArray("interfaces").addObject();
        iface.put("name", ifName);
        if (mac != null) iface.put("mac", mac);
        iface.put("sandbox", netns);
        ArrayNode ips = o.putArray("ips");
        for (Cidr net : nets) {
            ObjectNode ip = ips.addObject();
            // 0.3.x/0.4.0 results carry "version"; 1.0.0 dropped it.
            if (!version.startsWith("1.")) ip.put("version", String.valueOf(net.version()));
            ip.put("address", net.toString());
            ip.put("interface", 0);
        }
        ObjectNode route = o.putArray("routes").addObject();
        route.put("dst", "0.0.0.0/0");
        route.put("gw", GATEWAY);
        o.putObject("dns");
        return o;
    }
}
