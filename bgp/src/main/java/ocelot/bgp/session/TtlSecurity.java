package ocelot.bgp.session;

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

/**
 * The Generalized TTL Security Mechanism (GTSM, RFC 5082) on one socket: every packet we send
 * leaves with TTL (hop limit) 255, and the kernel drops every packet that arrives with a TTL
 * below {@code 256 - hops} (a peer {@code hops} routers away sends 255 and we see
 * {@code 255 - (hops - 1)}). Linux does both per socket: {@code IP_TTL} and {@code IP_MINTTL}
 * for IPv4, {@code IPV6_UNICAST_HOPS} and {@code IPV6_MINHOPCOUNT} for IPv6. Neither the JDK nor
 * Netty's epoll transport exposes them (Netty has no IP_TTL or IP_MINTTL option), so they are set
 * with FFM downcalls to {@code setsockopt} on the channel's fd, as {@link TcpMd5} sets its key.
 *
 * <p>Netty's epoll sockets are dual-stack AF_INET6: an IPv4 peer's traffic is v4-mapped and
 * follows the IPv4 options, which Linux accepts on an AF_INET6 TCP socket (ipv6_setsockopt passes
 * SOL_IP to ip_setsockopt); an IPv6 peer follows the IPv6 ones.
 */
public final class TtlSecurity {
    /** RFC 5082 §3: the sender's TTL. */
    public static final int MAX_TTL = 255;
    private static final int IPPROTO_IP = 0, IP_TTL = 2, IP_MINTTL = 21;
    private static final int IPPROTO_IPV6 = 41, IPV6_UNICAST_HOPS = 16, IPV6_MINHOPCOUNT = 73;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private TtlSecurity() {
    }

    /** The lowest TTL accepted from a peer {@code hops} (1..254) routers away. */
    public static int minimumTtl(int hops) {
        return MAX_TTL + 1 - hops;
    }

    /** Sends with TTL 255 and drops what arrives with less than {@link #minimumTtl}, on socket {@code fd} to {@code peer}. */
    public static void apply(int fd, InetAddress peer, int hops) {
        if (hops < 1 || hops > 254) throw new IllegalArgumentException("ttlSecurity hops " + hops + " not in 1..254");
        if (peer.getAddress().length == 4) {
            set(fd, IPPROTO_IP, IP_TTL, MAX_TTL, "IP_TTL", peer);
            set(fd, IPPROTO_IP, IP_MINTTL, minimumTtl(hops), "IP_MINTTL", peer);
        } else {
            set(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, MAX_TTL, "IPV6_UNICAST_HOPS", peer);
            set(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, minimumTtl(hops), "IPV6_MINHOPCOUNT", peer);
        }
    }

    private static void set(int fd, int level, int option, int value, String name, InetAddress peer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, 4);
            if (rc != 0) {
                throw new IllegalStateException("setsockopt(" + name + ", " + value + ") for peer " + peer.getHostAddress()
                        + " on fd " + fd + " failed: errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
