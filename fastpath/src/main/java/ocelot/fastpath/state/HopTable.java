package ocelot.fastpath.state;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPv4 next hops, deduplicated, as parallel arrays that every snapshot over the same route
 * table shares. Append-only once published: a hop's fields never change and its index never
 * means another hop, so a worker on an older snapshot that meets a route added since reads a
 * whole hop (the control thread writes the hop, then a release fence, then the route). Full
 * when its capacity is used up: the compiler then rebuilds table and hops from scratch (and
 * drops hops no route uses any more). Control-thread only, apart from the arrays' readers.
 */
final class HopTable {
    byte[] kind;
    int[] port, endpoint, neighbour, tunnel, ecmpFirst, ecmpCount;
    int[] members;
    /** Each ECMP group's {@link ResilientBuckets#BUCKETS} buckets from ecmpBucketFirst[h]: a member hop per bucket. */
    int[] ecmpBucketFirst, buckets;
    int bucketCount;
    /** Routes using each hop (ECMP members count through their group's routes). */
    int[] refs;
    int count;
    int memberCount;
    /** False while a full rebuild fills it (it may grow); true once workers may read it. */
    boolean published;
    private final Map<Object, Integer> index = new HashMap<>();

    HopTable(int capacity, int memberCapacity) {
        kind = new byte[capacity];
        port = new int[capacity];
        endpoint = new int[capacity];
        neighbour = new int[capacity];
        tunnel = new int[capacity];
        ecmpFirst = new int[capacity];
        ecmpCount = new int[capacity];
        ecmpBucketFirst = new int[capacity];
        refs = new int[capacity];
        members = new int[memberCapacity];
        buckets = new int[ResilientBuckets.BUCKETS];
    }

    int capacity() { return kind.length; }

    /** Signals that a published table has no room: the caller rebuilds. */
    static final class Full extends RuntimeException {
        Full() { super(null, null, false, false); }
    }

    int intern(Object key, byte k, int p, int e, int nb, int t) {
        Integer existing = index.get(key);
        if (existing != null) return existing;
        if (count == kind.length) grow();
        int h = count++;
        kind[h] = k;
        port[h] = p;
        endpoint[h] = e;
        neighbour[h] = nb;
        tunnel[h] = t;
        index.put(key, h);
        return h;
    }

    /**
     * A group of member hops; its buckets are owned by members keyed on what the hop resolved to
     * (gateway, port slot, tunnel), not on the route's {@code Via}s: routes whose Vias differ can
     * resolve to the same hops (a tunnelled route's port comes from its underlay) and share this
     * group, so keys from whichever route came first would make the table depend on publish order.
     */
    int internEcmp(List<Integer> group) {
        Object key = List.of("ecmp", group);
        Integer existing = index.get(key);
        if (existing != null) return existing;
        if (count == kind.length) grow();
        while (memberCount + group.size() > members.length) {
            if (published) throw new Full();
            members = Arrays.copyOf(members, Math.max(16, members.length * 2));
        }
        while (bucketCount + ResilientBuckets.BUCKETS > buckets.length) {
            if (published) throw new Full();
            buckets = Arrays.copyOf(buckets, buckets.length * 2);
        }
        long[] memberKeys = new long[group.size()];
        for (int k = 0; k < memberKeys.length; k++) {
            int m = group.get(k);
            memberKeys[k] = ResilientBuckets.key(neighbour[m], port[m], tunnel[m]);
        }
        int[] owners = ResilientBuckets.owners(memberKeys);
        int bucketFirst = bucketCount;
        for (int owner : owners) buckets[bucketCount++] = group.get(owner);
        int first = memberCount;
        for (int m : group) members[memberCount++] = m;
        int h = count++;
        kind[h] = ForwardingSnapshot.NH_ECMP;
        port[h] = -1;
        endpoint[h] = -1;
        ecmpFirst[h] = first;
        ecmpCount[h] = group.size();
        ecmpBucketFirst[h] = bucketFirst;
        index.put(key, h);
        return h;
    }

    /** Room for {@code capacity} hops and {@code memberCapacity} ECMP members (before publication). */
    void reserve(int capacity, int memberCapacity) {
        while (kind.length < capacity) grow();
        if (members.length < memberCapacity) members = Arrays.copyOf(members, memberCapacity);
        // groups have at least two members: room for as many groups as members/2 (at least 4)
        int bucketCapacity = Math.max(4, memberCapacity / 2) * ResilientBuckets.BUCKETS;
        if (buckets.length < bucketCapacity) buckets = Arrays.copyOf(buckets, bucketCapacity);
    }

    private void grow() {
        if (published) throw new Full();
        int n = Math.max(16, kind.length * 2);
        kind = Arrays.copyOf(kind, n);
        port = Arrays.copyOf(port, n);
        endpoint = Arrays.copyOf(endpoint, n);
        neighbour = Arrays.copyOf(neighbour, n);
        tunnel = Arrays.copyOf(tunnel, n);
        ecmpFirst = Arrays.copyOf(ecmpFirst, n);
        ecmpCount = Arrays.copyOf(ecmpCount, n);
        ecmpBucketFirst = Arrays.copyOf(ecmpBucketFirst, n);
        refs = Arrays.copyOf(refs, n);
    }

    /** A route starts (+1) or stops (-1) using hop {@code h}; an ECMP group passes it on to its members. */
    void ref(int h, int delta) {
        refs[h] += delta;
        if (kind[h] == ForwardingSnapshot.NH_ECMP) {
            for (int k = 0; k < ecmpCount[h]; k++) refs[members[ecmpFirst[h] + k]] += delta;
        }
    }

    /** Hops no route uses (left by removed routes until the next rebuild). */
    int unused() {
        int n = 0;
        for (int h = 0; h < count; h++) if (refs[h] == 0) n++;
        return n;
    }
}
