package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("etcd")
class EtcdDatastoreTest extends DatastoreContract {
    static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.launch();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) etcd.close();
    }

    @Override
    protected Datastore openStore() {
        return EtcdDatastore.connect(EtcdConfig.plain(etcd.endpoint()), 200);
    }

    @Test
    void watchResyncsAfterEtcdRestartAndConverges() throws Exception {
        long rev = store.put(p + "a", "1");
        RecordingListener l = new RecordingListener();
        try (Datastore.Watch w = store.watch(p, rev, l)) {
            store.put(p + "b", "2");
            assertEquals("ADDED " + p + "b 2", l.next());
            etcd.stop();
            etcd.start();
            String resync = l.nextStartingWith("RESYNC");
            assertTrue(resync.contains("lost") || resync.contains("watch failed"), resync);
            store.put(p + "c", "3");
            l.nextStartingWith("ADDED " + p + "c");
            assertEquals(Map.of(p + "a", "1", p + "b", "2", p + "c", "3"), l.state());
        }
    }
}
