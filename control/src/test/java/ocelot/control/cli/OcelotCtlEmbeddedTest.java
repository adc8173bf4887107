package ocelot.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OcelotCtlEmbeddedTest extends OcelotCtlContract {
    @Override
    String configSpec() {
        return "  datastoreType: embedded\n  dataDir: " + tmp.resolve("data") + "\n";
    }

    @Test
    void etcdv2ConfigIsRefusedNamingEtcdv3() throws Exception {
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: \"etcdv2\"\n"
                + "  etcdEndpoints: \"http://etcd1:2379,http://etcd2:2379\"\n");
        assertEquals("config file " + cfg + ": datastoreType etcdv2 is not supported; Ocelot speaks etcd v3: "
                + "use datastoreType etcdv3 (DATASTORE_TYPE=etcdv3)", run("get", "nodes").errLine());
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastoreTyp: embedded\n");
        assertEquals(1, run("get", "nodes").code());
    }

    /** Without --config, calicoctl's own file is read when Ocelot's is absent. */
    @Test
    void calicoctlCfgIsReadWithoutConfigOption() throws Exception {
        Path calico = tmp.resolve("etc/calico/calicoctl.cfg");
        Files.createDirectories(calico.getParent());
        Files.writeString(calico, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n"
                + "  dataDir: " + tmp.resolve("calico-data") + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        OcelotCtl ctl = new OcelotCtl(Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:1"), new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream("apiVersion: v1\nkind: node\nmetadata: {name: n1}\n".getBytes(StandardCharsets.UTF_8)));
        ctl.defaultConfigFiles = List.of(tmp.resolve("etc/ocelot/ocelotctl.cfg"), calico);
        assertEquals(0, ctl.execute("create", "-f", "-"), err.toString());
        assertTrue(Files.exists(tmp.resolve("calico-data")), "written where calicoctl.cfg says, not to etcd from the environment");
    }
}
