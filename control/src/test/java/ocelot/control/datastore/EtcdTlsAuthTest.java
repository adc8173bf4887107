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
}
