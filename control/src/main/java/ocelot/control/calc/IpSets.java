package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.acl.IpSetTable;
import ocelot.acl.SetMatch;
import ocelot.control.policy.IpAddress;

/**
 * The address IP sets ({@link IpSetKey.Addresses}) of a {@link DataplaneModel} mirrored into
 * an acl/ {@link IpSetTable}, which the lowered classifiers read through {@link SetMatch}
 * conditions: Felix's {@code IpSets} applier, with the table in the role of the kernel's
 * ipsets. A membership change is one O(1) table update per member, seen at once by every
 * classifier naming the set, with nothing recompiled. Named-port sets ({@code hash:ip,port})
 * stay expanded in the rules and are not held here.
 *
 * <p>A removed set's id is retired only at {@link #retireRemoved()}, after the classifiers that
 * read it have been rebuilt, so none sees its members vanish before its rules do. One thread
 * applies updates (the table is single-writer); classifier threads read the table.
 */
public final class IpSets {
    private final IpSetTable table = new IpSetTable();
    private final Map<IpSetKey, Integer> ids = new HashMap<>();
    private final List<Map.Entry<Integer, Set<IpSetMember>>> removed = new ArrayList<>();
    private long memberChanges;

    /** A mirror of every address set {@code dataplane} holds (for one-off compiles). */
    public static IpSets of(DataplaneModel dataplane) {
        IpSets sets = new IpSets();
        for (IpSetKey key : dataplane.ipSetKeys()) {
            sets.replace(key, null, dataplane.ipSet(key));
        }
        return sets;
    }

    public IpSetTable table() {
        return table;
    }

    /** The set condition for "address in {@code key}" ({@code negated}: not in). */
    SetMatch match(IpSetKey key, boolean negated) {
        Integer id = ids.get(key);
        if (id == null) {
            throw new IllegalStateException("IP set " + key + " is not in the dataplane's IP set table");
        }
        return new SetMatch(id, negated);
    }

    /** Table member additions and removals made so far (what a set change cost the dataplane). */
    public long memberChanges() {
        return memberChanges;
    }

    /**
     * Mirrors one applied update. {@code before} is the set's membership before an
     * {@link DataplaneUpdate.IpSetReplace} or {@link DataplaneUpdate.IpSetRemove} (null if it did
     * not exist); other updates need none.
     */
    void apply(DataplaneUpdate update, Set<IpSetMember> before) {
        switch (update) {
            case DataplaneUpdate.IpSetReplace u -> replace(u.key(), before, u.members());
            case DataplaneUpdate.IpSetDelta u -> {
                Integer id = ids.get(u.key());
                if (id != null) {
                    u.removed().forEach(m -> change(id, m, false));
                    u.added().forEach(m -> change(id, m, true));
                }
            }
            case DataplaneUpdate.IpSetRemove u -> {
                Integer id = ids.remove(u.key());
                if (id != null) {
                    removed.add(Map.entry(id, before == null ? Set.of() : before));
                }
            }
            default -> { }
        }
    }

    /** Deletes the sets removed since the last call (their readers are rebuilt by now). */
    void retireRemoved() {
        for (Map.Entry<Integer, Set<IpSetMember>> set : removed) {
            // One scan of the table per retired set (~1 ms at 1M slots; policies are deleted rarely):
            // removing its members one by one would make the next state's IP set view a new one
            // for a set that state does not name, and so a publish of an otherwise equal state.
            table.deleteSet(set.getKey());
            memberChanges += set.getValue().size();
        }
        removed.clear();
    }

    private void replace(IpSetKey key, Set<IpSetMember> before, Set<IpSetMember> members) {
        if (!(key instanceof IpSetKey.Addresses)) {
            return;
        }
        Integer id = ids.get(key);
        if (id == null) {
            id = table.createSet();
            ids.put(key, id);
            before = null; // a key removed and re-created in one batch starts from an empty set
        }
        if (before != null) {
            for (IpSetMember m : before) {
                if (!members.contains(m)) {
                    change(id, m, false);
                }
            }
        }
        for (IpSetMember m : members) {
            if (before == null || !before.contains(m)) {
                change(id, m, true);
            }
        }
    }

    private void change(int id, IpSetMember member, boolean add) {
        IpAddress a = member.address();
        boolean changed;
        if (a.v6()) {
            changed = add ? table.addV6(id, a.hi(), a.lo()) : table.removeV6(id, a.hi(), a.lo());
        } else {
            changed = add ? table.addV4(id, (int) a.lo()) : table.removeV4(id, (int) a.lo());
        }
        if (!changed) {
            throw new IllegalStateException((add ? "adding " : "removing ") + a + (add ? " to" : " from")
                    + " IP set " + id + ": table out of step with the dataplane");
        }
        memberChanges++;
    }
}
