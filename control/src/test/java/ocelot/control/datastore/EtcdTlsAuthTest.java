package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ocelot.control.cli.OcelotCtl;
import ocelot.testkit.GroupedProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd with TLS (mutual: the server demands a client certificate) and username/password auth,
 * certificates made with openssl here; used through the API and through ocelotctl configured
 * only by the ETCD_* environment variables.
 */
@Tag("etcd")
class EtcdTlsAuthTest {
    @TempDir
    Path pki;

    private void sh(String... cmd) throws IOException, InterruptedException {
        try (GroupedProcess p = GroupedProcess.start(new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true)
                .redirectOutput(pki.resolve("cmd.log").toFile()), Duration.ofSeconds(90))) {
            assertTrue(p.waitFor(Duration.ofSeconds(60)), String.join(" ", cmd) + " hung");
            assertEquals(0, p.process().exitValue(), String.join(" ", cmd) + ": " + Files.readString(pki.resolve("cmd.log")));
        }
    }

    private void makeCertificates() throws Exception {
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=ocelot-test-ca", "-days", "2");
        Files.writeString(pki.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
        for (String who : List.of("server", "client")) {
            // genpkey writes PKCS#8, which Netty's SslContextBuilder requires for the client key.
            sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", who + ".key");
            sh("openssl", "req", "-new", "-key", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + (who.equals("server") ? "127.0.0.1" : "root"));
            List<String> sign = new ArrayList<>(List.of("openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca.crt",
                    "-CAkey", "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "2"));
            if (who.equals("server")) sign.addAll(List.of("-extfile", "server.ext"));
            sh(sign.toArray(String[]::new));
        }
    }

    private EtcdConfig config(URI endpoint, String user, String password) {
        return new EtcdConfig(List.of(endpoint), user, password, pki.resolve("ca.crt"), pki.resolve("client.crt"),
                pki.resolve("client.key"), Duration.ofSeconds(30));
    }

    @Test
    void tlsWithClientCertificateAndPasswordAuth() throws Exception {
        makeCertificates();
        try (EtcdProcess etcd = EtcdProcess.launchWith(true, "--cert-file", pki.resolve("server.crt").toString(),
                "--key-file", pki.resolve("server.key").toString(), "--trusted-ca-file", pki.resolve("ca.crt").toString(),
                "--client-cert-auth")) {
            String ep = etcd.endpoint().toString();
            List<String> ctl = List.of("etcdctl", "--endpoints", ep, "--cacert", "ca.crt", "--cert", "client.crt", "--key", "client.key");
            List<String> add = new ArrayList<>(ctl);
            add.addAll(List.of("user", "add", "root:s3cret", "--interactive=false"));
            sh(add.toArray(String[]::new));
            List<String> enable = new ArrayList<>(ctl);
            enable.addAll(List.of("auth", "enable"));
            sh(enable.toArray(String[]::new));

            try (EtcdDatastore store = EtcdDatastore.connect(config(etcd.endpoint(), "root", "s3cret"))) {
                long rev = store.create("/tls/a", "1");
                assertEquals(rev, store.get("/tls/a").orElseThrow().modRevision());
            }
            try (EtcdDatastore wrong = EtcdDatastore.connect(config(etcd.endpoint(), "root", "wrong"))) {
                DatastoreException e = assertThrows(DatastoreException.class, () -> wrong.get("/tls/a"));
                assertTrue(e.getMessage().startsWith("etcd " + ep + ": get /tls/a failed"), e.getMessage());
            }
            assertTrue(config(etcd.endpoint(), "root", "s3cret").toString().contains("password=<hidden>"));

            // ocelotctl configured by the environment alone, as calicoctl is.
            Map<String, String> env = Map.of("DATASTORE_TYPE", "etcdv3", "ETCD_ENDPOINTS", ep,
                    "ETCD_USERNAME", "root", "ETCD_PASSWORD", "s3cret", "ETCD_CA_CERT_FILE", pki.resolve("ca.crt").toString(),
                    "ETCD_CERT_FILE", pki.resolve("client.crt").toString(), "ETCD_KEY_FILE", pki.resolve("client.key").toString());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String pool = "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.7.0.0/16}\n";
            int code = new OcelotCtl(env, new PrintWriter(out), new PrintWriter(err),
                    new ByteArrayInputStream(pool.getBytes())).execute("create", "-f", "-");
            assertEquals(0, code, err.toString());
            StringWriter listed = new StringWriter();
            new OcelotCtl(env, new PrintWriter(listed), new PrintWriter(err), new ByteArrayInputStream(new byte[0]))
                    .execute("get", "ippool");
            assertEquals("CIDR\n10.7.0.0/16\n", listed.toString(), err.toString());
        }
    }
}
