package ocelot.control.dataplane;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ocelot.control.cli.OcelotCtl;

/**
 * Child-JVM main for {@link DriverEmbeddedKillTest}: {@code CFG DIR COUNT NAME} runs ocelotctl
 * {@code apply -f} COUNT times, each a policy {@code NAMEi}, and prints "ACK i" after each
 * apply that exited 0 (its commit fsynced): the acknowledged writes.
 */
public final class OcelotCtlApplyLoop {
    public static void main(String[] args) throws Exception {
        Path cfg = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        String name = args[3];
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve("burst.yaml");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: policy
                    metadata: {name: %s%d}
                    spec:
                      order: %d
                      selector: all()
                      ingress: [{action: allow, protocol: tcp, destination: {ports: [%d]}}]
                      egress: [{action: allow}]
                    """.formatted(name, i, 1000 + i, 1 + i % 65000));
            StringWriter err = new StringWriter();
            int code = new OcelotCtl(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                    new ByteArrayInputStream(new byte[0])).execute("apply", "-f", file.toString(), "--config=" + cfg);
            if (code != 0) {
                System.err.println("apply " + i + " failed: " + err);
                System.exit(2);
            }
            System.out.println("ACK " + i);
            System.out.flush();
        }
        System.exit(0);
    }
}
