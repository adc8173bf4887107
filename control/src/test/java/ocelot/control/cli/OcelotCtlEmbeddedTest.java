package ocelot.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
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
}
