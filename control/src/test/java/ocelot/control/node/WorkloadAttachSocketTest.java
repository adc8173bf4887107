package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import ocelot.control.node.WorkloadAttachProtocol.Attach;
import ocelot.control.node.WorkloadAttachProtocol.Detach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cni.sock protocol between {@link WorkloadAttachClient} and {@link WorkloadAttachServer}:
 * requests arrive as sent, errors come back as the client's exception text, bad lines are
 * refused with the field named. The handler here keeps a set of names (the real one, which
 * creates TAPs, is exercised by the node's namespace test).
 */
class WorkloadAttachSocketTest {
    @TempDir
    Path runDir;

    @Test
    void attachAndDetachRoundTripAndDetachIsIdempotent() throws Exception {
        Set<String> ports = ConcurrentHashMap.newKeySet();
        List<Attach> seen = new ArrayList<>();
        WorkloadAttachServer.Handler handler = new WorkloadAttachServer.Handler() {
            @Override public String attach(Attach a) {
                if (!ports.add(a.hostIfName())) throw new IllegalStateException("port " + a.hostIfName() + " already exists");
                seen.add(a);
                return "02:00:00:00:00:01";
            }

            @Override public void detach(Detach d) { ports.remove(d.hostIfName()); }
        };
        try (WorkloadAttachServer server = WorkloadAttachServer.open(runDir, handler)) {
            WorkloadAttachClient client = WorkloadAttachClient.forRunDir(runDir);
            assertEquals(server.socket(), client.socket());
            String mac = client.attach("c1", "/var/run/netns/w1", "eth0", "cali0123456789a", List.of("10.65.0.2/32"));
            assertEquals("02:00:00:00:00:01", mac);
            assertEquals(new Attach("c1", "/var/run/netns/w1", "eth0", "cali0123456789a", List.of("10.65.0.2/32")), seen.getFirst());
            var again = assertThrows(WorkloadAttachException.class,
                    () -> client.attach("c1", "/var/run/netns/w1", "eth0", "cali0123456789a", List.of("10.65.0.2/32")));
            assertEquals("attach cali0123456789a: port cali0123456789a already exists", again.getMessage());
            client.detach("cali0123456789a");
            client.detach("cali0123456789a");
            assertTrue(ports.isEmpty());
        }
        assertFalse(Files.exists(runDir.resolve(WorkloadAttachClient.SOCKET_NAME)), "socket file removed on close");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() throws Exception {
        WorkloadAttachServer.Handler handler = new WorkloadAttachServer.Handler() {
            @Override public String attach(Attach a) { return "02:00:00:00:00:01"; }

            @Override public void detach(Detach d) {}
        };
        try (WorkloadAttachServer server = WorkloadAttachServer.open(runDir, handler)) {
            assertEquals("bad request: op must be attach or detach, got 'add'", server.answer("{\"op\":\"add\"}").error());
            assertTrue(server.answer("{not json").error().startsWith("bad request: request is not valid JSON"));
            assertEquals("bad request: hostIfName 'cali/x' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)",
                    server.answer("{\"op\":\"detach\",\"hostIfName\":\"cali/x\"}").error());
            assertEquals("bad request: netns must be an absolute path, got w1", server.answer(
                    "{\"op\":\"attach\",\"containerId\":\"c\",\"netns\":\"w1\",\"ifName\":\"eth0\",\"hostIfName\":\"cali1\",\"addresses\":[\"10.0.0.1/32\"]}").error());
            assertEquals("bad request: address '10.0.0.1' needs a prefix length (a.b.c.d/32)", server.answer(
                    "{\"op\":\"attach\",\"containerId\":\"c\",\"netns\":\"/n\",\"ifName\":\"eth0\",\"hostIfName\":\"cali1\",\"addresses\":[\"10.0.0.1\"]}").error());
        }
    }

    @Test
    void noNodeRunningIsAClearError() {
        var e = assertThrows(WorkloadAttachException.class, () -> WorkloadAttachClient.forRunDir(runDir).detach("cali1"));
        assertTrue(e.getMessage().startsWith("no Ocelot node answers on " + runDir.resolve("cni.sock")), e.getMessage());
    }
}
