package ocelot.dpdk;

import java.util.Locale;

/**
 * {@code ocelot} on its embedded defaults, until the node agent takes over this entry point:
 * prints the version, brings EAL up without hugepages or PCI, forwards from a net_null source
 * to a net_null sink for a few seconds on this thread and reports the rate from both Java's
 * count and the ports' own counters.
 */
public final class SmokeForwarding {
    private SmokeForwarding() {}

    public static void main(String[] args) {
        double seconds = 3.0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> {
                    if (i + 1 >= args.length) usage("--seconds needs a value");
                    try { seconds = Double.parseDouble(args[++i]); } catch (NumberFormatException e) { usage("--seconds: not a number: " + args[i]); }
                    if (!(seconds > 0 && seconds <= 3600)) usage("--seconds must be in (0, 3600], got " + args[i]);
                }
                case "--version" -> { System.out.println("ocelot " + Version.get()); return; }
                case "-h", "--help" -> { System.out.println("usage: ocelot [--seconds N] [--version]"); return; }
                default -> usage("unknown argument: " + args[i]);
            }
        }
        System.out.println("ocelot " + Version.get() + " (Java " + Runtime.version() + ")");
        Eal.initInMemory(512);
        Eal.registerThread();
        try (Mempool pool = Mempool.create("smoke_pool", 8191, 256, Mempool.DEFAULT_DATA_ROOM);
             DpdkPort src = DpdkPort.createVdev("net_null_src", "size=64,copy=0", pool, DpdkPort.Config.defaults());
             DpdkPort dst = DpdkPort.createVdev("net_null_dst", "size=64,no-rx=1", pool, DpdkPort.Config.defaults())) {
            IoForwarder fwd = new IoForwarder(src, dst, 64);
            fwd.forward(5_000_000, System.nanoTime() + 500_000_000L); // warm-up: JIT the loop
            src.resetStats();
            dst.resetStats();
            long t0 = System.nanoTime();
            long rx = fwd.forward(Long.MAX_VALUE, t0 + (long) (seconds * 1e9));
            double elapsed = (System.nanoTime() - t0) / 1e9;
            PortStats in = src.stats();
            PortStats out = dst.stats();
            System.out.printf(Locale.ROOT, "forwarded %s -> %s: %,d packets in %.2f s = %.2f Mpps (port counters: rx %,d tx %,d, dropped %,d)%n",
                    src.name(), dst.name(), rx, elapsed, rx / elapsed / 1e6, in.rxPackets(), out.txPackets(), fwd.dropped());
            fwd.close();
            if (out.txPackets() == 0) {
                System.err.println("ocelot: no packet was forwarded");
                System.exit(1);
            }
        }
    }

    private static void usage(String message) {
        System.err.println("ocelot: " + message);
        System.err.println("usage: ocelot [--seconds N] [--version]");
        System.exit(2);
    }
}
