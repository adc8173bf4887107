package ocelot.control.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BGP UPDATE errors per peer in the node's metrics: a real speaker on 127.0.0.1 and a hand-made
 * eBGP peer on 127.0.0.2 (a plain socket) that sends RFC 7606 cases (ORIGIN 3: treat-as-withdraw;
 * ATOMIC_AGGREGATE of length 1: attribute discard; a /33 NLRI: session reset); the counts come
 * out as {@code ocelot_bgp_update_errors_total{peer,action}} and survive the reset.
 */
@Timeout(60)
class BgpMetricsTest {
    private static final String MARKER = "ffffffffffffffffffffffffffffffff";
    /** OPEN: AS 65000, hold 90, id 127.0.0.2, capabilities IPv4 unicast and 4-octet AS 65000. */
    private static final String OPEN = MARKER + "002d 01 04 fde8 005a 7f000002 10 0206010400010001 020641040000fde8";
    private static final String KEEPALIVE = MARKER + "0013 04";
    private static final String PATH = "4002060201 0000fde8 4003047f000002";
    private static final String TREAT_AS_WITHDRAW = MARKER + "002f 02 0000 0014 40010103 " + PATH + " 18 0a0000";
    private static final String ATTRIBUTE_DISCARD = MARKER + "0033 02 0000 0018 40010100 " + PATH + " 40060100 18 0a0000";
    private static final String SESSION_RESET = MARKER + "001c 02 0000 0000 21 0a000001 00";

    @Test
    void updateErrorsAreExportedPerPeerByAction() throws Exception {
        InetAddress self = InetAddress.getByName("127.0.0.1"), peer = InetAddress.getByName("127.0.0.2");
        FibSink fib = new FibSink() {
            @Override public void install(Prefix prefix, InetAddress nextHop) { }
            @Override public void remove(Prefix prefix) { }
        };
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(self, 0, 64512, IpAddresses.toInt(self), 0, self, null), fib,
                Clock.systemUTC())) {
            int port = speaker.start();
            speaker.addPeer(new PeerSettings(new SessionConfig(peer, 179, self, 64512, 65000, IpAddresses.toInt(self), 90, 1, true, null,
                    EnumSet.of(AddressFamily.IPV4_UNICAST), 0), false, false, "global"));
            BgpMetrics metrics = new BgpMetrics(speaker::status, speaker::updateErrors, () -> 0);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(peer, 0));
                s.connect(new InetSocketAddress(self, port), 5000);
                OutputStream out = s.getOutputStream();
                Thread drain = Thread.ofVirtual().start(() -> drain(s));
                send(out, OPEN);
                send(out, KEEPALIVE);
                await(() -> { PeerStatus p = speaker.status(peer); return p != null && p.established(); });
                send(out, TREAT_AS_WITHDRAW);
                send(out, ATTRIBUTE_DISCARD);
                await(() -> speaker.updateErrors().get(peer).total() == 2);
                String text = scrape(metrics);
                assertEquals(1, sample(text, "treat-as-withdraw"), text);
                assertEquals(1, sample(text, "attribute-discard"), text);
                assertEquals(0, sample(text, "session-reset"), text);
                send(out, SESSION_RESET);
                await(() -> speaker.updateErrors().get(peer).sessionResets() == 1);
                drain.join(10_000);
            }
            String text = scrape(metrics);
            assertEquals(1, sample(text, "session-reset"), text);
            assertEquals(1, sample(text, "treat-as-withdraw"), "counts survive the reset: " + text);
            assertTrue(text.contains("# TYPE ocelot_bgp_update_errors_total counter"), text);
        }
    }

    private static String scrape(BgpMetrics metrics) {
        PrometheusText t = new PrometheusText();
        metrics.writeTo(t);
        return t.toString();
    }

    private static long sample(String text, String action) {
        String prefix = "ocelot_bgp_update_errors_total{peer=\"127.0.0.2\",action=\"" + action + "\"} ";
        return text.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length()))).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + "in\n" + text));
    }

    private static void send(OutputStream out, String hex) throws Exception {
        out.write(HexFormat.of().parseHex(hex.replace(" ", "")));
        out.flush();
    }

    /** Reads (and ignores) what the speaker sends until it closes the connection. */
    private static void drain(Socket s) {
        try (InputStream in = s.getInputStream()) {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) { }
        } catch (Exception e) {
            // closed by the test or the speaker's NOTIFICATION
        }
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 300 && !done.getAsBoolean(); i++) Thread.sleep(100);
        assertTrue(done.getAsBoolean(), "not reached in 30 s");
    }
}
