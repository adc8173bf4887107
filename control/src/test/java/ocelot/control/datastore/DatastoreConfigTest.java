package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which datastore a client picks, as a calicoctl user expects: the first file of --config,
 * Ocelot's file and calicoctl's /etc/calico/calicoctl.cfg (here in a temporary directory), else
 * the environment, where an etcd setting alone selects etcd.
 */
class DatastoreConfigTest {
    @TempDir
    Path tmp;

    private Path ocelotFile() {
        return tmp.resolve("etc/ocelot/ocelotctl.cfg");
    }

    private Path calicoFile() {
        return tmp.resolve("etc/calico/calicoctl.cfg");
    }

    private List<Path> defaults() {
        return List.of(ocelotFile(), calicoFile());
    }

    private static Path write(Path file, String spec) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n" + spec);
        return file;
    }

    private DatastoreConfig load(Path explicit, Map<String, String> env) {
        return DatastoreConfig.load(explicit, env, defaults());
    }

    private String error(Path explicit, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> load(explicit, env)).getMessage();
    }

    @Test
    void etcdEndpointsAloneSelectEtcd() {
        DatastoreConfig c = load(null, Map.of("ETCD_ENDPOINTS", "http://10.0.0.1:2379,http://10.0.0.2:2379"));
        assertEquals(DatastoreConfig.Type.ETCDV3, c.type());
        assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379")), c.etcd().endpoints());
        // Any etcd setting means etcd, at calicoctl's default endpoint.
        DatastoreConfig ca = load(null, Map.of("ETCD_CA_CERT_FILE", "/etc/calico/ca.pem"));
        assertEquals(DatastoreConfig.Type.ETCDV3, ca.type());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), ca.etcd().endpoints());
        assertEquals(Path.of("/etc/calico/ca.pem"), ca.etcd().caCertFile());
    }

    @Test
    void noSettingsMeanTheEmbeddedStoreAndAnExplicitTypeWins() {
        assertEquals(new DatastoreConfig(DatastoreConfig.Type.EMBEDDED, DatastoreConfig.DEFAULT_DATA_DIR, null), load(null, Map.of()));
        assertEquals(Path.of("/srv/ocelot"), load(null, Map.of("OCELOT_DATA_DIR", "/srv/ocelot")).dataDir());
        DatastoreConfig explicit = load(null, Map.of("DATASTORE_TYPE", "embedded", "ETCD_ENDPOINTS", "http://10.0.0.1:2379"));
        assertEquals(DatastoreConfig.Type.EMBEDDED, explicit.type());
        assertEquals("environment: both OCELOT_DATA_DIR (the embedded store) and ETCD_ENDPOINTS (etcd) are set; "
                + "set DATASTORE_TYPE to embedded or etcdv3",
                error(null, Map.of("OCELOT_DATA_DIR", "/srv/ocelot", "ETCD_ENDPOINTS", "http://10.0.0.1:2379")));
    }

    @Test
    void calicoctlsFileIsReadWhenOcelotsIsAbsentAndUsedWhole() throws Exception {
        write(calicoFile(), "  etcdEndpoints: \"http://etcd1:2379\"\n");
        Map<String, String> env = Map.of("DATASTORE_TYPE", "embedded", "ETCD_ENDPOINTS", "http://10.9.9.9:2379");
        DatastoreConfig fromCalico = load(null, env);
        assertEquals(DatastoreConfig.Type.ETCDV3, fromCalico.type(), "etcdEndpoints alone in the file select etcd");
        assertEquals(List.of(URI.create("http://etcd1:2379")), fromCalico.etcd().endpoints(), "the environment does not mix in");

        write(ocelotFile(), "  datastoreType: embedded\n  dataDir: " + tmp.resolve("data") + "\n");
        assertEquals(tmp.resolve("data"), load(null, env).dataDir(), "Ocelot's own file comes first");

        Path explicit = write(tmp.resolve("mine.cfg"), "  datastoreType: etcdv3\n  etcdEndpoints: http://mine:2379\n");
        assertEquals(List.of(URI.create("http://mine:2379")), load(explicit, env).etcd().endpoints(), "--config comes first of all");
        assertEquals("config file " + tmp.resolve("nope.cfg") + " does not exist", error(tmp.resolve("nope.cfg"), env));
    }

    @Test
    void theManualsCalicoctlCfgIsRefusedNamingEtcdv3() throws Exception {
        // /etc/calico/calicoctl.cfg as the Calico v1 manual writes it (calico-v1/calicoctl.cfg).
        Path cfg = calicoFile();
        Files.createDirectories(cfg.getParent());
        Files.copy(Path.of("src/test/resources/calico-v1/calicoctl.cfg"), cfg);
        assertEquals("config file " + cfg + ": datastoreType etcdv2 is not supported; Ocelot speaks etcd v3: "
                + "use datastoreType etcdv3 (DATASTORE_TYPE=etcdv3)", error(null, Map.of()));
        write(cfg, "  datastoreType: kubernetes\n");
        assertEquals("config file " + cfg + ": datastoreType kubernetes is not supported (Ocelot reads no Kubernetes API); "
                + "expected embedded or etcdv3", error(null, Map.of()));
        write(cfg, "  dataDir: /srv\n  etcdEndpoints: http://e:2379\n");
        assertEquals("config file " + cfg + ": both dataDir (the embedded store) and etcdEndpoints (etcd) are set; "
                + "set datastoreType to embedded or etcdv3", error(null, Map.of()));
    }

    @Test
    void aYamlMistakeInTheFileIsPlaced() throws Exception {
        Path cfg = write(calicoFile(), "\tdatastoreType: etcdv3\n");
        assertEquals("config file " + cfg + ": line 5, column 1: a tab character: YAML indents (and separates a value "
                + "from its key) with spaces only; replace the tab with spaces", error(null, Map.of()));
        Files.writeString(cfg, "kind: calicoApiConfig\nspec:\n  datastoreType: 'etcdv3\n");
        assertEquals("config file " + cfg + ": line 3, column 18: this quoted string is never closed (no ' after it "
                + "before the end of the file)", error(null, Map.of()));
    }
}
