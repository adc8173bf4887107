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
import java.nio.charset.StandardCharsets;

/**
 * TCP MD5 signatures (RFC 2385) through Linux's TCP_MD5SIG socket option, set with one FFM
 * downcall to {@code setsockopt}. On a listening socket the key applies to connections from
 * {@code peer}; on an unconnected socket it must be set before connect().
 */
public final class TcpMd5 {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_MD5SIG = 14;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int TCP_MD5SIG_MAXKEYLEN = 80;

    /** struct tcp_md5sig from linux/tcp.h (216 octets). */
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(128, ValueLayout.JAVA_BYTE).withName("tcpm_addr"),
            ValueLayout.JAVA_BYTE.withName("tcpm_flags"),
            ValueLayout.JAVA_BYTE.withName("tcpm_prefixlen"),
            ValueLayout.JAVA_SHORT.withName("tcpm_keylen"),
            ValueLayout.JAVA_INT.withName("tcpm_ifindex"),
            MemoryLayout.sequenceLayout(TCP_MD5SIG_MAXKEYLEN, ValueLayout.JAVA_BYTE).withName("tcpm_key"));
    private static final long ADDR_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tcpm_addr"));
    private static final long KEY_OFFSET = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("tcpm_key"));
    private static final VarHandle KEYLEN = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("tcpm_keylen"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("setsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private static final MethodHandle GETSOCKOPT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final int SOL_SOCKET = 1;
    private static final int SO_DOMAIN = 39;

    private TcpMd5() {
    }

    private static int domain(int fd, Arena arena) throws Throwable {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
        len.set(ValueLayout.JAVA_INT, 0, 4);
        int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_DOMAIN, v, len);
        if (rc != 0) throw new IllegalStateException("getsockopt(SO_DOMAIN) on fd " + fd + " failed");
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    /** Installs (or, with a null password, removes) the key for {@code peer} on socket {@code fd}. */
    public static void setKey(int fd, InetAddress peer, String password) {
        byte[] key = password == null ? new byte[0] : password.getBytes(StandardCharsets.US_ASCII);
        if (key.length > TCP_MD5SIG_MAXKEYLEN) {
            throw new IllegalArgumentException("MD5 password for " + peer.getHostAddress() + " longer than 80 octets");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(LAYOUT);
            byte[] a = peer.getAddress();
            if (a.length == 4 && domain(fd, arena) == AF_INET6) {
                // Netty's epoll sockets are dual-stack AF_INET6: an IPv4 peer appears as ::ffff:a.b.c.d.
                byte[] m = new byte[16];
                m[10] = (byte) 0xff;
                m[11] = (byte) 0xff;
                System.arraycopy(a, 0, m, 12, 4);
                a = m;
            }
            // sockaddr_in / sockaddr_in6: family in host order, port 0, then the address.
            s.set(ValueLayout.JAVA_SHORT, ADDR_OFFSET, (short) (a.length == 4 ? AF_INET : AF_INET6));
            MemorySegment.copy(a, 0, s, ValueLayout.JAVA_BYTE, ADDR_OFFSET + (a.length == 4 ? 4 : 8), a.length);
            KEYLEN.set(s, 0L, (short) key.length);
            MemorySegment.copy(key, 0, s, ValueLayout.JAVA_BYTE, KEY_OFFSET, key.length);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_MD5SIG, s, (int) LAYOUT.byteSize());
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("setsockopt(TCP_MD5SIG) for " + peer.getHostAddress() + " on fd " + fd
                        + " failed: errno " + errno + (errno == 2 ? " (no key to remove)" : errno == 22 ? " (EINVAL)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
