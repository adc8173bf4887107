package ocelot.control.ports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import ocelot.control.node.WorkloadAttachProtocol.Attach;

/**
 * The workload ports a node attached, one file per port in {@code RUNDIR/workloads/HOSTIFNAME.json}
 * (the attach request and the MAC the interface got), written when an attach succeeds and removed
 * by its detach. A node's workload interfaces die with its process (a TAP lives as long as its
 * DPDK port), so this is what lets the next {@code node run} give each workload that still
 * exists its interface back, with the same name, addresses and MAC, without the orchestrator
 * calling CNI again. Each file is written to a temporary name and renamed, so a crash leaves
 * either the old file or the new one.
 */
public final class WorkloadRecords {
    public static final String FOLDER = "workloads";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One attached workload port as recorded. */
    public record Entry(Attach attach, String mac, Path file) {}

    private final Path dir;

    public WorkloadRecords(Path runDir) {
        this.dir = runDir.resolve(FOLDER);
    }

    public Path dir() { return dir; }

    public void save(Attach a, String mac) {
        ObjectNode o = JSON.createObjectNode();
        o.put("containerId", a.containerId()).put("netns", a.netns()).put("ifName", a.ifName()).put("hostIfName", a.hostIfName());
        a.addresses().forEach(o.putArray("addresses")::add);
        o.put("mac", mac);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(a.hostIfName() + ".json.tmp");
            Files.writeString(tmp, o.toString() + "\n");
            Files.move(tmp, dir.resolve(a.hostIfName() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("recording workload port " + a.hostIfName() + " in " + dir, e);
        }
    }

    public void remove(String hostIfName) {
        try {
            Files.deleteIfExists(dir.resolve(hostIfName + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("removing the record of workload port " + hostIfName + " from " + dir, e);
        }
    }

    /**
     * Every readable record, in file name order. A damaged file is reported to {@code problems}
     * naming the file and the field, and left out.
     */
    public List<Entry> list(java.util.function.Consumer<String> problems) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            problems.accept(dir + ": " + e.getMessage());
            return out;
        }
        for (Path f : files) {
            try {
                JsonNode o = JSON.readTree(Files.readString(f));
                List<String> addresses = new ArrayList<>();
                o.path("addresses").forEach(n -> addresses.add(n.asText()));
                Attach a = new Attach(o.path("containerId").asText(null), o.path("netns").asText(null), o.path("ifName").asText(null),
                        o.path("hostIfName").asText(null), addresses);
                String mac = o.path("mac").asText(null);
                if (mac == null || !mac.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) throw new IllegalArgumentException("mac '" + mac + "' is not a MAC address");
                if (!f.getFileName().toString().equals(a.hostIfName() + ".json")) {
                    throw new IllegalArgumentException("hostIfName " + a.hostIfName() + " does not match the file name");
                }
                out.add(new Entry(a, mac, f));
            } catch (IOException | RuntimeException e) {
                problems.accept(f + ": " + e.getMessage());
            }
        }
        return out;
    }
}
