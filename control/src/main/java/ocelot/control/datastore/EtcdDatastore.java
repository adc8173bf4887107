package ocelot.control.datastore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The datastore on etcd v3 through jetcd. Keys are stored as given (the resource layer puts
 * everything under {@code /ocelot/v1/}); a commit is one etcd transaction whose compares are
 * the mutations' conditions, so multi-key writes are atomic and CAS is etcd's own.
 */
public final class EtcdDatastore implements Datastore {
    private final EtcdConfig config;
    private final Client client;
    private final KV kv;
    private final long timeoutMillis;
    private final long healthIntervalMillis;

    private EtcdDatastore(EtcdConfig config, Client client, long healthIntervalMillis) {
        this.config = config;
        this.client = client;
        this.kv = client.getKVClient();
        this.timeoutMillis = config.requestTimeout().toMillis();
        this.healthIntervalMillis = healthIntervalMillis;
    }

    public static EtcdDatastore connect(EtcdConfig config) {
        return connect(config, 1000);
    }

    /** {@code healthIntervalMillis}: how often a watch probes etcd to notice a lost connection. */
    public static EtcdDatastore connect(EtcdConfig config, long healthIntervalMillis) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(URI[]::new))
                .connectTimeout(java.time.Duration.ofSeconds(3))
                .retryMaxDuration(config.requestTimeout());
        if (config.username() != null) {
            builder.user(bytes(config.username())).password(bytes(config.password()));
        }
        if (config.tls()) {
            try {
                builder.sslContext(ssl -> {
                    if (config.caCertFile() != null) ssl.trustManager(config.caCertFile().toFile());
                    if (config.certFile() != null) ssl.keyManager(config.certFile().toFile(), config.keyFile().toFile());
                });
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new DatastoreException("etcd TLS settings rejected: " + e.getMessage(), e);
            }
        }
        return new EtcdDatastore(config, builder.build(), healthIntervalMillis);
    }

    @Override
    public String describe() {
        return "etcd " + config.endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8),
                kv.getCreateRevision(), kv.getModRevision());
    }

    <T> T await(CompletableFuture<T> future, String what) {
        return await(future, what, timeoutMillis);
    }

    private <T> T await(CompletableFuture<T> future, String what, long timeoutMillis) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException(describe() + ": interrupted during " + what, e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DatastoreException(describe() + ": no answer within " + timeoutMillis + " ms to " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause.getCause() != null && cause.getMessage() != null && cause.getMessage().contains("io exception")) {
                cause = cause.getCause();
            }
            throw new DatastoreException(describe() + ": " + what + " failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        GetResponse r = await(kv.get(bytes(key)), "get " + key);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKeyValue(r.getKvs().getFirst()));
    }

    @Override
    public Snapshot list(String prefix) {
        GetOption opt = GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).build();
        GetResponse r = await(kv.get(bytes(prefix), opt), "list " + prefix);
        List<KeyValue> items = new ArrayList<>(r.getKvs().size());
        for (io.etcd.jetcd.KeyValue k : r.getKvs()) items.add(toKeyValue(k));
        return new Snapshot(items, r.getHeader().getRevision());
    }

    @Override
    public long commit(List<Mutation> mutations) {
        if (mutations.isEmpty()) throw new IllegalArgumentException("commit needs at least one mutation");
        List<Cmp> cmps = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        for (Mutation m : mutations) {
            ByteSequence key = bytes(m.key());
            switch (m) {
                case Mutation.Create c -> {
                    cmps.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)));
                    ops.add(Op.put(key, bytes(c.value()), PutOption.DEFAULT));
                }
                case Mutation.Update u -> {
                    cmps.add(existsOrAt(key, u.expectedModRevision()));
                    ops.add(Op.put(key, bytes(u.value()), PutOption.DEFAULT));
                }
                case Mutation.Put p -> ops.add(Op.put(key, bytes(p.value()), PutOption.DEFAULT));
                case Mutation.Delete d -> {
                    cmps.add(existsOrAt(key, d.expectedModRevision()));
                    ops.add(Op.delete(key, DeleteOption.DEFAULT));
                }
            }
        }
        TxnResponse r = await(kv.txn().If(cmps.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new)).commit(),
                "commit to " + mutations.getFirst().key());
        if (r.isSucceeded()) return r.getHeader().getRevision();
        // Name the key whose condition failed, as the embedded store does.
        for (Mutation m : mutations) {
            if (m instanceof Mutation.Put) continue;
            EmbeddedDatastore.checkCondition(m, get(m.key()).orElse(null));
        }
        throw new ConflictException(mutations.getFirst().key(), ConflictException.Reason.REVISION_MISMATCH);
    }

    private static Cmp existsOrAt(ByteSequence key, long expected) {
        return expected == Mutation.ANY_REVISION
                ? new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        return new EtcdWatch(this, client, prefix, afterRevision, listener, healthIntervalMillis);
    }

    @Override
    public void compact(long revision) {
        await(kv.compact(revision), "compact at revision " + revision);
    }

    /** How long {@link #checkReachable} waits: short, yet longer than a loaded etcd's read. */
    private static final long REACHABLE_TIMEOUT_MILLIS = 2000;

    @Override
    public void checkReachable() {
        await(kv.get(bytes("/ocelot/v1/config/asNumber"), GetOption.builder().withCountOnly(true).withLimit(1).build()),
                "reachability check", Math.min(REACHABLE_TIMEOUT_MILLIS, timeoutMillis));
    }

    /** Cheap liveness probe used by watches: a count-only range read of one key. */
    void probe(String prefix) {
        await(kv.get(bytes(prefix), GetOption.builder().withCountOnly(true).withLimit(1).build()), "probe");
    }

    @Override
    public void close() {
        client.close();
    }
}
