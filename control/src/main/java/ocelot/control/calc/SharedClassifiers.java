package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import ocelot.acl.Classifier;
import ocelot.control.policy.Direction;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;

/**
 * The acl/ classifiers of every local endpoint of a {@link DataplaneModel}, kept up to date as
 * updates are applied, with one compiled classifier per distinct {@link StageKey}: endpoints
 * whose policies, profiles and own IP set bindings are the same share it (Felix and VPP share
 * per-policy rules the same way). 10k endpoints selected by ~1k distinct policy lists compile
 * ~1k classifiers, not 20k.
 *
 * <p>A change rebuilds only what reads it: a policy or profile update drops the stages that
 * name it (their users rebuild them). An address IP set change is only an {@link IpSets} table
 * update: the stages name sets by id and look members up as they classify, so labels and
 * endpoints come and go without any classifier work (Calico's ipsets). A named-port set change
 * (the one set kind still expanded) patches the stages that read it on the peer side in place
 * and re-keys the endpoints whose own bindings it may change. Not thread-safe: one thread
 * applies updates (classifying threads read the classifiers' snapshots, which acl/ publishes
 * safely, and the IP set table, which is single-writer, lock-free for readers).
 */
public final class SharedClassifiers {
    private final DataplaneModel dataplane;
    private final IpSets ipSets;
    private final RuleSlots slots;
    private final Map<StageKey, Stage> stages = new HashMap<>();
    private final Map<String, Set<StageKey>> byPolicy = new HashMap<>();
    private final Map<String, Set<StageKey>> byProfile = new HashMap<>();
    private final Map<IpSetKey, Set<StageKey>> byPeerSet = new HashMap<>();
    private final Map<IpSetKey, Set<StageKey>> byOwnSet = new HashMap<>();
    private final Map<EndpointKey, List<StageKey>> endpointStages = new HashMap<>();
    private final Map<EndpointKey, EndpointClassifier[]> classifiers = new HashMap<>();
    private final Map<IpAddress, Set<EndpointKey>> endpointsByAddress = new HashMap<>();
    /** Named-port set members by address, so an endpoint's binding is a lookup, not a scan. */
    private final Map<IpSetKey, Map<IpAddress, Set<IpSetMember>>> namedPortIndex = new HashMap<>();
    /** Own-side named-port sets per compiled policy/profile object and policy list; cleared on change. */
    private final StageKey.OwnSetsCache ownSetsCache = new StageKey.OwnSetsCache();
    private long builds;
    private long patches;

    /** One compiled stage, the named-port sets it expanded on the peer side, and the endpoints using it. */
    private static final class Stage {
        final Classifier classifier;
        final Set<IpSetKey> peerSets;
        final Set<EndpointKey> users = new HashSet<>();
        List<ocelot.acl.Rule> rules;

        Stage(List<ocelot.acl.Rule> rules, Set<IpSetKey> peerSets, IpSets ipSets) {
            this.classifier = Classifier.compile(rules, ipSets.table());
            this.rules = rules;
            this.peerSets = peerSets;
        }

        Classifier classifier() {
            return classifier;
        }

        Set<IpSetKey> peerSets() {
            return peerSets;
        }

        Set<EndpointKey> users() {
            return users;
        }
    }

    /** Beyond this many rule insertions and removals a stage is recompiled instead of patched. */
    private static final int MAX_PATCH = 256;

    /** Compiles the classifiers of every endpoint {@code dataplane} already holds, with rule slots of its own. */
    public SharedClassifiers(DataplaneModel dataplane) {
        this(dataplane, new RuleSlots(1 << 24));
    }

    /** As {@link #SharedClassifiers(DataplaneModel)}, numbering rules with the node's {@code slots} (kept across rebuilds). */
    public SharedClassifiers(DataplaneModel dataplane, RuleSlots slots) {
        this.dataplane = dataplane;
        this.ipSets = IpSets.of(dataplane);
        this.slots = slots;
        dataplane.endpoints().forEach(this::refresh);
        slots.publish();
    }

    /** Applies {@code updates} to the dataplane, then rebuilds what they touch. */
    public void apply(List<DataplaneUpdate> updates) {
        apply(updates, true);
    }

    /**
     * {@code retireNow} false keeps the IP sets removed by {@code updates} (members and id) until
     * {@link #retireRemovedSets()}: a dataplane still running the classifiers of the previous
     * state reads them until the state without them is published, and a set emptied under those
     * classifiers would turn its rules' matches into misses (a deny from a set passing).
     */
    public void apply(List<DataplaneUpdate> updates, boolean retireNow) {
        Set<EndpointKey> dirty = new LinkedHashSet<>();
        Set<StageKey> stale = new HashSet<>();
        Set<StageKey> patch = new LinkedHashSet<>();
        for (DataplaneUpdate update : updates) {
            // The dataplane replaces (or drops) a set's member collection, so this view keeps the old members.
            Set<IpSetMember> before = switch (update) {
                case DataplaneUpdate.IpSetReplace r -> dataplane.ipSetIfPresent(r.key());
                case DataplaneUpdate.IpSetRemove r -> dataplane.ipSetIfPresent(r.key());
                default -> null;
            };
            dataplane.apply(update);
            ipSets.apply(update, before);
            switch (update) {
                case DataplaneUpdate.EndpointUpdate u -> dirty.add(u.key());
                case DataplaneUpdate.EndpointRemove u -> dirty.add(u.key());
                case DataplaneUpdate.PolicyUpdate u -> {
                    slots.retire(true, u.name(), u.rules());
                    stale.addAll(byPolicy.getOrDefault(u.name(), Set.of()));
                    ownSetsCache.clear(); // old objects would only leak; refilled in one pass
                }
                case DataplaneUpdate.ProfileUpdate u -> {
                    slots.retire(false, u.id(), u.rules());
                    stale.addAll(byProfile.getOrDefault(u.id(), Set.of()));
                    ownSetsCache.clear();
                }
                case DataplaneUpdate.IpSetReplace u -> {
                    namedPortIndex.remove(u.key());
                    patch.addAll(byPeerSet.getOrDefault(u.key(), Set.of()));
                    for (StageKey k : byOwnSet.getOrDefault(u.key(), Set.of())) {
                        dirty.addAll(stages.get(k).users());
                    }
                }
                case DataplaneUpdate.IpSetDelta u -> {
                    indexDelta(u);
                    patch.addAll(byPeerSet.getOrDefault(u.key(), Set.of()));
                    if (byOwnSet.containsKey(u.key())) {
                        // Only endpoints owning a changed member can bind differently.
                        for (Set<IpSetMember> members : List.of(u.added(), u.removed())) {
                            members.forEach(m -> dirty.addAll(endpointsByAddress.getOrDefault(m.address(), Set.of())));
                        }
                    }
                }
                case DataplaneUpdate.IpSetRemove u -> namedPortIndex.remove(u.key());
                case DataplaneUpdate.PolicyRemove u -> slots.retire(true, u.name(), null);
                case DataplaneUpdate.ProfileRemove u -> slots.retire(false, u.id(), null);
            }
        }
        for (StageKey key : stale) {
            Stage stage = stages.get(key);
            if (stage != null) {
                dirty.addAll(stage.users());
                forget(key); // its users re-reference (and so rebuild) it below
            }
        }
        dirty.forEach(this::refresh);
        // A peer-side set change leaves the key valid (its users keep it): the stage is lowered
        // again and only the acl rules that differ are removed and inserted, acl/'s incremental
        // update, since a set delta moves a few of thousands of rules.
        for (StageKey key : patch) {
            if (!stale.contains(key) && stages.containsKey(key)) { // after refresh: a released stage may read a removed policy
                patch(key);
            }
        }
        if (retireNow) ipSets.retireRemoved(); // no stage names a removed set any more
        slots.publish();
    }

    /** Deletes the IP sets removed since the last call: call once no state in force reads them. */
    public void retireRemovedSets() {
        ipSets.retireRemoved();
    }

    /** The hit-counter slots the stages' rules carry as acl user ids. */
    public RuleSlots ruleSlots() {
        return slots;
    }

    /** The IP set table every classifier here reads (fastpath keeps it with the classifiers). */
    public IpSets ipSets() {
        return ipSets;
    }

    /** The classifier of a local endpoint; stages are shared with endpoints of equal inputs. */
    public EndpointClassifier classifier(EndpointKey key, Direction direction) {
        EndpointClassifier[] both = classifiers.get(key);
        if (both == null) {
            throw new IllegalArgumentException("no local endpoint " + key);
        }
        return both[direction.ordinal()];
    }

    /** Distinct compiled stages held (what sharing saves: compare with 2 x endpoints x stages). */
    public int distinctStages() {
        return stages.size();
    }

    /** Stages patched in place (acl rule removes and inserts) since construction. */
    public long patches() {
        return patches;
    }

    /** Classifiers compiled since construction (a counter for tests and the benchmark). */
    public long builds() {
        return builds;
    }

    private void refresh(EndpointKey key) {
        List<StageKey> old = endpointStages.remove(key);
        EndpointClassifier[] previous = classifiers.remove(key);
        if (previous != null) {
            for (IpAddress a : previous[0].addresses()) {
                Set<EndpointKey> at = endpointsByAddress.get(a);
                if (at != null && at.remove(key) && at.isEmpty()) {
                    endpointsByAddress.remove(a);
                }
            }
        }
        DataplaneUpdate.EndpointUpdate endpoint = dataplane.endpoint(key);
        if (endpoint != null) {
            List<StageKey> all = new ArrayList<>();
            EndpointClassifier[] both = new EndpointClassifier[Direction.values().length];
            for (Direction direction : Direction.values()) {
                List<Classifier> built = new ArrayList<>();
                for (StageKey stage : StageKey.of(dataplane, endpoint, direction, this::ownMembers, ownSetsCache)) {
                    built.add(reference(stage, key));
                    all.add(stage);
                }
                both[direction.ordinal()] = new EndpointClassifier(built, direction, endpoint.addresses());
            }
            endpointStages.put(key, all);
            classifiers.put(key, both);
            endpoint.addresses().forEach(a -> endpointsByAddress.computeIfAbsent(a, x -> new HashSet<>()).add(key));
        }
        if (old != null) {
            // After the new references, so a kept stage is not dropped and rebuilt.
            Set<StageKey> kept = new HashSet<>(endpointStages.getOrDefault(key, List.of()));
            old.stream().filter(k -> !kept.contains(k)).forEach(k -> release(k, key));
        }
    }

    /**
     * Alternatives of one Calico rule share its action and user id, so their order among
     * themselves does not matter (and follows hash-set iteration, which a set change reshuffles):
     * the difference is taken as a multiset, a new rule goes in after its rule's group (the
     * groups' order is their order in the stage now lowered; rule slots need not increase).
     */
    private void patch(StageKey key) {
        Stage stage = stages.get(key);
        List<ocelot.acl.Rule> now = key.lower(dataplane, ipSets, slots);
        Map<Integer, Integer> rank = groupRanks(now);
        Map<ocelot.acl.Rule, Integer> balance = new HashMap<>();
        now.forEach(r -> balance.merge(r, 1, Integer::sum));
        stage.rules.forEach(r -> balance.merge(r, -1, Integer::sum));
        balance.values().removeIf(c -> c == 0);
        if (balance.isEmpty()) {
            return; // e.g. a notSelector member that no positive host of the stage has
        }
        int changes = 0;
        for (int c : balance.values()) {
            changes += Math.abs(c);
        }
        if (changes > MAX_PATCH || rank == null) {
            stage.classifier.replaceAll(now);
            stage.rules = now;
            builds++;
            return;
        }
        List<ocelot.acl.Rule> current = new ArrayList<>(stage.rules);
        for (Map.Entry<ocelot.acl.Rule, Integer> e : balance.entrySet()) {
            for (int c = e.getValue(); c < 0; c++) {
                int index = current.indexOf(e.getKey());
                stage.classifier.remove(index);
                current.remove(index);
            }
        }
        for (Map.Entry<ocelot.acl.Rule, Integer> e : balance.entrySet()) {
            for (int c = 0; c < e.getValue(); c++) {
                int index = 0;
                int at = rank.get(e.getKey().userId());
                while (index < current.size() && rank.get(current.get(index).userId()) <= at) {
                    index++;
                }
                stage.classifier.add(index, e.getKey());
                current.add(index, e.getKey());
            }
        }
        stage.rules = current;
        patches++;
    }

    /** Each user id's group position in {@code rules}; null if a group is split (rules sharing the overflow slot). */
    private static Map<Integer, Integer> groupRanks(List<ocelot.acl.Rule> rules) {
        Map<Integer, Integer> rank = new HashMap<>();
        int previous = -1;
        for (ocelot.acl.Rule r : rules) {
            if (r.userId() == previous) {
                continue;
            }
            if (rank.putIfAbsent(r.userId(), rank.size()) != null) {
                return null;
            }
            previous = r.userId();
        }
        return rank;
    }

    private Classifier reference(StageKey key, EndpointKey user) {
        Stage stage = stages.get(key);
        if (stage == null) {
            Set<IpSetKey> peer = new HashSet<>();
            for (String name : key.names()) {
                CompiledRules rules = key.policies() ? dataplane.policy(name) : dataplane.profile(name);
                StageKey.peerSets(rules.rules(key.direction()), key.direction(), peer);
                (key.policies() ? byPolicy : byProfile).computeIfAbsent(name, n -> new HashSet<>()).add(key);
            }
            stage = new Stage(key.lower(dataplane, ipSets, slots), peer, ipSets);
            builds++;
            stages.put(key, stage);
            peer.forEach(s -> byPeerSet.computeIfAbsent(s, x -> new HashSet<>()).add(key));
            key.binding().keySet().forEach(s -> byOwnSet.computeIfAbsent(s, x -> new HashSet<>()).add(key));
        }
        stage.users().add(user);
        return stage.classifier();
    }

    private void release(StageKey key, EndpointKey user) {
        Stage stage = stages.get(key);
        if (stage != null && stage.users().remove(user) && stage.users().isEmpty()) {
            forget(key);
        }
    }

    /** Drops a stage and its index entries (its users, if any, must re-reference it). */
    private void forget(StageKey key) {
        Stage stage = stages.remove(key);
        if (stage == null) {
            return;
        }
        for (String name : key.names()) {
            removeFrom(key.policies() ? byPolicy : byProfile, name, key);
        }
        stage.peerSets().forEach(s -> removeFrom(byPeerSet, s, key));
        key.binding().keySet().forEach(s -> removeFrom(byOwnSet, s, key));
    }

    private static <K> void removeFrom(Map<K, Set<StageKey>> index, K k, StageKey key) {
        Set<StageKey> keys = index.get(k);
        if (keys != null && keys.remove(key) && keys.isEmpty()) {
            index.remove(k);
        }
    }

    private Set<IpSetMember> ownMembers(IpSetKey set, IpAddress address) {
        return switch (set) {
            case IpSetKey.Addresses a -> dataplane.ipSet(set).contains(new IpSetMember.Address(address))
                    ? Set.of(new IpSetMember.Address(address)) : Set.of();
            case IpSetKey.NamedPorts n -> namedPortIndex.computeIfAbsent(set, this::indexOf).getOrDefault(address, Set.of());
        };
    }

    private Map<IpAddress, Set<IpSetMember>> indexOf(IpSetKey set) {
        Map<IpAddress, Set<IpSetMember>> index = new HashMap<>();
        dataplane.ipSet(set).forEach(m -> index.computeIfAbsent(m.address(), a -> new HashSet<>()).add(m));
        return index;
    }

    private void indexDelta(DataplaneUpdate.IpSetDelta u) {
        Map<IpAddress, Set<IpSetMember>> index = namedPortIndex.get(u.key());
        if (index == null) {
            return;
        }
        for (IpSetMember m : u.removed()) {
            Set<IpSetMember> at = index.get(m.address());
            if (at != null && at.remove(m) && at.isEmpty()) {
                index.remove(m.address());
            }
        }
        u.added().forEach(m -> index.computeIfAbsent(m.address(), a -> new HashSet<>()).add(m));
    }

    /** The same lookup as {@link #ownMembers} by scanning, for one-off compiles without an index. */
    static BiFunction<IpSetKey, IpAddress, Set<IpSetMember>> scanNamedPorts(DataplaneModel dataplane) {
        return (set, address) -> {
            Set<IpSetMember> out = new HashSet<>();
            for (IpSetMember m : dataplane.ipSet(set)) {
                if (m.address().equals(address)) {
                    out.add(m);
                }
            }
            return out;
        };
    }
}
