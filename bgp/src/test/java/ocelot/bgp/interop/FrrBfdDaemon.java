package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * FRR's {@code bfdd} (Debian's {@code frr} 8.4) run standalone: no zebra (it only logs that it
 * cannot reach one), config, pid, control and vty sockets in a temp directory (open to the
 * {@code frr} user bfdd drops to), queried with {@code vtysh -d bfdd}. It binds 0.0.0.0:3784 with
 * SO_REUSEADDR, so a test's own BFD socket on a 127/8 address and port 3784 can sit beside it.
 * {@link #pause()} / {@link #resume()} SIGSTOP and SIGCONT it: a peer that falls silent without
 * saying so, the failure BFD exists to detect.
 */
public final class FrrBfdDaemon extends DaemonProcess {
    static final Path BFDD = Path.of("/usr/lib/frr/bfdd");
    private final Path config;

    private FrrBfdDaemon(Path dir) {
        super(dir, "bfdd.log");
        this.config = dir.resolve("bfdd.conf");
    }

    public static FrrBfdDaemon start(String configText) throws IOException {
        Path dir = Files.createTempDirectory("ocelot-bfdd-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return started(new FrrBfdDaemon(dir), d -> {
            Files.writeString(d.config, configText);
            d.launch(List.of(BFDD.toString(), "-f", d.config.toString(), "-i", dir.resolve("bfdd.pid").toString(),
                    "--vty_socket", dir.toString(), "--bfdctl", dir.resolve("bfdd.sock").toString(),
                    "-z", dir.resolve("zserv.api").toString(), "--log", "stdout"));
            d.awaitReady("FRR bfdd", "answer on its vty socket",
                    () -> Files.exists(dir.resolve("bfdd.vty")) && d.vtysh("show bfd peers").contains("BFD Peers"));
        });
    }

    public String vtysh(String... commands) {
        List<String> cmd = new ArrayList<>(List.of(FrrDaemon.VTYSH.toString(), "--vty_socket", dir.toString(), "-d", "bfdd"));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return runClient(cmd).text();
    }

    public void pause() {
        signal("-STOP");
    }

    public void resume() {
        signal("-CONT");
    }

    /** To the whole group: the process we started is the group's leader ({@code timeout}), bfdd its child. */
    private void signal(String sig) {
        runClient(List.of("kill", sig, "--", "-" + process.process().pid()));
    }
}
