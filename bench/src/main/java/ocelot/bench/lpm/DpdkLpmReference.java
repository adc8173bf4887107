package ocelot.bench.lpm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import ocelot.dpdk.Eal;

/**
 * FFM bindings to bench/lpm/lpm_reference.c: DPDK's rte_lpm, rte_fib and rte_lpm6 built and
 * looked up in this process, so a benchmark can alternate their passes with Ocelot's. One
 * downcall builds a table, one runs a whole pass over a trace (about 10 ns of FFM transition
 * against tens of milliseconds of lookups). Tables live in DPDK's heap until {@link #free}.
 *
 * <p>The library path comes from the system property {@code ocelot.lpm.reference.lib}
 * (bench/lpm/side-by-side.sh builds it); EAL is initialised through {@link Eal#initInMemory}
 * (no hugepages: rte_lpm's tables sit on 4 KiB pages here, like the Java heap without THP).
 */
final class DpdkLpmReference {
    static final String PROPERTY = "ocelot.lpm.reference.lib";

    enum Kind { LPM, FIB, LPM6 }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;
    private static final MethodHandle HEAP_BYTES, LPM_BUILD, LPM_FREE, LPM_PASS, LPMX4_PASS,
            FIB_BUILD, FIB_FREE, FIB_PASS, LPM6_BUILD, LPM6_FREE, LPM6_PASS;

    static {
        String lib = System.getProperty(PROPERTY);
        if (lib == null || !Files.isRegularFile(Path.of(lib))) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + lib
                    + " is not a file: build bench/lpm/lpm_reference.c first (bench/lpm/side-by-side.sh does)");
        }
        Eal.initInMemory(2048); // loads librte_eal.so first, so the library below shares its EAL
        LIB = SymbolLookup.libraryLookup(Path.of(lib), Arena.global());
        FunctionDescriptor build = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        FunctionDescriptor pass = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        FunctionDescriptor free = FunctionDescriptor.ofVoid(ADDRESS);
        HEAP_BYTES = handle("olpm_heap_bytes", FunctionDescriptor.of(JAVA_LONG));
        LPM_BUILD = handle("olpm_lpm_build", build);
        LPM_FREE = handle("olpm_lpm_free", free);
        LPM_PASS = handle("olpm_lpm_lookup_pass", pass);
        LPMX4_PASS = handle("olpm_lpm_lookupx4_pass", pass);
        FIB_BUILD = handle("olpm_fib_build", build);
        FIB_FREE = handle("olpm_fib_free", free);
        FIB_PASS = handle("olpm_fib_lookup_pass", pass);
        LPM6_BUILD = handle("olpm_lpm6_build", build);
        LPM6_FREE = handle("olpm_lpm6_free", free);
        LPM6_PASS = handle("olpm_lpm6_lookup_pass", pass);
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIB.find(name).orElseThrow(() -> new IllegalStateException(name + " not in the reference library"));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    private final Kind kind;
    private final MemorySegment table;
    private final MemorySegment out; // 32 answers (8 bytes each for rte_fib)
    /** DPDK heap growth from creating and filling the table. */
    final long bytes;
    /** CPU time the building thread spent adding the routes, nanoseconds. */
    final long buildNanos;

    private DpdkLpmReference(Kind kind, MemorySegment table, long bytes, long buildNanos) {
        this.kind = kind;
        this.table = table;
        this.bytes = bytes;
        this.buildNanos = buildNanos;
        this.out = Arena.global().allocate(32 * 8L, 64);
    }

    /**
     * Builds a table of the given kind from parallel route arrays (prefixes: n ints for IPv4,
     * n*16 bytes in network order for IPv6); tbl8s = tbl8 groups to reserve.
     */
    static DpdkLpmReference build(Kind kind, String name, MemorySegment prefixes, MemorySegment lengths,
                                  MemorySegment nextHops, int n, int tbl8s) {
        MethodHandle builder = switch (kind) {
            case LPM -> LPM_BUILD;
            case FIB -> FIB_BUILD;
            case LPM6 -> LPM6_BUILD;
        };
        try (Arena arena = Arena.ofConfined()) {
            long before = (long) HEAP_BYTES.invokeExact();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long t0 = threads.getCurrentThreadCpuTime(); // the downcall runs on this thread
            MemorySegment table = (MemorySegment) builder.invokeExact(arena.allocateFrom(name), prefixes, lengths, nextHops, n, tbl8s);
            long nanos = threads.getCurrentThreadCpuTime() - t0;
            if (table.equals(MemorySegment.NULL)) {
                throw new IllegalStateException(kind + " build of " + n + " routes failed (DPDK's message is on stderr)");
            }
            return new DpdkLpmReference(kind, table, (long) HEAP_BYTES.invokeExact() - before, nanos);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** One pass of n addresses (ints, or 16-byte IPv6 addresses) in bursts of 32; the checksum. */
    long lookupPass(MemorySegment addresses, int n) {
        return lookupPass(kind == Kind.LPM ? LPM_PASS : kind == Kind.FIB ? FIB_PASS : LPM6_PASS, addresses, n);
    }

    /** rte_lpm only: the pass through rte_lpm_lookupx4. */
    long lookupx4Pass(MemorySegment addresses, int n) {
        if (kind != Kind.LPM) throw new IllegalStateException("lookupx4 is rte_lpm's, this is " + kind);
        return lookupPass(LPMX4_PASS, addresses, n);
    }

    private long lookupPass(MethodHandle pass, MemorySegment addresses, int n) {
        try {
            return (long) pass.invokeExact(table, addresses, n, out);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void free() {
        try {
            switch (kind) {
                case LPM -> LPM_FREE.invokeExact(table);
                case FIB -> FIB_FREE.invokeExact(table);
                case LPM6 -> LPM6_FREE.invokeExact(table);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
