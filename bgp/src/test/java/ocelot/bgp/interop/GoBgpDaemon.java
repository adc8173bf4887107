package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real GoBGP ({@code gobgpd}, Debian's {@code gobgpd}) with a TOML config in a temp directory,
 * its gRPC API on a 127/8 port picked here (pprof off, so nothing listens on the default 6060),
 * driven and queried with the {@code gobgp} CLI. GoBGP has no static routes in its config: the
 * test adds them through the API, and a restarted gobgpd starts with none. {@link #close()} kills
 * it and deletes the directory, even after failures.
 */
public final class GoBgpDaemon extends DaemonProcess {
    static final Path GOBGPD = Path.of("/usr/bin/gobgpd");
    static final Path GOBGP = Path.of("/usr/bin/gobgp");

    private final Path config;
    private final String address;
    private final int apiPort;

    private GoBgpDaemon(Path dir, String address) {
        super(dir, "gobgpd.log");
        this.config = dir.resolve("gobgpd.toml");
        this.address = address;
        this.apiPort = Loopback.freePort(address);
    }

    /** Starts gobgpd with {@code toml}; its API listens on {@code address} and a free port. */
    public static GoBgpDaemon start(String address, String toml) throws IOException {
        return started(new GoBgpDaemon(Files.createTempDirectory("ocelot-gobgp-"), address), d -> {
            Files.writeString(d.config, toml);
            d.launch();
        });
    }

    private void launch() throws IOException {
        launch(List.of(GOBGPD.toString(), "-f", config.toString(), "-t", "toml", "-p", "-l", "info",
                "--api-hosts", address + ":" + apiPort, "--pprof-disable"));
        awaitReady("gobgpd", "answer on its API", () -> run(List.of("global")).contains("AS:"));
    }

    /** Runs {@code gobgp <args>} against this daemon; output, or an exception naming the command and its output. */
    public String gobgp(String... args) {
        String out = run(List.of(args));
        if (out.startsWith("exit ")) throw new IllegalStateException("gobgp " + String.join(" ", args) + " failed: " + out);
        return out;
    }

    /** Output of the CLI, or "exit N: output" when it failed. */
    private String run(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(GOBGP.toString(), "-u", address, "-p", Integer.toString(apiPort)));
        cmd.addAll(args);
        ClientOutput out = runClient(cmd);
        if (out.exit() < 0) return "exit timeout: " + out.text();
        return out.ok() ? out.text() : "exit " + out.exit() + ": " + out.text();
    }

    private static String family(String prefix) {
        return prefix.contains(":") ? "ipv6" : "ipv4";
    }

    /** Originates {@code prefix} with path attributes in the CLI's words ("nexthop X", "community A:B", ...). */
    public void addRoute(String prefix, String... attributes) {
        List<String> args = new ArrayList<>(List.of("global", "rib", "add", "-a", family(prefix), prefix));
        args.addAll(List.of(attributes));
        gobgp(args.toArray(String[]::new));
    }

    public void deleteRoute(String prefix) {
        gobgp("global", "rib", "del", "-a", family(prefix), prefix);
    }

    /** The prefix's line(s) in the global RIB ("Next Hop", "AS_PATH", "Attrs"); empty when GoBGP has no path. */
    public String route(String prefix) {
        String out = run(List.of("global", "rib", "-a", family(prefix), prefix));
        return out.startsWith("exit ") || out.contains("Network not in table") ? "" : out;
    }

    public String neighbor(String neighbor) {
        return run(List.of("neighbor", neighbor));
    }

    public boolean established(String neighbor) {
        return neighbor(neighbor).toLowerCase(java.util.Locale.ROOT).contains("bgp state = established");
    }

    /** SIGKILL (no NOTIFICATION, as a crash), then the same config again; routes added through the API are gone. */
    public void restart() throws IOException {
        stop();
        launch();
    }
}
