package ocelot.bench.bgp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.rib.Rib;
import ocelot.bgp.rib.RibConfig;
import ocelot.bgp.rib.RibPeer;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.CodecOptions;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.MessageCodec;
import ocelot.bgp.wire.Prefix;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Locale;

/**
 * The transit benchmark's work without sockets, for the numbers that do not depend on the
 * machine's load: heap bytes allocated per route (decode, RIB, Adj-RIB-Out, encode) and heap
 * bytes still live per route once the table is loaded. One JVM, one thread, the same UPDATE
 * bytes as {@link BgpScaleBench}'s feeder; the receiving peer's output is counted and released.
 * Usage: {@code RibLoadProbe [prefixes]}.
 */
public final class RibLoadProbe {
    public static void main(String[] args) throws Exception {
        int prefixes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        InetAddress self = IpAddresses.inet("127.9.0.1");
        byte[] wire = UpdateBuilder.announce(BgpScaleBench.TRANSIT_BASE, prefixes, new long[]{65001}, IpAddresses.inet("127.9.0.2"), false);
        long[] fib = {0};
        long[] sent = {0};
        Rib rib = new Rib(new RibConfig(65000, IpAddresses.toInt(self), 0, self, null), new FibSink() {
            public void install(Prefix p, InetAddress nh) { fib[0]++; }
            public void remove(Prefix p) { fib[0]--; }
            public void installIpv4(int a, int l, InetAddress nh) { fib[0]++; }
            public void removeIpv4(int a, int l) { fib[0]--; }
        }, PooledByteBufAllocator.DEFAULT);
        RibPeer.Output sink = new RibPeer.Output() {
            public void write(ByteBuf b) { sent[0] += b.readableBytes(); b.release(); }
            public void flush() { }
        };
        RibPeer feeder = new RibPeer(1, IpAddresses.inet("127.9.0.2"), 65001, 2, false, false, false, self, true, sink);
        RibPeer receiver = new RibPeer(2, IpAddresses.inet("127.9.0.3"), 65002, 3, false, false, false, self, true, sink);
        rib.peerUp(receiver, java.util.List.of(AddressFamily.IPV4_UNICAST));
        CodecOptions options = new CodecOptions(true, true, 65001);
        var families = EnumSet.of(AddressFamily.IPV4_UNICAST);

        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.gc();
        long heap0 = usedHeap();
        long alloc0 = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        long cpu0 = mx.getCurrentThreadCpuTime();
        ByteBuf in = Unpooled.wrappedBuffer(wire);
        int messages = 0;
        while (in.isReadable()) {
            int len = in.getUnsignedShort(in.readerIndex() + 16);
            BgpMessage m = MessageCodec.decode(in.readSlice(len), options, families);
            if (m instanceof BgpMessage.Update u && !u.isEndOfRib()) rib.update(feeder, u);
            // The speaker flushes at the end of each read batch (~64 KiB of input, ~16 UPDATEs).
            if (++messages % 16 == 0) rib.flush();
        }
        rib.flush();
        long t1 = System.nanoTime();
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        System.gc();
        long live = usedHeap() - heap0;
        if (rib.size() != prefixes || fib[0] != prefixes) throw new IllegalStateException("rib " + rib.size() + " fib " + fib[0]);
        System.out.printf(Locale.ROOT, "%,d routes: allocated %.1f B/route, live %.1f B/route, %,d octets of UPDATEs out, %.3f s, thread CPU %.3f s%n",
                prefixes, alloc / (double) prefixes, live / (double) prefixes, sent[0], (t1 - t0) / 1e9, cpu / 1e9);

        // The withdraw phase: the feeder withdraws every route, the receiver is sent the withdrawals.
        byte[] withdrawals = UpdateBuilder.withdraw(BgpScaleBench.TRANSIT_BASE, prefixes);
        sent[0] = 0;
        alloc0 = mx.getCurrentThreadAllocatedBytes();
        t0 = System.nanoTime();
        cpu0 = mx.getCurrentThreadCpuTime();
        in = Unpooled.wrappedBuffer(withdrawals);
        messages = 0;
        while (in.isReadable()) {
            int len = in.getUnsignedShort(in.readerIndex() + 16);
            BgpMessage m = MessageCodec.decode(in.readSlice(len), options, families);
            if (m instanceof BgpMessage.Update u) rib.update(feeder, u);
            if (++messages % 16 == 0) rib.flush();
        }
        rib.flush();
        t1 = System.nanoTime();
        cpu = mx.getCurrentThreadCpuTime() - cpu0;
        alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        System.gc();
        long left = usedHeap() - heap0;
        if (rib.size() != 0 || fib[0] != 0) throw new IllegalStateException("after withdraw: rib " + rib.size() + " fib " + fib[0]);
        System.out.printf(Locale.ROOT, "%,d withdrawn: allocated %.1f B/route, live after %.1f B/route, %,d octets of UPDATEs out, %.3f s, thread CPU %.3f s%n",
                prefixes, alloc / (double) prefixes, left / (double) prefixes, sent[0], (t1 - t0) / 1e9, cpu / 1e9);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
