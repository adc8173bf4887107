package ocelot.bgp.bfd;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * An IPv4 UDP socket for single-hop BFD (RFC 5881), through FFM: it sends with TTL 255 and
 * reports each received datagram's TTL (IP_RECVTTL), which RFC 5881 §5 requires to be 255 (so a
 * packet from further than one hop is discarded). Neither the JDK's DatagramChannel nor Netty's
 * epoll datagram channel gives a received packet's TTL, and Linux's IP_MINTTL, which does the
 * check for TCP (GTSM), is not applied to UDP (checked on 6.18: a TTL-64 datagram arrived).
 * One thread uses a socket; {@link #close} from another thread ends a blocked {@link #receive}.
 */
final class BfdSocket implements AutoCloseable {
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOL_SOCKET = 1, SO_REUSEADDR = 2, IPPROTO_IP = 0;
    private static final int IP_TTL = 2, IP_RECVTTL = 12, MSG_DONTWAIT = 0x40, POLLIN = 1, EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(INT, INT, INT, INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle SENDTO = handle("sendto",
            FunctionDescriptor.of(LONG, INT, ValueLayout.ADDRESS, LONG, INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle RECVMSG = handle("recvmsg", FunctionDescriptor.of(LONG, INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, LONG, INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(INT, INT, INT));
    private static final int CLONE_NEWNET = 0x40000000;

    /**
     * Moves the calling thread into network namespace {@code /run/netns/NAME} ({@code ip netns}'s):
     * sockets it opens from then on live there. Only the calling thread moves (setns(2) acts per
     * thread), so a dedicated thread does it before opening its sockets.
     */
    static void enterNetns(String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom("/run/netns/" + name), 0);
            if (fd < 0) throw new IllegalStateException("network namespace " + name + ": open /run/netns/" + name + ": errno " + (int) ERRNO.get(st, 0L));
            int rc = (int) SETNS.invokeExact(st, fd, CLONE_NEWNET);
            int err = (int) ERRNO.get(st, 0L);
            int closed = (int) CLOSE.invokeExact(st, fd);
            if (rc != 0) throw new IllegalStateException("network namespace " + name + ": setns: errno " + err);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CAPTURE);
    private final MemorySegment buffer = arena.allocate(256);
    private final MemorySegment from = arena.allocate(16);
    private final MemorySegment iov = arena.allocate(16);
    private final MemorySegment control = arena.allocate(64);
    private final MemorySegment msg = arena.allocate(56);
    private final MemorySegment pollFd = arena.allocate(8);
    private final MemorySegment to = arena.allocate(16);
    private final MemorySegment sendBuffer = arena.allocate(256);
    private volatile boolean closed;

    /** Bound to {@code local}:{@code port}, sending with TTL 255 and receiving TTLs. */
    BfdSocket(InetAddress local, int port) {
        if (local.getAddress().length != 4) throw new IllegalArgumentException("BFD on " + local.getHostAddress() + ": only IPv4 is supported");
        int s = call(SOCKET, "socket", AF_INET, SOCK_DGRAM, 0);
        this.fd = s;
        try {
            setInt(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            setInt(IPPROTO_IP, IP_TTL, 255, "IP_TTL");
            setInt(IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL");
            sockaddr(to, local, port);
            int rc = (int) BIND.invokeExact(state, fd, to, 16);
            if (rc != 0) throw new IllegalStateException("bind " + local.getHostAddress() + ":" + port + ": errno " + errno());
        } catch (RuntimeException e) {
            close();
            throw e;
        } catch (Throwable t) {
            close();
            throw new IllegalStateException(t);
        }
        iov.set(ValueLayout.ADDRESS, 0, buffer);
        iov.set(LONG, 8, buffer.byteSize());
    }

    /** Sends one datagram; returns 0, or the errno of a failed send (a link down, no route: the session's timers handle it). */
    int send(byte[] packet, InetAddress peer, int port) {
        if (closed) return 0;
        MemorySegment.copy(packet, 0, sendBuffer, ValueLayout.JAVA_BYTE, 0, packet.length);
        sockaddr(to, peer, port);
        try {
            long n = (long) SENDTO.invokeExact(state, fd, sendBuffer, (long) packet.length, 0, to, 16);
            return n < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for a datagram to be readable. */
    boolean awaitReadable(int timeoutMillis) {
        pollFd.set(INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, (short) POLLIN);
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            int rc = (int) POLL.invokeExact(state, pollFd, 1L, timeoutMillis);
            return rc > 0 && (pollFd.get(ValueLayout.JAVA_SHORT, 6) & POLLIN) != 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** One datagram without blocking, or null: its bytes, source and TTL. */
    Datagram receive() {
        msg.fill((byte) 0);
        msg.set(ValueLayout.ADDRESS, 0, from);
        msg.set(INT, 8, 16);
        msg.set(ValueLayout.ADDRESS, 16, iov);
        msg.set(LONG, 24, 1L);
        msg.set(ValueLayout.ADDRESS, 32, control);
        msg.set(LONG, 40, control.byteSize());
        long n;
        try {
            n = (long) RECVMSG.invokeExact(state, fd, msg, MSG_DONTWAIT);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (n < 0) {
            if (errno() == EAGAIN || closed) return null;
            throw new IllegalStateException("recvmsg: errno " + errno());
        }
        int ttl = -1;
        long controlLength = msg.get(LONG, 40);
        for (long at = 0; at + 16 <= controlLength; ) {
            long len = control.get(LONG, at);
            if (len < 16) break;
            if (control.get(INT, at + 8) == IPPROTO_IP && control.get(INT, at + 12) == IP_TTL) ttl = control.get(INT, at + 16);
            at += (len + 7) & ~7L; // CMSG_ALIGN
        }
        byte[] data = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        byte[] a = from.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
        int port = Short.toUnsignedInt(from.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        try {
            return new Datagram(data, InetAddress.getByAddress(a), port, ttl);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    record Datagram(byte[] data, InetAddress source, int sourcePort, int ttl) {
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            int rc = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable ignored) {
            // closing: nothing to do about it
        }
    }

    private void setInt(int level, int option, int value, String name) {
        MemorySegment v = arena.allocateFrom(INT, value);
        try {
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, 4);
            if (rc != 0) throw new IllegalStateException("setsockopt(" + name + ", " + value + "): errno " + errno());
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void sockaddr(MemorySegment sa, InetAddress address, int port) {
        sa.fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    private int call(MethodHandle h, String name, int a, int b, int c) {
        try {
            int rc = (int) h.invokeExact(state, a, b, c);
            if (rc < 0) throw new IllegalStateException(name + ": errno " + errno());
            return rc;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, Linker.Option.captureCallState("errno"));
    }
}
