package ocelot.fastpath;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;
import ocelot.dpdk.OcelotShim;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.testkit.GroupedProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The golden tests' four net_pcap ports (two workloads, the fabric, the exception TAP), each
 * replaying {@code <name>_in.pcap} and writing {@code <name>_out.pcap} in one folder.
 * net_pcap opens its files when a port starts, and the real inputs need the ports' MACs, so the
 * ports are created on empty inputs and left stopped: write the inputs, then {@link #start()}.
 */
final class GoldenPcapPorts implements AutoCloseable {
    static final int W1 = 0, W2 = 1, FABRIC = 2;
    private static final String[] NAMES = {"w1", "w2", "fabric", "tap"};
    private static final PortRole[] ROLES = {PortRole.WORKLOAD, PortRole.WORKLOAD, PortRole.FABRIC, PortRole.EXCEPTION};

    private final Path dir;
    private final List<DpdkPort> devices = new ArrayList<>();
    private final List<DpdkEthPort> ports = new ArrayList<>();

    GoldenPcapPorts(Path dir, Mempool pool, String vdevPrefix) throws IOException {
        this.dir = dir;
        for (String n : NAMES) PcapFile.write(dir.resolve(n + "_in.pcap"), List.of());
        try {
            String tag = Long.toString(ProcessHandle.current().pid());
            for (String n : NAMES) {
                devices.add(DpdkPort.createVdev(vdevPrefix + n + tag,
                        "rx_pcap=" + dir.resolve(n + "_in.pcap") + ",tx_pcap=" + dir.resolve(n + "_out.pcap"),
                        pool, DpdkPort.Config.defaults()));
            }
            for (int p = 0; p < NAMES.length; p++) ports.add(new DpdkEthPort(NAMES[p], devices.get(p), ROLES[p]));
            stop();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    List<DpdkEthPort> ports() {
        return ports;
    }

    long mac(int port) {
        return ports.get(port).mac();
    }

    void input(String port, List<byte[]> frames) throws IOException {
        PcapFile.write(dir.resolve(port + "_in.pcap"), frames);
    }

    List<byte[]> output(String port) throws IOException {
        return PcapFile.read(dir.resolve(port + "_out.pcap"));
    }

    Path outputFile(String port) {
        return dir.resolve(port + "_out.pcap");
    }

    void start() {
        for (DpdkPort d : devices) assertEquals(0, OcelotShim.ocelot_port_start((short) d.id()));
    }

    /** Stopping a port flushes its tx pcap. */
    void stop() {
        for (DpdkPort d : devices) OcelotShim.ocelot_port_stop((short) d.id());
    }

    @Override
    public void close() {
        for (DpdkPort d : devices) d.close();
    }

    /**
     * tshark must dissect every frame of {@code pcap} with the given checksum validations on and
     * find nothing matching {@code badFrames} (bad checksums, malformed, expert errors).
     */
    static void tshark(Path pcap, List<String> checksumOptions, String badFrames, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        for (String o : checksumOptions) cmd.addAll(List.of("-o", o));
        cmd.addAll(List.of("-Y", badFrames, "-T", "fields", "-e", "frame.number"));
        for (String f : fields) cmd.addAll(List.of("-e", f));
        GroupedProcess.Result r = GroupedProcess.run(Duration.ofMinutes(2), null, cmd);
        String out = r.output().trim();
        assertEquals(0, r.exit(), "tshark failed (-1: timed out): " + out);
        assertEquals("", out.replaceAll("(?m)^Running as user.*$", "").trim(), pcap.getFileName() + ": frames with bad checksums or malformed");
    }
}
