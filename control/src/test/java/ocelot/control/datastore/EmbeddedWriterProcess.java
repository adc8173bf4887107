package ocelot.control.datastore;

import java.nio.file.Path;

/**
 * Child-JVM main for the crash and cross-process tests.
 * {@code burst DIR PREFIX COUNT}: creates PREFIX0..PREFIX(COUNT-1), printing "ACK i revision" after
 * each commit returns (i.e. after fsync). {@code counter DIR KEY N}: N compare-and-swap
 * increments of KEY, retrying on conflicts. Optional 5th argument: compaction threshold (bytes).
 */
public final class EmbeddedWriterProcess {
    public static void main(String[] args) {
        // Optional 5th argument: the compaction threshold in bytes, to run across log rewrites.
        EmbeddedDatastore.Options options = args.length > 4
                ? new EmbeddedDatastore.Options(100_000, 20, Long.parseLong(args[4])) : EmbeddedDatastore.Options.DEFAULTS;
        try (EmbeddedDatastore store = EmbeddedDatastore.open(Path.of(args[1]), options)) {
            int n = Integer.parseInt(args[3]);
            if (args[0].equals("burst")) {
                for (int i = 0; i < n; i++) {
                    long rev = store.create(args[2] + i, "value-" + i + "-" + "x".repeat(i % 200));
                    System.out.println("ACK " + i + " " + rev);
                    System.out.flush();
                }
            } else {
                for (int i = 0; i < n; i++) {
                    while (true) {
                        KeyValue kv = store.get(args[2]).orElseThrow();
                        try {
                            store.update(kv.key(), Integer.toString(Integer.parseInt(kv.value()) + 1), kv.modRevision());
                            break;
                        } catch (ConflictException lost) {
                            // the other process incremented first: re-read
                        }
                    }
                }
                System.out.println("DONE");
            }
        }
        System.exit(0);
    }
}
