package ocelot.control.ipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import ocelot.control.datastore.ConflictException;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.Mutation;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.ResourceKey;

/**
 * IP address management as Calico does it (libcalico-go ipam.go): pools are cut into blocks,
 * each block is claimed by (affine to) one node, and a node assigns from its own blocks, claims
 * a new block when they are full, and borrows from other nodes' blocks only when no block is
 * left in any enabled pool. Every change is a compare-and-swap commit on the block's
 * modRevision together with the handle record, so concurrent assigners in any number of
 * processes never hand out one address twice, and a crash between steps cannot leak one.
 *
 * <pre>
 *   /ocelot/v1/ipam/block/10.1.0.0-26            {"cidr","affinity":"host:NODE","allocations":[handle|null,...]}
 *   /ocelot/v1/ipam/affinity/NODE/10.1.0.0-26    {"state":"confirmed"}
 *   /ocelot/v1/ipam/handle/HANDLE                {"handleID","block":{"10.1.0.0/26":n},"attributes":{...}}
 * </pre>
 */
public final class BlockAffinityIpam {
    public static final String ROOT = ResourceKey.ROOT + "ipam/";
    static final String BLOCKS = ROOT + "block/";
    static final String AFFINITIES = ROOT + "affinity/";
    static final String HANDLES = ROOT + "handle/";
    /** Attempts before giving up under contention; each attempt re-reads what it lost to. */
    private static final int MAX_ATTEMPTS = 200;

    private final Datastore store;
    private final ResourceStore resources;
    /** Per node, the block key that last had room: only a hint, every use re-reads the block. */
    private final java.util.concurrent.ConcurrentHashMap<String, String> blockHints = new java.util.concurrent.ConcurrentHashMap<>();

    public BlockAffinityIpam(Datastore store) {
        this.store = store;
        this.resources = new ResourceStore(store);
    }

    static String blockKey(Cidr block) {
        return BLOCKS + block.toString().replace('/', '-');
    }

    static String affinityKey(String node, Cidr block) {
        return AFFINITIES + node + "/" + block.toString().replace('/', '-');
    }

    static String handleKey(String handleId) {
        return HANDLES + handleId;
    }

    /** What an assignment is for: the node it runs on, a handle naming the holder, its attributes. */
    public record AssignRequest(String node, String handleId, int ipVersion, Map<String, String> attributes) {
        public AssignRequest {
            if (node == null || node.isEmpty() || node.contains("/")) throw new IllegalArgumentException("invalid node name '" + node + "'");
            if (handleId == null || handleId.isEmpty() || handleId.contains("/")) {
                throw new IllegalArgumentException("invalid IPAM handle '" + handleId + "' (no '/' allowed)");
            }
            if (ipVersion != 4 && ipVersion != 6) throw new IllegalArgumentException("ipVersion must be 4 or 6");
            attributes = Map.copyOf(attributes);
        }
    }

    List<IpPool> enabledPools(int version) {
        return resources.list(Kind.IP_POOL, r -> true).stream().map(IpPool.class::cast)
                .filter(p -> p.cidr().version() == version && !p.isDisabled()).toList();
    }

    /** An assigned address and the store revision at which the assignment was committed. */
    public record Assignment(IpAddress address, long revision) {}

    public Assignment assign(AssignRequest req) {
        return assign(req, List.of());
    }

    /**
     * Assigns from the listed pools only (a CNI netconf's {@code ipv4_pools}), or from every
     * enabled pool of the version when the list is empty; a listed pool must exist and be enabled.
     */
    public Assignment assign(AssignRequest req, List<Cidr> fromPools) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<IpPool> pools = poolsToAssignFrom(req.ipVersion(), fromPools);
            try {
                Optional<Assignment> ip = fromAffineBlocks(req, pools);
                if (ip.isEmpty()) ip = claimNewBlock(req, pools);
                if (ip.isEmpty()) ip = borrow(req, pools);
                if (ip.isPresent()) return ip.get();
                throw new IpamException("the enabled IPv" + req.ipVersion() + " pools are exhausted: no free address for node " + req.node());
            } catch (ConflictException lostRace) {
                // Another assigner changed a block or handle first: re-read and try again.
            }
        }
        throw new IpamException("gave up after " + MAX_ATTEMPTS + " attempts: too much contention assigning for node " + req.node());
    }

    private List<IpPool> poolsToAssignFrom(int version, List<Cidr> fromPools) {
        List<IpPool> enabled = enabledPools(version);
        if (fromPools.isEmpty()) {
            if (enabled.isEmpty()) throw new IpamException("no enabled IPv" + version + " pool to assign from");
            return enabled;
        }
        List<IpPool> chosen = new ArrayList<>();
        for (Cidr wanted : fromPools) {
            if (wanted.version() != version) throw new IpamException("pool " + wanted + " is not an IPv" + version + " pool");
            IpPool pool = enabled.stream().filter(p -> p.cidr().equals(wanted.masked())).findFirst()
                    .orElseThrow(() -> new IpamException("pool " + wanted + " does not exist or is disabled"));
            chosen.add(pool);
        }
        return chosen;
    }

    /**
     * Assigns one given address (calico-ipam's {@code assign --ip}). The address must lie in an
     * enabled pool; a block nobody has claimed yet is claimed for the requesting node, as
     * libcalico-go's AssignIP does. Throws when the address is already assigned.
     */
    public Assignment assign(IpAddress ip, AssignRequest req) {
        if (ip.version() != req.ipVersion()) throw new IpamException("IP " + ip + " is not an IPv" + req.ipVersion() + " address");
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            IpPool pool = enabledPools(ip.version()).stream().filter(p -> p.cidr().contains(ip)).findFirst()
                    .orElseThrow(() -> new IpamException("IP " + ip + " is not in any enabled IP pool"));
            Cidr cidr = new Cidr(ip, pool.effectiveBlockSize()).masked();
            try {
                Optional<KeyValue> kv = store.get(blockKey(cidr));
                if (kv.isEmpty()) {
                    AllocationBlock block = AllocationBlock.empty(cidr, req.node());
                    block = block.with(block.ordinal(ip), req.handleId());
                    long rev = store.commit(List.of(
                            new Mutation.Create(blockKey(cidr), IpamJson.block(block)),
                            new Mutation.Create(affinityKey(req.node(), cidr), "{\"state\":\"confirmed\"}"),
                            handleMutation(req, cidr, 1)));
                    return new Assignment(ip, rev);
                }
                AllocationBlock block = IpamJson.block(kv.get().key(), kv.get().value());
                String holder = block.allocations().get(block.ordinal(ip));
                if (holder != null) throw new IpamException("IP " + ip + " is already assigned (handle " + holder + ")");
                return take(req, kv.get(), block, block.ordinal(ip));
            } catch (ConflictException lostRace) {
                // Another assigner changed the block or handle first: re-read and try again.
            }
        }
        throw new IpamException("gave up after " + MAX_ATTEMPTS + " attempts: too much contention assigning " + ip);
    }

    private Optional<Assignment> fromAffineBlocks(AssignRequest req, List<IpPool> pools) {
        List<String> blockKeys = new ArrayList<>();
        for (KeyValue aff : store.list(AFFINITIES + req.node() + "/").items()) {
            blockKeys.add(BLOCKS + aff.key().substring(aff.key().lastIndexOf('/') + 1));
        }
        // Try the block that had room last time first: one read instead of one per affine block
        // (measured: 20 reads per assignment at 20 blocks per node without it).
        String hint = blockHints.get(req.node());
        if (hint != null && blockKeys.remove(hint)) blockKeys.addFirst(hint);
        for (String key : blockKeys) {
            Optional<KeyValue> blockKv = store.get(key);
            if (blockKv.isEmpty()) continue;
            AllocationBlock block = IpamJson.block(blockKv.get().key(), blockKv.get().value());
            if (pools.stream().noneMatch(p -> p.cidr().contains(block.cidr()))) continue;
            int free = block.firstFree();
            if (free >= 0) {
                blockHints.put(req.node(), key);
                return Optional.of(take(req, blockKv.get(), block, free));
            }
        }
        return Optional.empty();
    }

    private Optional<Assignment> claimNewBlock(AssignRequest req, List<IpPool> pools) {
        Set<String> existing = new HashSet<>();
        for (KeyValue kv : store.list(BLOCKS).items()) existing.add(kv.key());
        for (IpPool pool : pools) {
            int blockBits = pool.effectiveBlockSize();
            BigInteger count = BigInteger.ONE.shiftLeft(blockBits - pool.cidr().prefixLength());
            BigInteger step = BigInteger.ONE.shiftLeft(pool.cidr().address().bits() - blockBits);
            // The first missing block is found within |existing|+1 steps, even in an IPv6 /64.
            BigInteger limit = count.min(BigInteger.valueOf(existing.size() + 1L));
            for (BigInteger i = BigInteger.ZERO; i.compareTo(limit) < 0; i = i.add(BigInteger.ONE)) {
                IpAddress base = new IpAddress(pool.cidr().version(), pool.cidr().network().value().add(i.multiply(step)));
                Cidr cidr = new Cidr(base, blockBits);
                if (existing.contains(blockKey(cidr))) continue;
                AllocationBlock block = AllocationBlock.empty(cidr, req.node()).with(0, req.handleId());
                List<Mutation> ops = new ArrayList<>();
                ops.add(new Mutation.Create(blockKey(cidr), IpamJson.block(block)));
                ops.add(new Mutation.Create(affinityKey(req.node(), cidr), "{\"state\":\"confirmed\"}"));
                ops.add(handleMutation(req, cidr, 1));
                long rev = store.commit(ops);
                blockHints.put(req.node(), blockKey(cidr));
                return Optional.of(new Assignment(block.address(0), rev));
            }
        }
        return Optional.empty();
    }

    private Optional<Assignment> borrow(AssignRequest req, List<IpPool> pools) {
        for (KeyValue kv : store.list(BLOCKS).items()) {
            AllocationBlock block = IpamJson.block(kv.key(), kv.value());
            if (pools.stream().noneMatch(p -> p.cidr().contains(block.cidr()))) continue;
            int free = block.firstFree();
            if (free >= 0) return Optional.of(take(req, kv, block, free));
        }
        return Optional.empty();
    }

    private Assignment take(AssignRequest req, KeyValue blockKv, AllocationBlock block, int ordinal) {
        long rev = store.commit(List.of(
                new Mutation.Update(blockKv.key(), IpamJson.block(block.with(ordinal, req.handleId())), blockKv.modRevision()),
                handleMutation(req, block.cidr(), 1)));
        return new Assignment(block.address(ordinal), rev);
    }

    private Mutation handleMutation(AssignRequest req, Cidr block, int delta) {
        String key = handleKey(req.handleId());
        Optional<KeyValue> kv = store.get(key);
        if (kv.isEmpty()) {
            return new Mutation.Create(key, IpamJson.handle(new IpamHandle(req.handleId(), Map.of(block.toString(), delta),
                    req.attributes())));
        }
        IpamHandle h = IpamJson.handle(kv.get().key(), kv.get().value());
        return new Mutation.Update(key, IpamJson.handle(h.plus(block.toString(), delta)), kv.get().modRevision());
    }

    /** The block of the pool that contains {@code ip}, or empty when no pool contains it. */
    Optional<Cidr> blockOf(IpAddress ip) {
        for (var r : resources.list(Kind.IP_POOL, x -> true)) {
            IpPool p = (IpPool) r;
            if (p.cidr().contains(ip)) return Optional.of(new Cidr(ip, p.effectiveBlockSize()).masked());
        }
        // A pool may have been deleted while its blocks remain: find the block by scanning.
        for (KeyValue kv : store.list(BLOCKS).items()) {
            AllocationBlock b = IpamJson.block(kv.key(), kv.value());
            if (b.cidr().contains(ip)) return Optional.of(b.cidr());
        }
        return Optional.empty();
    }

    /** Releases one address and returns the commit's revision; throws when it is not assigned. */
    public long release(IpAddress ip) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Cidr cidr = blockOf(ip).orElseThrow(() -> new IpamException("IP " + ip + " is not in any IP pool or IPAM block"));
            KeyValue kv = store.get(blockKey(cidr)).orElseThrow(() -> new IpamException("IP " + ip + " is not assigned"));
            AllocationBlock block = IpamJson.block(kv.key(), kv.value());
            int ordinal = block.ordinal(ip);
            String handle = block.allocations().get(ordinal);
            if (handle == null) throw new IpamException("IP " + ip + " is not assigned");
            List<Mutation> ops = new ArrayList<>();
            ops.add(new Mutation.Update(kv.key(), IpamJson.block(block.with(ordinal, null)), kv.modRevision()));
            store.get(handleKey(handle)).ifPresent(h -> {
                IpamHandle next = IpamJson.handle(h.key(), h.value()).plus(cidr.toString(), -1);
                ops.add(next.total() == 0 ? new Mutation.Delete(h.key(), h.modRevision())
                        : new Mutation.Update(h.key(), IpamJson.handle(next), h.modRevision()));
            });
            try {
                return store.commit(ops);
            } catch (ConflictException lostRace) {
                // re-read and retry
            }
        }
        throw new IpamException("gave up releasing " + ip + " after " + MAX_ATTEMPTS + " attempts");
    }

    /** Releases every address a handle holds; returns how many. */
    public int releaseByHandle(String handleId) {
        Optional<KeyValue> h = store.get(handleKey(handleId));
        if (h.isEmpty()) return 0;
        int released = 0;
        for (String blockCidr : IpamJson.handle(h.get().key(), h.get().value()).blocks().keySet()) {
            Optional<KeyValue> kv = store.get(blockKey(Cidr.parse(blockCidr)));
            if (kv.isEmpty()) continue;
            AllocationBlock b = IpamJson.block(kv.get().key(), kv.get().value());
            for (int i = 0; i < b.allocations().size(); i++) {
                if (handleId.equals(b.allocations().get(i))) {
                    release(b.address(i));
                    released++;
                }
            }
        }
        return released;
    }

    /** What {@code ocelotctl ipam show --ip} prints. */
    public record AddressInfo(IpAddress ip, Cidr block, String affinity, String handleId, Map<String, String> attributes) {
        public boolean assigned() {
            return handleId != null;
        }
    }

    public AddressInfo show(IpAddress ip) {
        Optional<Cidr> cidr = blockOf(ip);
        if (cidr.isEmpty()) throw new IpamException("IP " + ip + " is not in any IP pool");
        Optional<KeyValue> kv = store.get(blockKey(cidr.get()));
        if (kv.isEmpty()) return new AddressInfo(ip, cidr.get(), null, null, Map.of());
        AllocationBlock b = IpamJson.block(kv.get().key(), kv.get().value());
        String handle = b.allocations().get(b.ordinal(ip));
        Map<String, String> attrs = handle == null ? Map.of()
                : store.get(handleKey(handle)).map(h -> IpamJson.handle(h.key(), h.value()).attributes()).orElse(Map.of());
        return new AddressInfo(ip, b.cidr(), b.affinity(), handle, attrs);
    }

    /** Every address currently assigned, with its handle. */
    public Map<IpAddress, String> assignments() {
        Map<IpAddress, String> out = new java.util.TreeMap<>();
        for (KeyValue kv : store.list(BLOCKS).items()) {
            AllocationBlock b = IpamJson.block(kv.key(), kv.value());
            for (int i = 0; i < b.allocations().size(); i++) {
                if (b.allocations().get(i) != null) out.put(b.address(i), b.allocations().get(i));
            }
        }
        return out;
    }

    public IpamCheck check() {
        return IpamCheck.run(store, resources);
    }

    /**
     * Makes sure {@code node} holds a block of an enabled IPv{@code version} pool, claiming the
     * first free one (block and affinity in one commit, no address assigned) when it holds none:
     * what calico/node does at start, so the block is announced over BGP before any workload
     * needs it. Returns the block held or claimed, or empty when every block is taken.
     */
    public Optional<Cidr> claimAffineBlock(String node, int version) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<IpPool> pools = enabledPools(version);
            if (pools.isEmpty()) return Optional.empty();
            for (KeyValue aff : store.list(AFFINITIES + node + "/").items()) {
                Cidr held = Cidr.parse(aff.key().substring(aff.key().lastIndexOf('/') + 1).replace('-', '/'));
                if (held.version() == version && pools.stream().anyMatch(p -> p.cidr().contains(held))) return Optional.of(held);
            }
            Set<String> existing = new HashSet<>();
            for (KeyValue kv : store.list(BLOCKS).items()) existing.add(kv.key());
            try {
                for (IpPool pool : pools) {
                    int blockBits = pool.effectiveBlockSize();
                    BigInteger count = BigInteger.ONE.shiftLeft(blockBits - pool.cidr().prefixLength());
                    BigInteger step = BigInteger.ONE.shiftLeft(pool.cidr().address().bits() - blockBits);
                    BigInteger limit = count.min(BigInteger.valueOf(existing.size() + 1L));
                    for (BigInteger i = BigInteger.ZERO; i.compareTo(limit) < 0; i = i.add(BigInteger.ONE)) {
                        Cidr cidr = new Cidr(new IpAddress(version, pool.cidr().network().value().add(i.multiply(step))), blockBits);
                        if (existing.contains(blockKey(cidr))) continue;
                        store.commit(List.of(new Mutation.Create(blockKey(cidr), IpamJson.block(AllocationBlock.empty(cidr, node))),
                                new Mutation.Create(affinityKey(node, cidr), "{\"state\":\"confirmed\"}")));
                        return Optional.of(cidr);
                    }
                }
                return Optional.empty();
            } catch (ConflictException lostRace) {
                // another node claimed that block first: re-read and try the next
            }
        }
        throw new IpamException("gave up after " + MAX_ATTEMPTS + " attempts: too much contention claiming a block for node " + node);
    }
}
