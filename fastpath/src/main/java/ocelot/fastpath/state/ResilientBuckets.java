package ocelot.fastpath.state;

/**
 * Resilient ECMP: a group's flows are spread over {@link #BUCKETS} buckets (flow hash &amp;
 * {@link #MASK}) and each bucket is owned by one member, chosen by rendezvous hashing (Thaler and
 * Ravishankar, "Using name-based mappings to increase hit rates", IEEE/ACM ToN 1998): the member
 * whose key scores highest for that bucket. A member leaving frees only its own buckets, each to
 * the survivor that scored next highest there; a member joining takes only the buckets where it
 * now scores highest (about 1/(N+1) of them, from every member alike). Flows of untouched buckets
 * keep their path, unlike {@code hash % members}, where going from 4 to 3 members moves 3/4 of the
 * flows (hash mod 4 and mod 3 agree on a quarter).
 *
 * <p>The table depends on the member set alone (no history), so every snapshot, every worker and
 * a restarted node compute the same one; Linux's resilient nexthop groups keep bucket state
 * instead. Members are identified by keys of what they resolve to (gateway, port, tunnel), never
 * by hop indices, which change when a snapshot rebuilds its hop table.
 */
public final class ResilientBuckets {
    /** Buckets per group: a power of two, at least 8 per member at the maximum of 64 members. */
    public static final int BUCKETS = 512;
    public static final int MASK = BUCKETS - 1;

    private ResilientBuckets() {
    }

    /** For each bucket, the index into {@code memberKeys} of the member owning it. */
    public static int[] owners(long[] memberKeys) {
        if (memberKeys.length == 0) throw new IllegalArgumentException("resilient ECMP group without members");
        int[] owner = new int[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
            long best = Long.MIN_VALUE;
            int bestMember = 0;
            for (int m = 0; m < memberKeys.length; m++) {
                long score = mix(memberKeys[m] ^ (b + 1) * 0x9E3779B97F4A7C15L);
                // a tie (the same member listed twice) stays with the first listed
                if (m == 0 || score > best) {
                    best = score;
                    bestMember = m;
                }
            }
            owner[b] = bestMember;
        }
        return owner;
    }

    /** An IPv4 member's key: the hop it resolved to (neighbour to send to, port slot, IPIP tunnel peer or 0). */
    public static long key(int neighbour, int portSlot, int tunnel) {
        return mix(((long) neighbour << 32) ^ ((long) tunnel * 0x9E3779B97F4A7C15L) ^ portSlot);
    }

    /** An IPv6 member's key. */
    public static long key(long addressHi, long addressLo, String port) {
        return mix(mix(addressHi) ^ addressLo ^ ((long) port.hashCode() << 17));
    }

    /** SplitMix64's finalizer (Steele et al., OOPSLA 2014): every input bit reaches every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
