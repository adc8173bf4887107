package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import ocelot.testkit.GroupedProcess;

/**
 * A throwaway CA with a server certificate for 127.0.0.1 and a client certificate for etcd's
 * user {@code root}, made with openssl in {@code dir}: ca.crt, server.crt/key, client.crt/key
 * (PKCS#8, which Netty requires for the client key).
 */
public final class TestPki {
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    public static TestPki create(Path dir) throws IOException, InterruptedException {
        TestPki pki = new TestPki(dir);
        pki.sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=ocelot-test-ca", "-days", "2");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        for (String who : List.of("server", "client")) {
            pki.sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", who + ".key");
            pki.sh("openssl", "req", "-new", "-key", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + (who.equals("server") ? "127.0.0.1" : "root"));
            List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt",
                    "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "2"));
            if (who.equals("server")) sign.addAll(List.of("-extfile", "server.ext"));
            pki.sh(sign.toArray(String[]::new));
        }
        return pki;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** etcd's flags for TLS with client certificates required. */
    public String[] etcdServerFlags() {
        return new String[] {"--cert-file", file("server.crt").toString(), "--key-file", file("server.key").toString(),
                "--trusted-ca-file", file("ca.crt").toString(), "--client-cert-auth"};
    }

    /** Runs etcdctl against {@code endpoint} with the client certificate (no user: before auth is enabled, or as root by CN). */
    public void etcdctl(String endpoint, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoint, "--cacert", "ca.crt", "--cert", "client.crt",
                "--key", "client.key"));
        cmd.addAll(List.of(args));
        sh(cmd.toArray(String[]::new));
    }

    void sh(String... cmd) throws IOException, InterruptedException {
        try (GroupedProcess p = GroupedProcess.start(new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cmd.log").toFile()), Duration.ofSeconds(90))) {
            assertTrue(p.waitFor(Duration.ofSeconds(60)), String.join(" ", cmd) + " hung");
            assertEquals(0, p.process().exitValue(), String.join(" ", cmd) + ": " + Files.readString(dir.resolve("cmd.log")));
        }
    }
}
