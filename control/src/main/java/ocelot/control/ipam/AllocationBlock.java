package ocelot.control.ipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;

/**
 * One IPAM block (Calico's {@code AllocationBlock}): a /26 (or the pool's block size) with the
 * node it is affine to and, per address ordinal, the handle holding it or null.
 */
public record AllocationBlock(Cidr cidr, String affinity, List<String> allocations) {
    public AllocationBlock {
        allocations = java.util.Collections.unmodifiableList(new ArrayList<>(allocations));
        if (BigInteger.valueOf(allocations.size()).compareTo(cidr.size()) != 0) {
            throw new IllegalArgumentException("block " + cidr + " needs " + cidr.size() + " allocation slots, has " + allocations.size());
        }
    }

    /** Reads a block as stored under {@code key}; a damaged value is an error naming the key. */
    public static AllocationBlock fromStored(String key, String json) {
        return IpamJson.block(key, json);
    }

    public static AllocationBlock empty(Cidr cidr, String affinity) {
        int n = cidr.size().intValueExact();
        List<String> slots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) slots.add(null);
        return new AllocationBlock(cidr, affinity, slots);
    }

    public int firstFree() {
        return allocations.indexOf(null);
    }

    public int freeCount() {
        int n = 0;
        for (String h : allocations) if (h == null) n++;
        return n;
    }

    public IpAddress address(int ordinal) {
        return cidr.network().plus(ordinal);
    }

    public int ordinal(IpAddress ip) {
        return ip.value().subtract(cidr.network().value()).intValueExact();
    }

    public AllocationBlock with(int ordinal, String handle) {
        List<String> next = new ArrayList<>(allocations);
        next.set(ordinal, handle);
        return new AllocationBlock(cidr, affinity, next);
    }
}
