package ocelot.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class ListenPortsTest {
    @Test
    void portsAreBelowTheEphemeralRangeAndBindableOnEveryAddress() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 50; i++) {
            int port = ListenPorts.free(a, b);
            assertTrue(port >= 10_000 && port < ListenPorts.ephemeralLow(), "port " + port);
            try (ServerSocket s1 = new ServerSocket(); ServerSocket s2 = new ServerSocket()) {
                s1.bind(new InetSocketAddress(a, port));
                s2.bind(new InetSocketAddress(b, port));
            }
        }
    }

    @Test
    void aPortTakenOnOneAddressIsNotChosen() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        // Hold many ports on 127.0.0.1 so a choice that ignored the check would hit one of them.
        java.util.List<ServerSocket> held = new java.util.ArrayList<>();
        try {
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            for (int i = 0; i < 200; i++) {
                int p = ListenPorts.free(a);
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(a, p));
                held.add(s);
                taken.add(p);
            }
            for (int i = 0; i < 200; i++) assertFalse(taken.contains(ListenPorts.free(a)));
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }
}
