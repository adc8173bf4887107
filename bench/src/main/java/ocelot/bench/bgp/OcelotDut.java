package ocelot.bench.bgp;

import ocelot.bgp.rib.FibSink;
import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;

import java.net.InetAddress;
import java.util.EnumSet;

/**
 * Ocelot as the device under test, in its own JVM so its memory is measured like BIRD's:
 * {@code transit DUT_IP PORT FEEDER_IP RECEIVER_IP} or {@code rr DUT_IP PORT CLIENT_PREFIX CLIENTS}.
 * Prints READY, runs until stdin closes. The FIB is a counter, as a dataplane would take it.
 */
public final class OcelotDut {
    public static void main(String[] args) throws Exception {
        InetAddress self = IpAddresses.inet(args[1]);
        int port = Integer.parseInt(args[2]);
        long[] fibSize = {0};
        FibSink fib = new FibSink() {
            public void install(Prefix p, InetAddress nh) { fibSize[0]++; }
            public void remove(Prefix p) { fibSize[0]--; }
            public void installIpv4(int address, int length, InetAddress nh) { fibSize[0]++; }
            public void removeIpv4(int address, int length) { fibSize[0]--; }
        };
        boolean rr = args[0].equals("rr");
        try (BgpSpeaker s = new BgpSpeaker(new SpeakerConfig(self, port, rr ? 64512 : 65000, IpAddresses.toInt(self),
                rr ? IpAddresses.toInt(IpAddresses.inet("10.255.255.1")) : 0, self, null), fib)) {
            s.start();
            if (rr) {
                int clients = Integer.parseInt(args[4]);
                for (int c = 1; c <= clients; c++) {
                    s.addPeer(new PeerSettings(peer(args[3] + c, 64512, 64512, self), true, false, "node specific"));
                }
            } else {
                s.addPeer(new PeerSettings(peer(args[3], 65000, 65001, self), false, false, "global"));
                s.addPeer(new PeerSettings(peer(args[4], 65000, 65002, self), false, false, "global"));
            }
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the harness closes our stdin
            }
        }
    }

    private static SessionConfig peer(String ip, long localAs, long peerAs, InetAddress self) {
        return new SessionConfig(IpAddresses.inet(ip), 179, self, localAs, peerAs, IpAddresses.toInt(self), 90, 5, true,
                null, EnumSet.of(AddressFamily.IPV4_UNICAST), 0);
    }
}
