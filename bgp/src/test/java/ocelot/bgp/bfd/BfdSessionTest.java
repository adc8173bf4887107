package ocelot.bgp.bfd;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5880 on injected time: two sessions wired back to back, the packet format, the §6.8.6 checks. */
class BfdSessionTest {
    static final long MS = 1_000_000L;
    final List<String> events = new ArrayList<>();
    long now = 1_000 * MS;

    BfdSession session(String peer, int discriminator) throws Exception {
        return new BfdSession(InetAddress.getByName(peer), discriminator, BfdConfig.defaults(),
                (s, from, to, diag) -> events.add(s.peer().getHostAddress() + " " + from + "->" + to + " diag " + diag), now);
    }

    /** Runs both sessions for {@code millis}, 1 ms steps, delivering each packet at once unless {@code bSilent}. */
    void run(BfdSession a, BfdSession b, int millis, boolean bSilent) {
        for (int i = 0; i < millis; i++) {
            now += MS;
            deliver(a.tick(now), a, b, bSilent);
            BfdPacket fromB = b.tick(now);
            if (!bSilent) deliver(fromB, b, a, false);
        }
    }

    /** {@code p} from {@code from} to {@code to}; a Final it triggers goes back unless the answer is lost. */
    void deliver(BfdPacket p, BfdSession from, BfdSession to, boolean answerLost) {
        if (p == null) return;
        BfdPacket decoded = BfdPacket.decode(p.encode(), BfdPacket.LENGTH);
        assertEquals(p, decoded);
        BfdPacket fin = to.received(decoded, now);
        if (fin == null) return;
        assertTrue(fin.fin() && !fin.poll());
        if (!answerLost) deliver(fin, to, from, false);
    }

    @Test
    void threeWayHandshakeThenDetectionAfterDetectMultIntervals() throws Exception {
        BfdSession a = session("127.0.0.2", 11), b = session("127.0.0.1", 22);
        run(a, b, 3_000, false);
        assertEquals(BfdState.UP, a.state(), events::toString);
        assertEquals(BfdState.UP, b.state());
        // after the poll sequences both run at 100 ms: detection time 3 x 100 ms
        assertEquals(300 * MS, a.detectionTimeNanos());
        events.clear();
        long silentFrom = now;
        run(a, b, 400, true);
        assertEquals(BfdState.DOWN, a.state());
        assertEquals(BfdSession.DIAG_DETECTION_TIME_EXPIRED, a.diag());
        assertEquals(List.of("127.0.0.2 UP->DOWN diag 1"), events);
        // b's last packet was sent at most one transmit interval before the silence: down within 300 ms of it
        assertTrue(a.downEvents() == 1 && now - silentFrom <= 400 * MS);
        // back up when b speaks again
        run(a, b, 5_000, false);
        assertEquals(BfdState.UP, a.state());
    }

    @Test
    void adminDownFromThePeerIsNeighborSignaledDown() throws Exception {
        BfdSession a = session("127.0.0.2", 11), b = session("127.0.0.1", 22);
        run(a, b, 3_000, false);
        deliver(b.disable(now), b, a, false);
        assertEquals(BfdState.DOWN, a.state());
        assertEquals(BfdSession.DIAG_NEIGHBOR_DOWN, a.diag());
        assertEquals(BfdState.ADMIN_DOWN, b.state());
    }

    @Test
    void whileNotUpPacketsGoOnceASecond() throws Exception {
        BfdSession a = session("127.0.0.2", 11);
        int sent = 0;
        for (int i = 0; i < 5_000; i++) {
            now += MS;
            BfdPacket p = a.tick(now);
            if (p != null) {
                sent++;
                assertEquals(BfdSession.SLOW_TX_MICROS, p.desiredMinTxMicros());
                assertEquals(0, p.yourDiscriminator());
                assertEquals(BfdState.DOWN, p.state());
            }
        }
        assertTrue(sent >= 5 && sent <= 7, "slow-start packets in 5 s: " + sent);
    }

    @Test
    void packetChecksNameWhatFailed() {
        byte[] good = new BfdPacket(0, BfdState.DOWN, false, false, false, 3, 7, 0, 1_000_000, 100_000).encode();
        // annotated: version 1 diag 0 | state Down (1 << 6) | mult 3 | length 24 | my 7 | your 0 | tx 1 s | rx 100 ms | echo 0
        assertEquals("20 40 03 18 00000007 00000000 000f4240 000186a0 00000000".replace(" ", ""), java.util.HexFormat.of().formatHex(good));
        assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(good, 20), "short");
        byte[] v2 = good.clone();
        v2[0] = (byte) 0x40;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(v2, 24)).getMessage().contains("version 2"));
        byte[] mult0 = good.clone();
        mult0[2] = 0;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(mult0, 24)).getMessage().contains("Detect Mult 0"));
        byte[] multipoint = good.clone();
        multipoint[1] |= 0x01;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(multipoint, 24)).getMessage().contains("Multipoint"));
        byte[] my0 = good.clone();
        my0[7] = 0;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(my0, 24)).getMessage().contains("My Discriminator 0"));
        byte[] auth = good.clone();
        auth[1] |= 0x04;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BfdPacket.decode(auth, 24)).getMessage().contains("authentication"));
        assertThrows(IllegalArgumentException.class, () -> new BfdConfig(5, 100, 3));
        assertThrows(IllegalArgumentException.class, () -> new BfdConfig(100, 100, 0));
    }

    @Test
    void aPacketForAnotherDiscriminatorOrWithoutOneWhileUpIsIgnored() throws Exception {
        BfdSession a = session("127.0.0.2", 11), b = session("127.0.0.1", 22);
        run(a, b, 3_000, false);
        assertNull(a.received(new BfdPacket(0, BfdState.DOWN, false, false, false, 3, 99, 12345, 100_000, 100_000), now));
        assertNull(a.received(new BfdPacket(0, BfdState.DOWN, false, false, false, 3, 99, 0, 100_000, 100_000), now));
        assertEquals(BfdState.UP, a.state());
        assertFalse(events.stream().anyMatch(e -> e.contains("UP->DOWN")));
    }
}
