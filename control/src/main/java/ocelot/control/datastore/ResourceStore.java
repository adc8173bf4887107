package ocelot.control.datastore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.ResourceKey;

/**
 * Resources on a {@link Datastore}: what calicoctl's create/apply/replace/delete/get do. Each
 * call writes all its resources in one atomic commit, so a multi-document file is applied
 * entirely or not at all (with {@code --skip-exists}/{@code --skip-not-exists} the skipped ones
 * are left out first).
 */
public final class ResourceStore {
    private final Datastore store;

    public ResourceStore(Datastore store) {
        this.store = store;
    }

    public Datastore datastore() {
        return store;
    }

    /** What a write did: the resources written and the ones skipped. */
    public record Outcome(List<Resource> written, List<Resource> skipped) {}

    public Outcome create(List<Resource> resources, boolean skipExists) {
        checkUnique(resources);
        List<Resource> todo = new ArrayList<>();
        List<Resource> skipped = new ArrayList<>();
        for (Resource r : resources) {
            if (skipExists && store.get(r.key().datastoreKey()).isPresent()) skipped.add(r);
            else todo.add(r);
        }
        checkPools(todo);
        commit(todo, r -> new Mutation.Create(r.key().datastoreKey(), ResourceCodec.toStored(r)));
        return new Outcome(todo, skipped);
    }

    public Outcome apply(List<Resource> resources) {
        checkUnique(resources);
        checkPools(resources);
        commit(resources, r -> new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r)));
        return new Outcome(resources, List.of());
    }

    public Outcome replace(List<Resource> resources) {
        checkUnique(resources);
        checkPools(resources);
        commit(resources, r -> new Mutation.Update(r.key().datastoreKey(), ResourceCodec.toStored(r), Mutation.ANY_REVISION));
        return new Outcome(resources, List.of());
    }

    public Outcome delete(List<Resource> resources, boolean skipNotExists) {
        checkUnique(resources);
        List<Resource> todo = new ArrayList<>();
        List<Resource> skipped = new ArrayList<>();
        for (Resource r : resources) {
            if (skipNotExists && store.get(r.key().datastoreKey()).isEmpty()) skipped.add(r);
            else todo.add(r);
        }
        commit(todo, r -> new Mutation.Delete(r.key().datastoreKey(), Mutation.ANY_REVISION));
        return new Outcome(todo, skipped);
    }

    private void commit(List<Resource> resources, java.util.function.Function<Resource, Mutation> op) {
        if (resources.isEmpty()) return;
        Map<String, Resource> byKey = new HashMap<>();
        List<Mutation> mutations = new ArrayList<>();
        for (Resource r : resources) {
            byKey.put(r.key().datastoreKey(), r);
            mutations.add(r instanceof BgpPeer p && BgpPeer.REDACTED_PASSWORD.equals(p.password())
                    ? keepingStoredPassword(p, op.apply(r)) : op.apply(r));
        }
        try {
            store.commit(mutations);
        } catch (ConflictException e) {
            Resource r = byKey.get(e.key());
            throw new ResourceConflictException(r == null ? null : r.key(), e.reason(), e);
        }
    }

    /**
     * A bgpPeer whose password is {@link BgpPeer#REDACTED_PASSWORD} came from {@code get}'s
     * output: it keeps the key stored for that peer, never the placeholder. The write is
     * conditional on the version the key was read from, so a key changed meanwhile is not
     * overwritten with the old one. With no stored key there is nothing to keep: refused.
     */
    private Mutation keepingStoredPassword(BgpPeer peer, Mutation asGiven) {
        String key = peer.key().datastoreKey();
        String refusal = peer.key() + ": spec.password is '" + BgpPeer.REDACTED_PASSWORD
                + "', which get prints in place of the key; ";
        if (asGiven instanceof Mutation.Create) {
            throw new IllegalArgumentException(refusal + "a new peer needs the key itself");
        }
        KeyValue stored = store.get(key).orElseThrow(() -> new IllegalArgumentException(refusal
                + "no such peer is stored to keep the key of: give the key itself"));
        BgpPeer current = (BgpPeer) ResourceCodec.fromStored(stored.key(), stored.value());
        if (current.password() == null) {
            throw new IllegalArgumentException(refusal + "the stored peer has no key to keep: give the key itself, or omit password");
        }
        return new Mutation.Update(key, ResourceCodec.toStored(peer.withPassword(current.password())), stored.modRevision());
    }

    private static void checkUnique(List<Resource> resources) {
        Map<String, Resource> seen = new HashMap<>();
        for (Resource r : resources) {
            if (seen.put(r.key().datastoreKey(), r) != null) {
                throw new IllegalArgumentException(r.key() + " appears more than once in the input");
            }
        }
    }

    /** Pools may not overlap (IPAM blocks would be claimed twice); Calico refuses them too. */
    private void checkPools(List<Resource> resources) {
        List<IpPool> incoming = resources.stream().filter(IpPool.class::isInstance).map(IpPool.class::cast).toList();
        if (incoming.isEmpty()) return;
        List<IpPool> all = new ArrayList<>(incoming);
        for (Resource r : list(Kind.IP_POOL, x -> true)) {
            if (incoming.stream().noneMatch(p -> p.key().equals(r.key()))) all.add((IpPool) r);
        }
        for (IpPool p : incoming) {
            for (IpPool q : all) {
                if (p != q && !p.key().equals(q.key()) && p.cidr().overlaps(q.cidr())) {
                    throw new IllegalArgumentException("IP pool " + p.cidr() + " overlaps IP pool " + q.cidr());
                }
            }
        }
    }

    public java.util.Optional<Resource> get(ResourceKey key) {
        return store.get(key.datastoreKey()).map(kv -> ResourceCodec.fromStored(kv.key(), kv.value()));
    }

    /** Every resource of {@code kind} the filter accepts, in key order. */
    public List<Resource> list(Kind kind, Predicate<Resource> filter) {
        List<Resource> out = new ArrayList<>();
        for (KeyValue kv : store.list(ResourceKey.folder(kind)).items()) {
            Resource r = ResourceCodec.fromStored(kv.key(), kv.value());
            if (filter.test(r)) out.add(r);
        }
        return out;
    }

    /** The global value of a setting, or its default when never set. */
    public String setting(ClusterSetting s) {
        return store.get(s.datastoreKey()).map(KeyValue::value).orElse(s.defaultValue());
    }

    /** {@code node}'s own value of a per-node setting, if it has one (else the global one applies). */
    public java.util.Optional<String> nodeSetting(ClusterSetting s, String node) {
        return store.get(s.nodeKey(node)).map(KeyValue::value);
    }

    public void setSetting(ClusterSetting s, String value) {
        store.put(s.datastoreKey(), s.canonical(value));
    }

    public void setSetting(ClusterSetting s, String node, String value) {
        store.put(s.nodeKey(node), s.canonical(value));
    }

    /** Removes the global value, so the default applies; false when it was not set. */
    public boolean unsetSetting(ClusterSetting s) {
        return delete(s.datastoreKey());
    }

    /** Removes {@code node}'s own value, so the global one applies there; false when it was not set. */
    public boolean unsetSetting(ClusterSetting s, String node) {
        return delete(s.nodeKey(node));
    }

    private boolean delete(String key) {
        var current = store.get(key);
        if (current.isEmpty()) return false;
        try {
            store.delete(key, current.get().modRevision());
            return true;
        } catch (ConflictException e) {
            return false; // removed or rewritten meanwhile by another client: its write stands
        }
    }
}
