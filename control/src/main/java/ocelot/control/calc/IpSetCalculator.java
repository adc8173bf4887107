package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EndpointPort;
import ocelot.control.policy.IpAddress;
import ocelot.control.selector.Selector;

/**
 * Members of every IP set some active rule reads (Felix's {@code IPSetMemberIndex}). Member
 * counts are reference counted, since two endpoints may share an address; pending additions
 * and removals cancel each other, so a flush emits the net change and nothing when a member
 * left and came back.
 */
final class IpSetCalculator implements LabelIndex.MatchListener {
    private final LabelIndex index = new LabelIndex(this);
    private final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();
    private final Map<IpSetKey, Integer> refCounts = new HashMap<>();
    private final Map<Selector, List<IpSetKey>> keysBySelector = new HashMap<>();
    private final Map<IpSetKey, Map<IpSetMember, Integer>> members = new HashMap<>();
    private final Map<IpSetKey, Set<IpSetMember>> pendingAdded = new HashMap<>();
    private final Map<IpSetKey, Set<IpSetMember>> pendingRemoved = new HashMap<>();
    private final Set<IpSetKey> needsReplace = new HashSet<>();
    private final Set<IpSetKey> applied = new HashSet<>();
    private final Set<IpSetKey> deactivated = new HashSet<>();
    /** Sets whose member map was handed out in a {@link FrozenMembers}: copied before the next write. */
    private final Set<IpSetKey> frozen = new HashSet<>();

    /** An active rule reads {@code key}. */
    void ref(IpSetKey key) {
        if (refCounts.merge(key, 1, Integer::sum) > 1) {
            return;
        }
        members.put(key, new HashMap<>());
        frozen.remove(key);
        needsReplace.add(key);
        deactivated.remove(key);
        List<IpSetKey> keys = keysBySelector.computeIfAbsent(key.selector(), s -> new ArrayList<>());
        keys.add(key);
        if (keys.size() == 1) {
            index.addSelector(key.selector()); // reports every match: members fill in matchStarted
        } else {
            for (EndpointKey endpoint : index.matches(key.selector())) {
                addMembers(key, endpoints.get(endpoint));
            }
        }
    }

    /** An active rule no longer reads {@code key}. */
    void unref(IpSetKey key) {
        int count = refCounts.merge(key, -1, Integer::sum);
        if (count > 0) {
            return;
        }
        refCounts.remove(key);
        members.remove(key);
        frozen.remove(key);
        pendingAdded.remove(key);
        pendingRemoved.remove(key);
        needsReplace.remove(key);
        deactivated.add(key);
        List<IpSetKey> keys = keysBySelector.get(key.selector());
        keys.remove(key);
        if (keys.isEmpty()) {
            keysBySelector.remove(key.selector());
            index.removeSelector(key.selector());
        }
    }

    void updateEndpoint(Endpoint endpoint, Map<String, String> labels) {
        Endpoint old = endpoints.get(endpoint.key());
        if (old != null && (!old.addresses().equals(endpoint.addresses()) || !old.ports().equals(endpoint.ports()))) {
            index.removeEndpoint(endpoint.key()); // withdraws the old addresses from every set
        }
        endpoints.put(endpoint.key(), endpoint);
        index.updateEndpoint(endpoint.key(), labels);
    }

    void removeEndpoint(EndpointKey key) {
        index.removeEndpoint(key);
        endpoints.remove(key);
    }

    @Override
    public void matchStarted(Selector selector, EndpointKey endpoint) {
        for (IpSetKey key : keysBySelector.getOrDefault(selector, List.of())) {
            addMembers(key, endpoints.get(endpoint));
        }
    }

    @Override
    public void matchStopped(Selector selector, EndpointKey endpoint) {
        for (IpSetKey key : keysBySelector.getOrDefault(selector, List.of())) {
            removeMembers(key, endpoints.get(endpoint));
        }
    }

    /** Creations, replacements and deltas since the last flush; call before rules use the sets. */
    void emitUpserts(List<DataplaneUpdate> out) {
        for (IpSetKey key : needsReplace) {
            // The map's own key set, frozen (copy on the next write), not an immutable copy.
            out.add(new DataplaneUpdate.IpSetReplace(key, new FrozenMembers(members.get(key).keySet())));
            frozen.add(key);
            applied.add(key);
            pendingAdded.remove(key);
            pendingRemoved.remove(key);
        }
        needsReplace.clear();
        Set<IpSetKey> changed = new HashSet<>(pendingAdded.keySet());
        changed.addAll(pendingRemoved.keySet());
        for (IpSetKey key : changed) {
            Set<IpSetMember> added = pendingAdded.getOrDefault(key, Set.of());
            Set<IpSetMember> removed = pendingRemoved.getOrDefault(key, Set.of());
            if (!added.isEmpty() || !removed.isEmpty()) {
                out.add(new DataplaneUpdate.IpSetDelta(key, Set.copyOf(added), Set.copyOf(removed)));
            }
        }
        pendingAdded.clear();
        pendingRemoved.clear();
    }

    /** Removals of sets no rule reads any more; call after the rules stopped using them. */
    void emitRemoves(List<DataplaneUpdate> out) {
        for (IpSetKey key : deactivated) {
            if (applied.remove(key)) {
                out.add(new DataplaneUpdate.IpSetRemove(key));
            }
        }
        deactivated.clear();
    }

    /** Current members of an active set (for tests and metrics). */
    Set<IpSetMember> members(IpSetKey key) {
        return members.getOrDefault(key, Map.of()).keySet();
    }

    int activeSets() {
        return members.size();
    }

    private void addMembers(IpSetKey key, Endpoint endpoint) {
        List<IpSetMember> add = membersOf(key, endpoint);
        if (add.isEmpty()) {
            return;
        }
        Map<IpSetMember, Integer> counts = writable(key);
        boolean replaced = needsReplace.contains(key); // a set sent whole at the flush needs no delta
        for (IpSetMember m : add) {
            if (counts.merge(m, 1, Integer::sum) == 1 && !replaced) {
                Set<IpSetMember> removed = pendingRemoved.get(key);
                if (removed == null || !removed.remove(m)) {
                    pendingAdded.computeIfAbsent(key, k -> new HashSet<>()).add(m);
                }
            }
        }
    }

    private void removeMembers(IpSetKey key, Endpoint endpoint) {
        List<IpSetMember> remove = membersOf(key, endpoint);
        if (remove.isEmpty()) {
            return;
        }
        Map<IpSetMember, Integer> counts = writable(key);
        for (IpSetMember m : remove) {
            int left = counts.merge(m, -1, Integer::sum);
            if (left == 0) {
                counts.remove(m);
                if (!needsReplace.contains(key)) {
                    Set<IpSetMember> added = pendingAdded.get(key);
                    if (added == null || !added.remove(m)) {
                        pendingRemoved.computeIfAbsent(key, k -> new HashSet<>()).add(m);
                    }
                }
            }
        }
    }

    /** The member counts of {@code key}, copied first if a {@link FrozenMembers} views them. */
    private Map<IpSetMember, Integer> writable(IpSetKey key) {
        Map<IpSetMember, Integer> counts = members.get(key);
        if (frozen.remove(key)) {
            counts = new HashMap<>(counts);
            members.put(key, counts);
        }
        return counts;
    }

    private static List<IpSetMember> membersOf(IpSetKey key, Endpoint endpoint) {
        List<IpSetMember> out = new ArrayList<>();
        switch (key) {
            case IpSetKey.Addresses a -> {
                for (IpAddress ip : endpoint.addresses()) {
                    out.add(new IpSetMember.Address(ip));
                }
            }
            case IpSetKey.NamedPorts n -> {
                for (EndpointPort port : endpoint.ports()) {
                    if (port.name().equals(n.portName())) {
                        for (IpAddress ip : endpoint.addresses()) {
                            out.add(new IpSetMember.AddressPort(ip, port.protocol().number(), port.port()));
                        }
                    }
                }
            }
        }
        return out;
    }
}
