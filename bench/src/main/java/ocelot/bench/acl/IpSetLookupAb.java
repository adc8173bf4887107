package ocelot.bench.acl;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * IP set lookups of two builds of acl/ in one process (issue 22's versioned sets against the
 * in-place table before them), each in its own class loader with {@link IpSetLookupWork}, timed
 * in alternating slices so both see the same neighbours' load; prints the median headers per
 * second of each and their ratio.
 *
 * <p>Usage: {@code IpSetLookupAb ACL_CLASSES_A ACL_CLASSES_B BENCH_CLASSES ROUNDS SLICE_SECONDS}
 * (take the bench lock: {@code flock /tmp/ocelot-bench.lock ...}).
 */
public final class IpSetLookupAb {
    public static void main(String[] args) throws Exception {
        Path bench = Path.of(args[2]);
        int rounds = Integer.parseInt(args[3]);
        double slice = Double.parseDouble(args[4]);
        Object[] work = new Object[2];
        java.lang.reflect.Method[] run = new java.lang.reflect.Method[2];
        for (int b = 0; b < 2; b++) {
            ClassLoader loader = new BuildLoader(Path.of(args[b]), bench);
            Class<?> c = Class.forName(IpSetLookupWork.class.getName(), true, loader);
            work[b] = c.getConstructor().newInstance();
            run[b] = c.getMethod("slice", double.class);
        }
        for (int b = 0; b < 2; b++) run[b].invoke(work[b], 3.0); // both compiled before either counts
        double[][] rate = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int b = (r + k) % 2; // alternate which goes first
                rate[b][r] = (double) run[b].invoke(work[b], slice);
            }
        }
        double a = median(rate[0]), bm = median(rate[1]);
        System.out.printf("A %s: median %.2f M headers/s (%.1f ns/header)%nB %s: median %.2f M headers/s (%.1f ns/header)%nB/A %.3f over %d rounds of %.1f s%n",
                args[0], a / 1e6, 1e9 / a, args[1], bm / 1e6, 1e9 / bm, bm / a, rounds, slice);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Child-first for acl/ and the work class: each build gets its own copy of both. */
    static final class BuildLoader extends URLClassLoader {
        BuildLoader(Path acl, Path bench) throws Exception {
            super(new URL[] {acl.toUri().toURL(), bench.toUri().toURL()}, IpSetLookupAb.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("ocelot.acl.") && !name.equals(IpSetLookupWork.class.getName())) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
