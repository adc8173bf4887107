package ocelot.bgp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.Capability;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.MessageCodec;
import ocelot.bgp.wire.MessageCodecAccess;
import ocelot.bgp.wire.NotificationCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RFC 4271 FSM over Netty's EmbeddedChannel with injected time: no sockets, no sleeps.
 * Surefire runs with paranoid leak detection; every inbound buffer is checked released.
 */
class SessionTest {
    static final int LOCAL_ID = IpAddresses.toInt(IpAddresses.inet("10.0.0.1"));
    static final int PEER_ID = IpAddresses.toInt(IpAddresses.inet("10.0.0.2"));

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> events = new ArrayList<>();
    final List<ByteBuf> fed = new ArrayList<>();
    final List<EmbeddedChannel> dialled = new ArrayList<>();
    int dialFailuresToReport;

    final SessionListener listener = new SessionListener() {
        public void established(Session s) { events.add("established"); }
        public void update(Session s, BgpMessage.Update u) { events.add("update " + u.nlri()); }
        public void routeRefresh(Session s, BgpMessage.RouteRefresh r) { events.add("refresh"); }
        public void down(Session s, String reason, boolean graceful) { events.add("down " + reason + (graceful ? " graceful" : "")); }
    };

    final Dialer dialer = s -> {
        if (dialFailuresToReport > 0) {
            dialFailuresToReport--;
            s.connectFailed(new java.net.ConnectException("Connection refused"));
            return;
        }
        EmbeddedChannel ch = new EmbeddedChannel();
        dialled.add(ch);
        s.connected(ch);
    };

    SessionConfig config(boolean passive) {
        return new SessionConfig(IpAddresses.inet("10.0.0.2"), 179, null, 65000, 65000, LOCAL_ID, 9, 2, passive, null,
                EnumSet.of(AddressFamily.IPV4_UNICAST), 0);
    }

    Session session(boolean passive) {
        return new Session(config(passive), now::get, listener, dialer);
    }

    void feed(EmbeddedChannel ch, BgpMessage m) {
        feed(ch, MessageCodecAccess.bytes(m));
    }

    void feed(EmbeddedChannel ch, byte[] wire) {
        ByteBuf b = Unpooled.copiedBuffer(wire);
        fed.add(b);
        ch.writeInbound(b);
    }

    static BgpMessage sent(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) return null;
        try {
            return MessageCodec.decode(b, ocelot.bgp.wire.CodecOptions.FOUR_OCTET_IBGP, MessageCodec.allFamilies());
        } finally {
            b.release();
        }
    }

    static BgpMessage.Open peerOpen(long as, int id, int hold) {
        return new BgpMessage.Open(4, as, hold, id, List.of(new Capability.Multiprotocol(AddressFamily.IPV4_UNICAST),
                new Capability.FourOctetAs(as)));
    }

    void advanceSeconds(long s) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @AfterEach
    void everyInboundBufferReleased() {
        for (ByteBuf b : fed) assertEquals(0, b.refCnt(), "inbound buffer leaked");
    }

    EmbeddedChannel establishedPassive(Session s) {
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        assertTrue(s.accept(ch));
        BgpMessage.Open ours = (BgpMessage.Open) sent(ch);
        assertEquals(65000, ours.asNumber());
        assertEquals(LOCAL_ID, ours.bgpIdentifier());
        assertEquals(SessionState.OPEN_SENT, s.state());
        feed(ch, peerOpen(65000, PEER_ID, 30));
        assertInstanceOf(BgpMessage.Keepalive.class, sent(ch));
        assertEquals(SessionState.OPEN_CONFIRM, s.state());
        feed(ch, new BgpMessage.Keepalive());
        assertEquals(SessionState.ESTABLISHED, s.state());
        assertEquals(List.of("established"), events);
        return ch;
    }

    @Test
    void passiveSessionReachesEstablishedAndDeliversUpdates() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        feed(ch, ocelot.bgp.wire.Hex2.bytes(MessageCodecAccess.update("10.1.0.0/24")));
        assertEquals("update [10.1.0.0/24]", events.get(1));
        assertTrue(s.fourOctetAs());
        ch.finishAndReleaseAll();
    }

    @Test
    void keepalivesAtOneThirdOfTheNegotiatedHoldTime() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s); // hold = min(9, 30) = 9, keepalive every 3 s
        advanceSeconds(2);
        s.tick();
        assertNull(sent(ch));
        advanceSeconds(1);
        s.tick();
        assertInstanceOf(BgpMessage.Keepalive.class, sent(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void aConfiguredKeepaliveTimeIsUsed() {
        // BIRD's keepalive time 2 s with our hold 9 s: every 2 s, not every 3 s.
        Session s = new Session(config(true).withKeepalive(2), now::get, listener, dialer);
        EmbeddedChannel ch = establishedPassive(s);
        advanceSeconds(2);
        s.tick();
        assertInstanceOf(BgpMessage.Keepalive.class, sent(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void aKeepaliveTimeLongerThanAThirdOfTheHoldIsCapped() {
        // 8 s against a hold of 9: capped at 3 s so the peer's hold timer never runs out.
        Session capped = new Session(config(true).withKeepalive(8), now::get, listener, dialer);
        EmbeddedChannel ch2 = establishedPassive(capped);
        advanceSeconds(3);
        capped.tick();
        assertInstanceOf(BgpMessage.Keepalive.class, sent(ch2));
        ch2.finishAndReleaseAll();
    }

    @Test
    void aKeepaliveTimeNotShorterThanTheHoldTimeIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> config(true).withKeepalive(9));
        assertEquals("peer 10.0.0.2: keepalive time 9 s must be shorter than the hold time 9 s", e.getMessage());
    }

    @Test
    void holdTimerExpirySendsNotificationAndGoesDown() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        advanceSeconds(8);
        feed(ch, new BgpMessage.Keepalive()); // restarts the hold timer
        advanceSeconds(8);
        s.tick();
        assertEquals(SessionState.ESTABLISHED, s.state());
        while (sent(ch) != null) { } // drop keepalives
        advanceSeconds(2);
        s.tick();
        BgpMessage.Notification n = (BgpMessage.Notification) sent(ch);
        assertEquals(NotificationCode.HOLD_TIMER_EXPIRED, n.code());
        assertFalse(ch.isOpen());
        assertTrue(events.get(1).startsWith("down Hold timer expired"), events.toString());
        assertEquals(SessionState.ACTIVE, s.state()); // passive: waits for the peer again
    }

    @Test
    void wrongPeerAsIsRefusedWithOpenError() {
        Session s = session(true);
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        s.accept(ch);
        sent(ch);
        feed(ch, peerOpen(65001, PEER_ID, 90));
        BgpMessage.Notification n = (BgpMessage.Notification) sent(ch);
        assertEquals(NotificationCode.OPEN_MESSAGE, n.code());
        assertEquals(NotificationCode.OPEN_BAD_PEER_AS, n.subcode());
        assertFalse(ch.isOpen());
        assertTrue(s.info().contains("peer AS 65001, expected 65000"), s.info());
    }

    @Test
    void updateBeforeEstablishedIsAnFsmError() {
        Session s = session(true);
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        s.accept(ch);
        sent(ch);
        feed(ch, ocelot.bgp.wire.Hex2.bytes(MessageCodecAccess.update("10.1.0.0/24")));
        assertEquals(NotificationCode.FSM_ERROR, ((BgpMessage.Notification) sent(ch)).code());
    }

    @Test
    void malformedUpdateResetsWithTheRightNotification() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        // UPDATE whose NLRI says /33 (RFC 7606 §5.3: session reset, UPDATE error / invalid network field).
        feed(ch, ocelot.bgp.wire.Hex2.bytes("ffffffffffffffffffffffffffffffff 001c 02 0000 0000 21 0a000001 00"));
        BgpMessage.Notification n = (BgpMessage.Notification) sent(ch);
        assertEquals(NotificationCode.UPDATE_MESSAGE, n.code());
        assertEquals(NotificationCode.UPDATE_INVALID_NETWORK, n.subcode());
        assertTrue(events.get(1).startsWith("down Error"), events.toString());
    }

    @Test
    void updateErrorsAreCountedPerPeerByAction() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        // ORIGIN 3 (treat-as-withdraw), then ATOMIC_AGGREGATE of length 1 (attribute discard), each with 10.0.0.0/24.
        String origin3 = "40010103 4002060201 0000fde8 4003040a000001";
        feed(ch, ocelot.bgp.wire.Hex2.bytes("ffffffffffffffffffffffffffffffff 002f 02 0000 0014 " + origin3 + " 18 0a0000"));
        String atomic = "40010100 4002060201 0000fde8 4003040a000001 40060100";
        feed(ch, ocelot.bgp.wire.Hex2.bytes("ffffffffffffffffffffffffffffffff 0033 02 0000 0018 " + atomic + " 18 0a0000"));
        assertEquals(new UpdateErrors(1, 1, 0), s.updateErrors());
        feed(ch, ocelot.bgp.wire.Hex2.bytes("ffffffffffffffffffffffffffffffff 001c 02 0000 0000 21 0a000001 00"));
        assertEquals(new UpdateErrors(1, 1, 1), s.updateErrors());
    }

    @Test
    void badMarkerIsAHeaderError() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        feed(ch, ocelot.bgp.wire.Hex2.bytes("fffffffffffffffffffffffffffffffe 0013 04"));
        BgpMessage.Notification n = (BgpMessage.Notification) sent(ch);
        assertEquals(NotificationCode.MESSAGE_HEADER, n.code());
        assertEquals(NotificationCode.HEADER_NOT_SYNCHRONIZED, n.subcode());
    }

    @Test
    void transportLossWithGracefulRestartKeepsRoutes() {
        assertEquals("down connection closed by peer graceful", transportLossAfterGracefulRestartOpen(List.of(AddressFamily.IPV4_UNICAST)));
    }

    /** A dead peer noticed by the hold timer: our NOTIFICATION ends the session, no graceful restart (RFC 8538's N bit not negotiated). */
    @Test
    void holdTimerExpiryOfAGracefulRestartPeerKeepsNoRoutes() {
        Session s = new Session(new SessionConfig(IpAddresses.inet("10.0.0.2"), 179, null, 65000, 65000, LOCAL_ID, 9, 2, true,
                null, EnumSet.of(AddressFamily.IPV4_UNICAST), 120), now::get, listener, dialer);
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        s.accept(ch);
        sent(ch);
        feed(ch, new BgpMessage.Open(4, 65000, 30, PEER_ID, List.of(new Capability.GracefulRestart(false, 120, List.of(AddressFamily.IPV4_UNICAST)),
                new Capability.FourOctetAs(65000))));
        feed(ch, new BgpMessage.Keepalive());
        advanceSeconds(9);
        s.tick();
        assertEquals("down Hold timer expired", events.get(1));
        ch.finishAndReleaseAll();
    }

    /** A session with graceful restart (120 s) and, if {@code n}, RFC 8538's N bit, Established with a peer that advertised both. */
    EmbeddedChannel establishedWithNotificationBit(boolean n) {
        Session s = new Session(new SessionConfig(IpAddresses.inet("10.0.0.2"), 179, null, 65000, 65000, LOCAL_ID, 9, 2, true,
                null, EnumSet.of(AddressFamily.IPV4_UNICAST), 120).withGracefulRestartNotification(n), now::get, listener, dialer);
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        s.accept(ch);
        BgpMessage.Open ours = (BgpMessage.Open) sent(ch);
        assertEquals(n, ours.capability(Capability.GracefulRestart.class).notification(), "our OPEN's N bit");
        feed(ch, new BgpMessage.Open(4, 65000, 30, PEER_ID, List.of(new Capability.GracefulRestart(false, true, 120,
                List.of(AddressFamily.IPV4_UNICAST), List.of()), new Capability.FourOctetAs(65000))));
        feed(ch, new BgpMessage.Keepalive());
        sessionUnderTest = s;
        return ch;
    }

    Session sessionUnderTest;

    /** RFC 8538: with the N bit exchanged, a dead peer noticed by the hold timer keeps its routes (a killed node looks like this). */
    @Test
    void holdTimerExpiryWithTheNotificationBitExchangedKeepsRoutes() {
        EmbeddedChannel ch = establishedWithNotificationBit(true);
        advanceSeconds(9);
        sessionUnderTest.tick();
        assertEquals("down Hold timer expired graceful", events.get(1));
        ch.finishAndReleaseAll();
    }

    /** The peer advertised N but we did not: RFC 4724 alone, the hold timer expiry flushes. */
    @Test
    void holdTimerExpiryWithoutOurNotificationBitKeepsNoRoutes() {
        EmbeddedChannel ch = establishedWithNotificationBit(false);
        advanceSeconds(9);
        sessionUnderTest.tick();
        assertEquals("down Hold timer expired", events.get(1));
        ch.finishAndReleaseAll();
    }

    /** RFC 8538 §4: a received NOTIFICATION keeps routes with N exchanged, a Cease/Hard Reset does not. */
    @Test
    void receivedNotificationIsGracefulUnlessHardReset() {
        EmbeddedChannel ch = establishedWithNotificationBit(true);
        feed(ch, new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_ADMIN_RESET, null));
        assertTrue(events.get(1).endsWith(" graceful"), events.toString());
        ch.finishAndReleaseAll();
        events.clear();
        ch = establishedWithNotificationBit(true);
        feed(ch, new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_HARD_RESET,
                new byte[] {NotificationCode.CEASE, NotificationCode.CEASE_ADMIN_SHUTDOWN}));
        assertFalse(events.get(1).endsWith(" graceful"), events.toString());
        ch.finishAndReleaseAll();
    }

    /** RFC 8538 §5: an administrative shutdown with N exchanged is sent as Cease/Hard Reset wrapping the shutdown. */
    @Test
    void stopWithTheNotificationBitExchangedSendsHardReset() {
        EmbeddedChannel ch = establishedWithNotificationBit(true);
        sessionUnderTest.stop(NotificationCode.CEASE_ADMIN_SHUTDOWN, "stopped");
        BgpMessage m = sent(ch);
        while (m instanceof BgpMessage.Keepalive) m = sent(ch); // the OpenConfirm keepalive first
        BgpMessage.Notification n = (BgpMessage.Notification) m;
        assertEquals(NotificationCode.CEASE, n.code());
        assertEquals(NotificationCode.CEASE_HARD_RESET, n.subcode());
        assertEquals(List.of((byte) NotificationCode.CEASE, (byte) NotificationCode.CEASE_ADMIN_SHUTDOWN), List.of(n.data()[0], n.data()[1]));
        assertFalse(events.get(1).endsWith(" graceful"), events.toString());
        ch.finishAndReleaseAll();
    }

    /** The listener's down event when a graceful-restart peer listing {@code families} loses its connection. */
    String transportLossAfterGracefulRestartOpen(List<AddressFamily> families) {
        Session s = new Session(new SessionConfig(IpAddresses.inet("10.0.0.2"), 179, null, 65000, 65000, LOCAL_ID, 9, 2, true,
                null, EnumSet.of(AddressFamily.IPV4_UNICAST), 120), now::get, listener, dialer);
        s.start();
        EmbeddedChannel ch = new EmbeddedChannel();
        s.accept(ch);
        sent(ch);
        feed(ch, new BgpMessage.Open(4, 65000, 30, PEER_ID, List.of(new Capability.GracefulRestart(false, 120, families),
                new Capability.FourOctetAs(65000))));
        feed(ch, new BgpMessage.Keepalive());
        ch.close();
        return events.get(1);
    }

    /** RFC 4724 §4.2: a capability that lists no family (restart signalling only) keeps nothing. */
    @Test
    void gracefulRestartCapabilityWithoutFamiliesKeepsNoRoutes() {
        assertEquals("down connection closed by peer", transportLossAfterGracefulRestartOpen(List.of()));
    }

    @Test
    void activeSessionRetriesWithBackoffAndResolvesCollisions() {
        Session s = session(false);
        dialFailuresToReport = 2;
        s.start();                          // attempt 1 fails: retry in 2 s
        assertEquals(1, s.connectAttempts());
        advanceSeconds(1);
        s.tick();
        assertEquals(1, s.connectAttempts());
        advanceSeconds(1);
        s.tick();                           // attempt 2 fails: retry in 4 s (doubled)
        assertEquals(2, s.connectAttempts());
        advanceSeconds(3);
        s.tick();
        assertEquals(2, s.connectAttempts());
        advanceSeconds(1);
        s.tick();                           // attempt 3 connects
        assertEquals(3, s.connectAttempts());
        EmbeddedChannel out = dialled.get(0);
        assertInstanceOf(BgpMessage.Open.class, sent(out));

        // The peer dials us at the same time; its identifier 10.0.0.2 is higher, so its connection wins (RFC 4271 §6.8).
        EmbeddedChannel in = new EmbeddedChannel();
        assertTrue(s.accept(in));
        sent(in);
        feed(out, peerOpen(65000, PEER_ID, 90));
        sent(out); // KEEPALIVE
        feed(in, peerOpen(65000, PEER_ID, 90));
        BgpMessage.Notification n = (BgpMessage.Notification) sent(out);
        assertEquals(NotificationCode.CEASE_CONNECTION_COLLISION, n.subcode());
        assertFalse(out.isOpen());
        assertInstanceOf(BgpMessage.Keepalive.class, sent(in));
        feed(in, new BgpMessage.Keepalive());
        assertEquals(SessionState.ESTABLISHED, s.state());
        in.finishAndReleaseAll();
    }

    @Test
    void establishedSessionRefusesASecondConnection() {
        Session s = session(true);
        EmbeddedChannel ch = establishedPassive(s);
        EmbeddedChannel second = new EmbeddedChannel();
        assertFalse(s.accept(second));
        assertEquals(NotificationCode.CEASE_CONNECTION_COLLISION, ((BgpMessage.Notification) sent(second)).subcode());
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
