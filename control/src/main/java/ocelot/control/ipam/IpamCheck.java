package ocelot.control.ipam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.Resource;
import ocelot.control.resource.WorkloadEndpoint;

/**
 * {@code ocelotctl ipam check}: cross-checks blocks, affinities, handles, pools and workload
 * endpoints, like {@code calicoctl ipam check}. Leaks are addresses held for an owner that no
 * longer exists (a handle whose workload endpoint is gone, an allocation without a handle
 * record); inconsistencies are records that disagree with each other.
 */
public record IpamCheck(int blocks, int allocated, int handles, List<String> leaks, List<String> inconsistencies) {

    public boolean clean() {
        return leaks.isEmpty() && inconsistencies.isEmpty();
    }

    static IpamCheck run(Datastore store, ResourceStore resources) {
        List<String> leaks = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        List<Cidr> pools = resources.list(Kind.IP_POOL, r -> true).stream().map(r -> ((IpPool) r).cidr()).toList();

        Map<String, IpamHandle> handles = new HashMap<>();
        for (KeyValue kv : store.list(BlockAffinityIpam.HANDLES).items()) {
            IpamHandle h = IpamJson.handle(kv.key(), kv.value());
            handles.put(h.handleId(), h);
        }
        Set<String> affinityKeys = new HashSet<>();
        for (KeyValue kv : store.list(BlockAffinityIpam.AFFINITIES).items()) affinityKeys.add(kv.key());

        Map<String, Map<String, Integer>> counted = new HashMap<>();
        List<AllocationBlock> blocks = new ArrayList<>();
        int allocated = 0;
        for (KeyValue kv : store.list(BlockAffinityIpam.BLOCKS).items()) {
            AllocationBlock b = IpamJson.block(kv.key(), kv.value());
            blocks.add(b);
            if (pools.stream().noneMatch(p -> p.contains(b.cidr()))) {
                bad.add("block " + b.cidr() + " is not inside any IP pool");
            }
            if (b.affinity() != null && !affinityKeys.remove(BlockAffinityIpam.affinityKey(b.affinity(), b.cidr()))) {
                bad.add("block " + b.cidr() + " is affine to " + b.affinity() + " but that node has no affinity record for it");
            }
            for (int i = 0; i < b.allocations().size(); i++) {
                String handle = b.allocations().get(i);
                if (handle == null) continue;
                allocated++;
                if (!handles.containsKey(handle)) {
                    leaks.add("IP " + b.address(i) + " is allocated to handle " + handle + ", which has no handle record");
                }
                counted.computeIfAbsent(handle, k -> new HashMap<>()).merge(b.cidr().toString(), 1, Integer::sum);
            }
        }
        for (String orphan : affinityKeys) bad.add("affinity " + orphan + " points at no block");
        // Sorted by address, overlapping prefixes are neighbours.
        List<Cidr> sorted = blocks.stream().map(AllocationBlock::cidr).sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).overlaps(sorted.get(i))) {
                bad.add("blocks " + sorted.get(i - 1) + " and " + sorted.get(i) + " overlap");
            }
        }

        Map<String, WorkloadEndpoint> endpoints = new HashMap<>();
        Set<IpAddress> inUse = new HashSet<>();
        for (Resource r : resources.list(Kind.WORKLOAD_ENDPOINT, x -> true)) {
            WorkloadEndpoint w = (WorkloadEndpoint) r;
            endpoints.put(String.join("/", w.node(), w.orchestrator(), w.workload(), w.name()), w);
            if (w.ipNetworks() != null) w.ipNetworks().forEach(c -> inUse.add(c.address()));
        }
        for (IpamHandle h : handles.values()) {
            Map<String, Integer> actual = counted.getOrDefault(h.handleId(), Map.of());
            if (!actual.equals(h.blocks())) {
                bad.add("handle " + h.handleId() + " records " + h.blocks() + " but the blocks hold " + actual);
            }
            String owner = h.attributes().get(IpamHandle.WORKLOAD_ENDPOINT);
            if (owner != null && !endpoints.containsKey(owner)) {
                leaks.add("handle " + h.handleId() + " holds " + h.total() + " address(es) for workload endpoint "
                        + owner + ", which does not exist");
            }
        }
        // Addresses an endpoint uses inside a pool must be allocated, or IPAM may hand them out again.
        Set<IpAddress> allocatedIps = new HashSet<>();
        for (AllocationBlock b : blocks) {
            for (int i = 0; i < b.allocations().size(); i++) if (b.allocations().get(i) != null) allocatedIps.add(b.address(i));
        }
        for (IpAddress ip : inUse) {
            if (pools.stream().anyMatch(p -> p.contains(ip)) && !allocatedIps.contains(ip)) {
                bad.add("IP " + ip + " is used by a workload endpoint but not allocated in IPAM");
            }
        }
        leaks.sort(null);
        bad.sort(null);
        return new IpamCheck(blocks.size(), allocated, handles.size(), List.copyOf(leaks), List.copyOf(bad));
    }
}
