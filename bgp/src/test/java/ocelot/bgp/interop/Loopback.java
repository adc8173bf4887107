package ocelot.bgp.interop;

import java.io.IOException;

import ocelot.testkit.ListenPorts;

/** Free TCP ports on 127.0.0.0/8 addresses (all of 127/8 is on lo), below the ephemeral range (see ListenPorts). */
public final class Loopback {
    private Loopback() {
    }

    public static int freePort(String address) {
        try {
            return ListenPorts.free(address);
        } catch (IOException e) {
            throw new IllegalStateException("no free port on " + address + ": " + e, e);
        }
    }
}
