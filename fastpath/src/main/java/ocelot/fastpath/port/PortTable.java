package ocelot.fastpath.port;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's ports at one moment, immutable: each port keeps one slot index for its whole
 * life (counters, next hops and snapshots are keyed by it), so ports coming and going never
 * renumber the others. A removed port's slot is reused only by a later {@link #with}.
 * A worker gets the table with the snapshot it forwards from, so the ports it polls and the
 * ports its routes name are always the same set.
 */
public final class PortTable {
    private final Port[] bySlot;
    /** Occupied slots in the order the ports were added: the order workers poll them. */
    private final int[] active;
    private final Map<String, Integer> slotByName;

    private PortTable(Port[] bySlot, int[] active, Map<String, Integer> slotByName) {
        this.bySlot = bySlot;
        this.active = active;
        this.slotByName = slotByName;
    }

    public static PortTable empty(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("port capacity must be >= 1, got " + capacity);
        return new PortTable(new Port[capacity], new int[0], Map.of());
    }

    /** A table with {@code port} in the lowest free slot; refuses a duplicate name or a full table. */
    public PortTable with(Port port) {
        if (slotByName.containsKey(port.name())) throw new IllegalArgumentException("a port named " + port.name() + " already exists");
        int slot = 0;
        while (slot < bySlot.length && bySlot[slot] != null) slot++;
        if (slot == bySlot.length) throw new IllegalStateException("adding port " + port.name() + ": all " + bySlot.length + " port slots in use (FastpathConfig.maxPorts)");
        Port[] slots = bySlot.clone();
        slots[slot] = port;
        int[] act = Arrays.copyOf(active, active.length + 1);
        act[active.length] = slot;
        Map<String, Integer> names = new HashMap<>(slotByName);
        names.put(port.name(), slot);
        return new PortTable(slots, act, Map.copyOf(names));
    }

    /** A table without the port named {@code name}; refuses an unknown name. */
    public PortTable without(String name) {
        int slot = slot(name);
        if (slot < 0) throw new IllegalArgumentException("no port named " + name + " (ports: " + names() + ")");
        Port[] slots = bySlot.clone();
        slots[slot] = null;
        int[] act = Arrays.stream(active).filter(s -> s != slot).toArray();
        Map<String, Integer> names = new HashMap<>(slotByName);
        names.remove(name);
        return new PortTable(slots, act, Map.copyOf(names));
    }

    /** The slot of the port named {@code name}, or -1. */
    public int slot(String name) {
        Integer s = slotByName.get(name);
        return s == null ? -1 : s;
    }

    /** The port in {@code slot}, or null when the slot is free. */
    public Port port(int slot) { return bySlot[slot]; }

    /** How many slots there are (the bound of every slot index). */
    public int capacity() { return bySlot.length; }

    /** How many ports are in use. */
    public int size() { return active.length; }

    /** The slot of the k-th port in polling order. */
    public int activeSlot(int k) { return active[k]; }

    /** The ports in polling order (allocates; not for the hot path). */
    public List<Port> ports() {
        List<Port> out = new ArrayList<>(active.length);
        for (int s : active) out.add(bySlot[s]);
        return out;
    }

    public List<String> names() {
        List<String> out = new ArrayList<>(active.length);
        for (int s : active) out.add(bySlot[s].name());
        return out;
    }
}
