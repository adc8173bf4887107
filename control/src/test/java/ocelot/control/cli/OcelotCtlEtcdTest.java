package ocelot.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import ocelot.control.datastore.EtcdProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The same CLI behaviour on a real etcd (one fresh etcd per test, so every test starts empty). */
@Tag("etcd")
class OcelotCtlEtcdTest extends OcelotCtlContract {
    EtcdProcess etcd;

    @Override
    String configSpec() throws Exception {
        etcd = EtcdProcess.launch();
        return "  datastoreType: etcdv3\n  etcdEndpoints: " + etcd.endpoint() + "\n";
    }

    /** calicoctl's habit: ETCD_ENDPOINTS alone (no DATASTORE_TYPE, no file) reaches etcd, not the embedded store. */
    @Test
    void etcdEndpointsAloneReachEtcd() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OcelotCtl ctl = new OcelotCtl(Map.of("ETCD_ENDPOINTS", etcd.endpoint().toString()), new PrintWriter(out),
                new PrintWriter(err), new ByteArrayInputStream(
                        "apiVersion: v1\nkind: node\nmetadata: {name: from-env}\n".getBytes(StandardCharsets.UTF_8)));
        ctl.defaultConfigFiles = List.of();
        assertEquals(0, ctl.execute("create", "-f", "-"), err.toString());
        // Read back through the configuration file, which names the same etcd explicitly.
        String yaml = ok("get", "node", "from-env", "-o", "yaml").out();
        assertTrue(yaml.contains("name: from-env"), yaml);
    }

    @AfterEach
    void stopEtcd() {
        if (etcd != null) etcd.close();
    }
}
