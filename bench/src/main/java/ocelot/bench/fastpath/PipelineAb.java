package ocelot.bench.fastpath;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;

/**
 * Two builds of fastpath in one process, each in its own class loader over the same DPDK
 * devices, measured in alternating slices: on a shared 2-vCPU machine separate runs differ by
 * +-20% with the neighbours' load, while alternating slices a second apart see the same load,
 * so the ratio of their medians is what a change bought.
 *
 * <p>Usage: {@code PipelineAb PCAP CLASSES_A CLASSES_B ROUNDS SLICE_SECONDS} where each classes
 * dir holds a build of ocelot.fastpath and of this package's PipelineThroughput.
 */
public final class PipelineAb {
    public static void main(String[] args) throws Exception {
        Path pcap = Path.of(args[0]);
        int rounds = Integer.parseInt(args[3]);
        double slice = Double.parseDouble(args[4]);
        int flows = Integer.getInteger("bench.flows", 1024); // ab.sh's AB_FLOWS
        int dataRoom = Integer.getInteger("bench.dataRoom", Mempool.DEFAULT_DATA_ROOM);
        int mbufs = Math.max(16383, flows + 8192); // net_pcap's infinite replay holds the whole file in mbufs
        ClassLoader[] loaders = {new BuildLoader(Path.of(args[1])), new BuildLoader(Path.of(args[2]))};
        String bench = PipelineAb.class.getPackageName() + ".PipelineThroughput";
        Class.forName(bench, true, loaders[0]).getDeclaredMethod("writePcap", Path.class, int.class).invoke(null, pcap, flows);
        // as PipelineThroughput.ealMemoryMb (this driver is compiled without it): an mbuf never straddles a 4 KiB page
        long perMbuf = 4096 / (4096 / (dataRoom + 256));
        Eal.initInMemory((int) Math.max(1024, mbufs * perMbuf / (1 << 20) + 512));
        Eal.registerThread();
        try (Mempool pool = Mempool.create("bench_ab_pool", mbufs, 256, dataRoom)) {
            DpdkPort src = DpdkPort.createVdev("net_pcap_ab", "rx_pcap=" + pcap + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_ab", "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                Method[] slices = new Method[2];
                AutoCloseable[] pipelines = new AutoCloseable[2];
                for (int b = 0; b < 2; b++) {
                    Class<?> c = Class.forName(bench, true, loaders[b]);
                    pipelines[b] = (AutoCloseable) c.getMethod("open", DpdkPort.class, DpdkPort.class, int.class, int.class, int.class, double.class)
                            .invoke(null, src, sink, 100_000, 100, flows, 12.0);
                    slices[b] = c.getMethod("slice", AutoCloseable.class, double.class);
                }
                double[][] mpps = new double[2][rounds];
                for (int b = 0; b < 2; b++) slices[b].invoke(null, pipelines[b], 4.0); // both compiled before either counts
                for (int r = 0; r < rounds; r++) {
                    for (int b = 0; b < 2; b++) {
                        long[] x = (long[]) slices[b].invoke(null, pipelines[b], slice);
                        mpps[b][r] = x[0] / (x[1] / 1e3);
                    }
                    System.out.printf("round %d: A %.2f B %.2f%n", r, mpps[0][r], mpps[1][r]);
                }
                double a = median(mpps[0]), b = median(mpps[1]);
                System.out.printf("median A %.2f B %.2f B/A %.3f%n", a, b, b / a);
                for (AutoCloseable p : pipelines) p.close();
            } finally {
                src.close();
                sink.close();
            }
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Child-first for fastpath and this benchmark package; everything else (DPDK binding, lpm, acl) is shared. */
    static final class BuildLoader extends URLClassLoader {
        BuildLoader(Path classes) throws Exception {
            super(new URL[] {classes.toUri().toURL()}, PipelineAb.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("ocelot.fastpath.") && !name.startsWith("ocelot.bench.fastpath.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
