package ocelot.bgp.wire;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One path's attributes (RFC 4271 §5), immutable and with a cached hash: the RIB interns them,
 * so a million routes that arrived in the same UPDATEs share one instance (BIRD's rta cache).
 * Absent numeric attributes are -1; absent lists are null.
 */
public final class PathAttributes {
    public static final int ORIGIN_IGP = 0;
    public static final int ORIGIN_EGP = 1;
    public static final int ORIGIN_INCOMPLETE = 2;

    public static final PathAttributes EMPTY = new Builder().build();

    /** An attribute this speaker does not interpret, kept to pass on (RFC 4271 §5: optional transitive). */
    public record RawAttribute(int flags, int code, byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RawAttribute r && r.flags == flags && r.code == code && Arrays.equals(r.value, value);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(value);
        }
    }

    /** AGGREGATOR (RFC 4271 §5.1.7), the ASN already widened to 4 octets. */
    public record Aggregator(long asNumber, int address) {
    }

    final int origin;
    final AsPath asPath;
    final InetAddress nextHop;
    final long med;
    final long localPref;
    final boolean atomicAggregate;
    final Aggregator aggregator;
    final int[] communities;
    final int[] largeCommunities;
    /** RFC 4360: one long per 8-octet community, type high octet first. */
    final long[] extendedCommunities;
    /** RFC 5701: 20 octets per community (type 2, IPv6 address 16, local administrator 2). */
    final byte[] ipv6ExtendedCommunities;
    final long originatorId;
    final int[] clusterList;
    final InetAddress mpNextHop;
    final List<RawAttribute> unknown;
    private final int hash;

    private PathAttributes(Builder b) {
        origin = b.origin;
        asPath = b.asPath;
        nextHop = b.nextHop;
        med = b.med;
        localPref = b.localPref;
        atomicAggregate = b.atomicAggregate;
        aggregator = b.aggregator;
        communities = b.communities;
        largeCommunities = b.largeCommunities;
        extendedCommunities = b.extendedCommunities;
        ipv6ExtendedCommunities = b.ipv6ExtendedCommunities;
        originatorId = b.originatorId;
        clusterList = b.clusterList;
        mpNextHop = b.mpNextHop;
        unknown = List.copyOf(b.unknown);
        hash = Objects.hash(origin, asPath, nextHop, med, localPref, atomicAggregate, aggregator,
                Arrays.hashCode(communities), Arrays.hashCode(largeCommunities), Arrays.hashCode(extendedCommunities),
                Arrays.hashCode(ipv6ExtendedCommunities), originatorId,
                Arrays.hashCode(clusterList), mpNextHop, unknown);
    }

    public int origin() { return origin; }
    public AsPath asPath() { return asPath; }
    public InetAddress nextHop() { return nextHop; }
    public long med() { return med; }
    public long localPref() { return localPref; }
    public boolean atomicAggregate() { return atomicAggregate; }
    public Aggregator aggregator() { return aggregator; }
    public int[] communities() { return communities == null ? null : communities.clone(); }
    public int[] largeCommunities() { return largeCommunities == null ? null : largeCommunities.clone(); }
    public long[] extendedCommunities() { return extendedCommunities == null ? null : extendedCommunities.clone(); }
    public byte[] ipv6ExtendedCommunities() { return ipv6ExtendedCommunities == null ? null : ipv6ExtendedCommunities.clone(); }
    public boolean hasExtendedCommunities() { return extendedCommunities != null || ipv6ExtendedCommunities != null; }
    public long originatorId() { return originatorId; }
    public int[] clusterList() { return clusterList == null ? null : clusterList.clone(); }
    public int clusterListLength() { return clusterList == null ? 0 : clusterList.length; }
    public boolean clusterListContains(int id) {
        if (clusterList != null) for (int c : clusterList) if (c == id) return true;
        return false;
    }
    public InetAddress mpNextHop() { return mpNextHop; }
    public List<RawAttribute> unknown() { return unknown; }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.origin = origin;
        b.asPath = asPath;
        b.nextHop = nextHop;
        b.med = med;
        b.localPref = localPref;
        b.atomicAggregate = atomicAggregate;
        b.aggregator = aggregator;
        b.communities = communities;
        b.largeCommunities = largeCommunities;
        b.extendedCommunities = extendedCommunities;
        b.ipv6ExtendedCommunities = ipv6ExtendedCommunities;
        b.originatorId = originatorId;
        b.clusterList = clusterList;
        b.mpNextHop = mpNextHop;
        b.unknown = new ArrayList<>(unknown);
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        return o instanceof PathAttributes p && p.hash == hash && p.origin == origin && Objects.equals(p.asPath, asPath)
                && Objects.equals(p.nextHop, nextHop) && p.med == med && p.localPref == localPref
                && p.atomicAggregate == atomicAggregate && Objects.equals(p.aggregator, aggregator)
                && Arrays.equals(p.communities, communities) && Arrays.equals(p.largeCommunities, largeCommunities)
                && Arrays.equals(p.extendedCommunities, extendedCommunities)
                && Arrays.equals(p.ipv6ExtendedCommunities, ipv6ExtendedCommunities)
                && p.originatorId == originatorId && Arrays.equals(p.clusterList, clusterList)
                && Objects.equals(p.mpNextHop, mpNextHop) && p.unknown.equals(unknown);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        if (origin >= 0) sb.append("origin=").append(new String[]{"igp", "egp", "incomplete"}[origin]);
        if (asPath != null) sb.append(" as_path=[").append(asPath).append(']');
        if (nextHop != null) sb.append(" next_hop=").append(nextHop.getHostAddress());
        if (mpNextHop != null) sb.append(" mp_next_hop=").append(mpNextHop.getHostAddress());
        if (med >= 0) sb.append(" med=").append(med);
        if (localPref >= 0) sb.append(" local_pref=").append(localPref);
        if (atomicAggregate) sb.append(" atomic_aggregate");
        if (aggregator != null) sb.append(" aggregator=").append(aggregator.asNumber()).append(':').append(IpAddresses.ipv4(aggregator.address()));
        if (communities != null) {
            sb.append(" communities=");
            for (int c : communities) sb.append(c >>> 16).append(':').append(c & 0xffff).append(',');
        }
        if (largeCommunities != null) sb.append(" large_communities=").append(largeCommunities.length / 3);
        if (extendedCommunities != null) {
            sb.append(" extended_communities=");
            for (long c : extendedCommunities) sb.append(ExtendedCommunity.format(c)).append(',');
        }
        if (ipv6ExtendedCommunities != null) sb.append(" ipv6_extended_communities=").append(ipv6ExtendedCommunities.length / 20);
        if (originatorId >= 0) sb.append(" originator_id=").append(IpAddresses.ipv4((int) originatorId));
        if (clusterList != null) {
            sb.append(" cluster_list=");
            for (int c : clusterList) sb.append(IpAddresses.ipv4(c)).append(',');
        }
        for (RawAttribute r : unknown) sb.append(" attr").append(r.code()).append('/').append(r.value().length);
        return sb.append('}').toString();
    }

    public static final class Builder {
        int origin = -1;
        AsPath asPath;
        InetAddress nextHop;
        long med = -1;
        long localPref = -1;
        boolean atomicAggregate;
        Aggregator aggregator;
        int[] communities;
        int[] largeCommunities;
        long[] extendedCommunities;
        byte[] ipv6ExtendedCommunities;
        long originatorId = -1;
        int[] clusterList;
        InetAddress mpNextHop;
        List<RawAttribute> unknown = new ArrayList<>();
        // Decoding scratch (RFC 6793 §4.2.3): merged into asPath / aggregator by the decoder.
        AsPath as4Path;
        Aggregator as4Aggregator;

        public Builder origin(int v) { origin = v; return this; }
        public Builder asPath(AsPath v) { asPath = v; return this; }
        public Builder nextHop(InetAddress v) { nextHop = v; return this; }
        public Builder med(long v) { med = v; return this; }
        public Builder localPref(long v) { localPref = v; return this; }
        public Builder atomicAggregate(boolean v) { atomicAggregate = v; return this; }
        public Builder aggregator(Aggregator v) { aggregator = v; return this; }
        public Builder communities(int... v) { communities = v == null ? null : v.clone(); return this; }
        public Builder largeCommunities(int... v) { largeCommunities = v == null ? null : v.clone(); return this; }
        public Builder extendedCommunities(long... v) { extendedCommunities = v == null || v.length == 0 ? null : v.clone(); return this; }
        /** 20 octets per community (RFC 5701 §2); null or empty for none. */
        public Builder ipv6ExtendedCommunities(byte[] v) {
            if (v != null && v.length % 20 != 0) throw new IllegalArgumentException("IPv6 extended communities: " + v.length + " octets, not a multiple of 20");
            ipv6ExtendedCommunities = v == null || v.length == 0 ? null : v.clone();
            return this;
        }
        public Builder originatorId(long v) { originatorId = v; return this; }
        public Builder clusterList(int... v) { clusterList = v == null ? null : v.clone(); return this; }
        public Builder mpNextHop(InetAddress v) { mpNextHop = v; return this; }
        public Builder unknown(List<RawAttribute> v) { unknown = new ArrayList<>(v); return this; }
        public Builder addUnknown(RawAttribute v) { unknown.add(v); return this; }

        /** RFC 4456 §8: the reflector prepends its cluster id. */
        public Builder prependCluster(int clusterId) {
            int[] old = clusterList == null ? new int[0] : clusterList;
            int[] n = new int[old.length + 1];
            n[0] = clusterId;
            System.arraycopy(old, 0, n, 1, old.length);
            clusterList = n;
            return this;
        }

        public PathAttributes build() {
            return new PathAttributes(this);
        }
    }
}
