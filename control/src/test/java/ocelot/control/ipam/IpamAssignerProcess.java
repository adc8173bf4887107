package ocelot.control.ipam;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.EtcdConfig;
import ocelot.control.datastore.EtcdDatastore;
import ocelot.control.resource.IpAddress;

/**
 * Child-JVM main for {@link IpamConcurrencyTest}: assigns {@code count} addresses for one node,
 * releasing its oldest address after every {@code releaseEvery}-th assignment, and prints
 * "REVISION A ip handle" / "REVISION R ip" after each acknowledged change.
 * Args: etcd=URL|embedded=DIR node handlePrefix count releaseEvery
 */
public final class IpamAssignerProcess {
    public static void main(String[] args) {
        String spec = args[0];
        Datastore store = spec.startsWith("etcd=")
                // A generous timeout: the first request of a fresh JVM on a loaded 2-core box can
                // take seconds, and this test is about correctness, not latency.
                ? EtcdDatastore.connect(new EtcdConfig(java.util.List.of(URI.create(spec.substring(5))), null, null, null,
                        null, null, java.time.Duration.ofSeconds(60)))
                : EmbeddedDatastore.open(Path.of(spec.substring(9)));
        String node = args[1];
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        int releaseEvery = Integer.parseInt(args[4]);
        BlockAffinityIpam ipam = new BlockAffinityIpam(store);
        ArrayDeque<IpAddress> held = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            String handle = prefix + "-" + i;
            var a = ipam.assign(new BlockAffinityIpam.AssignRequest(node, handle, 4, Map.of("node", node)));
            held.add(a.address());
            System.out.println(a.revision() + " A " + a.address() + " " + handle);
            if (releaseEvery > 0 && i % releaseEvery == releaseEvery - 1) {
                IpAddress old = held.poll();
                long rev = ipam.release(old);
                System.out.println(rev + " R " + old);
            }
        }
        System.out.flush();
        store.close();
        System.exit(0);
    }
}
