package ocelot.control.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ocelot.control.datastore.ChildJvm;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.EtcdConfig;
import ocelot.control.datastore.EtcdDatastore;
import ocelot.control.datastore.EtcdProcess;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.ResourceCodec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several OS processes assign (and release) against one real etcd at once; two processes share
 * each node name, so they race for the same blocks and only compare-and-swap keeps them apart.
 */
@Tag("etcd")
class IpamConcurrencyTest {
    static final int PROCESSES = 4;
    static final int PER_PROCESS = 750; // 3,000 assignments in all ("thousands", issue 5); 2,400 stay allocated in a /20
    static final int RELEASE_EVERY = 5;

    @TempDir
    Path tmp;

    @Test
    void concurrentAssignersNeverShareAnAddressAndLeaveNoLeak() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.launch();
             Datastore store = EtcdDatastore.connect(EtcdConfig.plain(etcd.endpoint()))) {
            new ResourceStore(store).create(ResourceCodec.parse(
                    "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.50.0.0/20}\n", "pool.yaml"), false);
            List<Process> children = new ArrayList<>();
            try {
                for (int i = 0; i < PROCESSES; i++) {
                    children.add(ChildJvm.start(IpamAssignerProcess.class, tmp.resolve("child" + i + ".err"),
                            "etcd=" + etcd.endpoint(), "node-" + (i / 2), "p" + i,
                            Integer.toString(PER_PROCESS), Integer.toString(RELEASE_EVERY)));
                }
                List<String[]> events = new ArrayList<>();
                for (int i = 0; i < PROCESSES; i++) {
                    Process child = children.get(i);
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) events.add(line.split(" "));
                    }
                    assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child " + i + " hung");
                    assertEquals(0, child.exitValue(), Files.readString(tmp.resolve("child" + i + ".err")));
                }
                // Replay every process's changes in commit-revision order (one total order in etcd):
                // no address may be handed out while someone holds it.
                events.sort(java.util.Comparator.comparingLong(e -> Long.parseLong(e[0])));
                Map<IpAddress, String> live = new HashMap<>();
                int assigned = 0;
                long lastRevision = 0;
                for (String[] e : events) {
                    long rev = Long.parseLong(e[0]);
                    assertTrue(rev > lastRevision, "two commits reported revision " + rev);
                    lastRevision = rev;
                    IpAddress ip = IpAddress.parse(e[2]);
                    if (e[1].equals("A")) {
                        assigned++;
                        String before = live.put(ip, e[3]);
                        assertTrue(before == null, ip + " handed to " + e[3] + " while " + before + " still held it");
                    } else {
                        assertTrue(live.remove(ip) != null, ip + " released but not held");
                    }
                }
                BlockAffinityIpam ipam = new BlockAffinityIpam(store);
                assertEquals(PROCESSES * PER_PROCESS, assigned);
                Map<IpAddress, String> held = ipam.assignments();
                assertEquals(live, held);
                IpamCheck check = ipam.check();
                assertTrue(check.clean(), check.toString());
                assertEquals(PROCESSES * (PER_PROCESS - PER_PROCESS / RELEASE_EVERY), check.allocated());
            } finally {
                children.forEach(Process::destroyForcibly);
            }
        }
    }
}
