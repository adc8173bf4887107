package ocelot.control.ports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the node reads from and changes on a kernel interface in its own namespace, through
 * iproute2's JSON output ({@code ip -j}) so nothing depends on its text layout.
 */
public final class KernelLink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KernelLink() {}

    public static boolean exists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** The interface's MAC as aa:bb:cc:dd:ee:ff. */
    public static String mac(String name) {
        try {
            return Files.readString(Path.of("/sys/class/net", name, "address")).strip();
        } catch (IOException e) {
            throw new IllegalStateException("interface " + name + " not found (" + e.getMessage() + ")");
        }
    }

    public static long macValue(String mac) {
        return Long.parseLong(mac.replace(":", ""), 16);
    }

    /** Global (non link-local) addresses as ADDR/LEN, IPv4 first, in the kernel's order. */
    public static List<String> addresses(String name) {
        List<String> v4 = new ArrayList<>(), v6 = new ArrayList<>();
        for (JsonNode link : json(KernelCommand.run("ip", "-j", "addr", "show", "dev", name))) {
            for (JsonNode a : link.path("addr_info")) {
                if (!"global".equals(a.path("scope").asText())) continue;
                String cidr = a.path("local").asText() + "/" + a.path("prefixlen").asInt();
                ("inet".equals(a.path("family").asText()) ? v4 : v6).add(cidr);
            }
        }
        v4.addAll(v6);
        return v4;
    }

    /**
     * IPv4 and IPv6 routes through the interface that the kernel did not add itself for an
     * address (those come back with the address): each as the arguments {@code ip route add}
     * takes after "add", without the "dev" part.
     */
    public static List<List<String>> staticRoutes(String name) {
        List<List<String>> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : json(KernelCommand.run("ip", "-j", family, "route", "show", "dev", name))) {
                String proto = r.path("protocol").asText("");
                if (proto.equals("kernel") || r.path("dst").asText().startsWith("fe80:") || r.path("dst").asText().startsWith("ff00:")) continue;
                List<String> args = new ArrayList<>(List.of(family, r.path("dst").asText()));
                if (r.has("gateway")) args.addAll(List.of("via", r.get("gateway").asText()));
                if (r.has("metric")) args.addAll(List.of("metric", r.get("metric").asText()));
                if (r.has("scope") && !r.get("scope").asText().equals("global")) args.addAll(List.of("scope", r.get("scope").asText()));
                if (r.has("prefsrc")) args.addAll(List.of("src", r.get("prefsrc").asText()));
                if (!proto.isEmpty() && !proto.equals("boot")) args.addAll(List.of("proto", proto));
                out.add(args);
            }
        }
        return out;
    }

    public static void addRoute(String dev, List<String> route) {
        List<String> cmd = new ArrayList<>(List.of("ip", route.getFirst(), "route", "replace"));
        cmd.addAll(route.subList(1, route.size()));
        cmd.addAll(List.of("dev", dev));
        KernelCommand.run(cmd);
    }

    /** The interface's flags as {@code ip -j link} reports them (UP, NOARP, ...). */
    public static List<String> flags(String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode link : json(KernelCommand.run("ip", "-j", "link", "show", "dev", name))) {
            for (JsonNode f : link.path("flags")) out.add(f.asText());
        }
        return out;
    }

    static JsonNode json(String text) {
        try {
            JsonNode n = JSON.readTree(text.isBlank() ? "[]" : text);
            return n == null ? JSON.createArrayNode() : n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read iproute2's JSON output: " + e.getMessage(), e);
        }
    }
}
