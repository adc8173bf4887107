package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real FRR {@code bgpd} (Debian's {@code frr}) run standalone: no zebra ({@code -Z}, so no
 * kernel routes and no next-hop tracking through zebra), its own config, pid file and vty socket
 * under a temp directory, BGP listening only on the address and port the test picked. Queried
 * with {@code vtysh --vty_socket}; {@link #close()} kills it and deletes the directory, even
 * after failures.
 */
public final class FrrDaemon extends DaemonProcess {
    static final Path BGPD = Path.of("/usr/lib/frr/bgpd");
    static final Path VTYSH = Path.of("/usr/bin/vtysh");

    private final Path config;
    private final String address;
    private final int port;

    private FrrDaemon(Path dir, String address, int port) {
        super(dir, "bgpd.log");
        this.config = dir.resolve("bgpd.conf");
        this.address = address;
        this.port = port;
    }

    /** Starts bgpd listening on {@code address:port} with {@code configText} (FRR's bgpd.conf syntax). */
    public static FrrDaemon start(String address, int port, String configText) throws IOException {
        return started(new FrrDaemon(Files.createTempDirectory("ocelot-frr-"), address, port), d -> {
            Files.writeString(d.config, configText);
            d.launch();
        });
    }

    private void launch() throws IOException {
        Files.deleteIfExists(dir.resolve("bgpd.vty"));
        // -S: no user/capability switch (the test's user owns the temp dir); -n/-Z: no kernel, no zebra;
        // -P 0: no TCP vty, only the unix socket in our directory.
        launch(List.of(BGPD.toString(), "-f", config.toString(), "-i", dir.resolve("bgpd.pid").toString(),
                "--vty_socket", dir.toString(), "-Z", "-n", "-S", "-l", address, "-p", Integer.toString(port), "-P", "0"));
        awaitReady("FRR bgpd", "answer on its vty socket",
                () -> Files.exists(dir.resolve("bgpd.vty")) && vtysh("show running-config").contains("router bgp"));
        // bgpd skips a config line it cannot parse and runs without it: fail here, naming the line.
        List<String> rejected = log().lines().filter(l -> l.contains("on config line")).toList();
        if (!rejected.isEmpty()) throw new IllegalArgumentException("bgpd.conf rejected:\n" + String.join("\n", rejected) + "\nconfig:\n" + Files.readString(config));
    }

    /** Runs vtysh commands against this bgpd (each one a {@code -c}) and returns the output. */
    public String vtysh(String... commands) {
        List<String> cmd = new ArrayList<>(List.of(VTYSH.toString(), "--vty_socket", dir.toString(), "-d", "bgpd"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return runClient(cmd).text();
    }

    /** Applies configuration lines in {@code configure terminal} (not written to bgpd.conf). */
    public void configure(String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "configure terminal";
        System.arraycopy(lines, 0, all, 1, lines.length);
        String out = vtysh(all);
        if (out.contains("% ")) throw new IllegalStateException("vtysh rejected " + String.join("; ", lines) + ":\n" + out);
    }

    /** The prefix's detail from the IPv4 or IPv6 unicast table; empty when bgpd has no path for it. */
    public String route(String prefix) {
        String afi = prefix.contains(":") ? "ipv6" : "ipv4";
        String out = vtysh("show bgp " + afi + " unicast " + prefix);
        return out.contains("Network not in table") ? "" : out;
    }

    public boolean established(String neighbor) {
        return vtysh("show bgp neighbors " + neighbor).contains("BGP state = Established");
    }

    /** SIGKILL (no NOTIFICATION, as a crash), then the same bgpd.conf again. */
    public void restart() throws IOException {
        kill();
        launch();
    }

    /** SIGKILL: the session's TCP connection closes without a NOTIFICATION, as when bgpd crashes. */
    public void kill() {
        stop();
    }

    /** Starts the killed bgpd again with a new bgpd.conf. */
    public void startAgain(String configText) throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException("bgpd still runs; kill() it first");
        Files.writeString(config, configText);
        launch();
    }

    @Override
    protected void stop() {
        List<Long> pids = process == null ? List.of() : process.memberPids(); // bgpd is the group leader's child
        super.stop();
        // FRR's crash-log buffers (/var/tmp/frr/bgpd.<pid>, fixed path in 8.4) outlive a killed bgpd.
        for (long pid : pids) deleteTree(Path.of("/var/tmp/frr", "bgpd." + pid));
    }
}
