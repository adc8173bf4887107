package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
 * only by the ETCD_* environment variables. Then each alone: password auth over plain http, and
 * client certificates without etcd auth, each refusing a client without the credential.
 */
@Tag("etcd")
class EtcdTlsAuthTest {
    @TempDir
    Path pki;

    private EtcdConfig config(URI endpoint, String user, String password) {
        return new EtcdConfig(List.of(endpoint), user, password, pki.resolve("ca.crt"), pki.resolve("client.crt"),
                pki.resolve("client.key"), Duration.ofSeconds(30));
    }

    @Test
    void tlsWithClientCertificateAndPasswordAuth() throws Exception {
        TestPki certs = TestPki.create(pki);
        try (EtcdProcess etcd = EtcdProcess.launchWith(true, certs.etcdServerFlags())) {
            String ep = etcd.endpoint().toString();
            certs.etcdctl(ep, "user", "add", "root:s3cret", "--interactive=false");
            certs.etcdctl(ep, "auth", "enable");

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

    /** Username/password alone, over plain http: the right password reads and writes, a wrong one or none is refused. */
    @Test
    void passwordAuthWithoutTls() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.launch()) {
            String ep = etcd.endpoint().toString();
            for (List<String> cmd : List.of(List.of("etcdctl", "--endpoints", ep, "user", "add", "root:pl4in", "--interactive=false"),
                    List.of("etcdctl", "--endpoints", ep, "auth", "enable"))) {
                GroupedProcess.Result r = GroupedProcess.run(Duration.ofSeconds(60), null, cmd);
                assertTrue(r.ok(), cmd + ": " + r.output());
            }
            EtcdConfig right = new EtcdConfig(List.of(etcd.endpoint()), "root", "pl4in", null, null, null, Duration.ofSeconds(10));
            try (EtcdDatastore store = EtcdDatastore.connect(right)) {
                long rev = store.create("/auth/a", "1");
                assertEquals(rev, store.get("/auth/a").orElseThrow().modRevision());
            }
            for (EtcdConfig refused : List.of(new EtcdConfig(List.of(etcd.endpoint()), "root", "wrong", null, null, null, Duration.ofSeconds(5)),
                    new EtcdConfig(List.of(etcd.endpoint()), null, null, null, null, null, Duration.ofSeconds(5)))) {
                try (EtcdDatastore store = EtcdDatastore.connect(refused)) {
                    DatastoreException e = assertThrows(DatastoreException.class, () -> store.get("/auth/a"), refused.toString());
                    assertTrue(e.getMessage().startsWith("etcd " + ep + ": get /auth/a failed"), e.getMessage());
                }
            }
        }
    }

    /** TLS with a client certificate alone (no etcd auth): a client with the certificate works, one without is refused. */
    @Test
    void clientCertificateWithoutPassword() throws Exception {
        TestPki certs = TestPki.create(pki);
        try (EtcdProcess etcd = EtcdProcess.launchWith(true, certs.etcdServerFlags())) {
            try (EtcdDatastore store = EtcdDatastore.connect(config(etcd.endpoint(), null, null))) {
                long rev = store.create("/cert/a", "1");
                assertEquals(rev, store.get("/cert/a").orElseThrow().modRevision());
            }
            EtcdConfig noCertificate = new EtcdConfig(List.of(etcd.endpoint()), null, null, pki.resolve("ca.crt"), null, null,
                    Duration.ofSeconds(5));
            try (EtcdDatastore store = EtcdDatastore.connect(noCertificate)) {
                DatastoreException e = assertThrows(DatastoreException.class, () -> store.get("/cert/a"));
                assertTrue(e.getMessage().startsWith("etcd " + etcd.endpoint() + ": "), e.getMessage());
            }
        }
    }
}
