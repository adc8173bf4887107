package ocelot.control.cli;

import ocelot.control.datastore.EtcdProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The same CLI behaviour on a real etcd (one fresh etcd per test, so every test starts empty). */
@Tag("etcd")
class OcelotCtlEtcdTest extends OcelotCtlContract {
    EtcdProcess etcd;

    @Override
    String configSpec() throws Exception {
        etcd = EtcdProcess.launch();
        return "  datastoreType: etcdv3\n  etcdEndpoints: " + etcd.endpoint() + "\n";
    }

    @AfterEach
    void stopEtcd() {
        if (etcd != null) etcd.close();
    }
}
