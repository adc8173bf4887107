package ocelot.fastpath.state;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Int2IntHashMap;

import ocelot.acl.Classifier;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.PortTable;

/**
 * The local endpoints of one snapshot, by endpoint slot: each endpoint keeps its slot while it
 * exists (route next hops name the slot, so they survive other endpoints coming and going); a
 * free slot holds null. Immutable once built; rebuilt whenever the endpoints or ports change.
 */
final class EndpointPart {
    final Endpoint[] endpoints;
    final int[] endpointPort;
    final long[] endpointMac;
    final int[][] endpointAddresses;
    /** Per endpoint slot its policy stages per direction (null: none). */
    final Classifier[][] ingress, egress;
    final Int2IntHashMap endpointByAddress;
    /** Per port slot, the endpoint slot behind it (-1 none). */
    final int[] portEndpoint;
    final Map<String, Integer> slotByName;

    /**
     * Validates {@code list} against {@code ports} (names unique, ports exist and are WORKLOAD, one
     * endpoint per port, addresses unique: each error names the endpoint) and lays it out by slot:
     * a name in {@code previous} keeps its slot, a new name takes the lowest slot free in both
     * {@code previous} and {@code reserved} (slots being vacated by this very change).
     */
    static EndpointPart build(List<Endpoint> list, PortTable ports, Map<String, Integer> previous, Map<String, Integer> reserved) {
        Map<String, Integer> slots = new HashMap<>();
        for (Endpoint ep : list) {
            if (slots.put(ep.name(), -1) != null) throw new IllegalArgumentException("endpoint " + ep.name() + " defined twice");
        }
        boolean[] taken = new boolean[Math.max(list.size(), 1) + previous.size() + reserved.size()];
        for (Endpoint ep : list) {
            Integer s = previous.get(ep.name());
            if (s != null) {
                slots.put(ep.name(), s);
                taken = mark(taken, s);
            }
        }
        for (int s : reserved.values()) taken = mark(taken, s);
        int next = 0;
        for (Endpoint ep : list) {
            if (slots.get(ep.name()) >= 0) continue;
            while (next < taken.length && taken[next]) next++;
            slots.put(ep.name(), next);
            taken = mark(taken, next);
        }
        int capacity = 1;
        for (int s : slots.values()) capacity = Math.max(capacity, s + 1);
        for (int s : reserved.values()) capacity = Math.max(capacity, s + 1);
        return new EndpointPart(list, List.of(), ports, slots, capacity);
    }

    /** The endpoints of {@code kept} plus those of {@code leaving} (in their old slots): the bridge while routes move. */
    static EndpointPart union(EndpointPart kept, EndpointPart leaving, List<Endpoint> leavingList, PortTable ports) {
        Map<String, Integer> slots = new HashMap<>(kept.slotByName);
        for (Endpoint ep : leavingList) slots.put(ep.name(), leaving.slotByName.get(ep.name()));
        int capacity = Math.max(kept.endpoints.length, leaving.endpoints.length);
        return new EndpointPart(kept.list(), leavingList, ports, slots, capacity);
    }

    private static boolean[] mark(boolean[] taken, int s) {
        if (s >= taken.length) taken = java.util.Arrays.copyOf(taken, s * 2 + 1);
        taken[s] = true;
        return taken;
    }

    private EndpointPart(List<Endpoint> list, List<Endpoint> leaving, PortTable ports, Map<String, Integer> slots, int capacity) {
        endpoints = new Endpoint[capacity];
        endpointPort = new int[capacity];
        endpointMac = new long[capacity];
        endpointAddresses = new int[capacity][0];
        ingress = new Classifier[capacity][];
        egress = new Classifier[capacity][];
        endpointByAddress = new Int2IntHashMap(-1);
        portEndpoint = new int[ports.capacity()];
        java.util.Arrays.fill(portEndpoint, -1);
        java.util.Arrays.fill(endpointPort, -1);
        // leaving endpoints first: in a bridge an address or port moving to a new endpoint goes to the new one
        for (Endpoint ep : leaving) place(ep, slots.get(ep.name()), ports, true);
        for (Endpoint ep : list) place(ep, slots.get(ep.name()), ports, false);
        slotByName = Map.copyOf(slots);
    }

    private void place(Endpoint ep, int e, PortTable ports, boolean leaving) {
        int p = ports.slot(ep.port());
        if (p < 0) throw new IllegalArgumentException("endpoint " + ep.name() + ": no port named '" + ep.port() + "' (ports: " + ports.names() + ")");
        if (ports.port(p).role() != PortRole.WORKLOAD) throw new IllegalArgumentException("endpoint " + ep.name() + ": port " + ep.port() + " is a " + ports.port(p).role() + " port, not WORKLOAD");
        if (!leaving && portEndpoint[p] >= 0 && !isLeaving(portEndpoint[p])) {
            throw new IllegalArgumentException("endpoint " + ep.name() + ": port " + ep.port() + " already belongs to endpoint " + endpoints[portEndpoint[p]].name());
        }
        if (leaving) leavingSlots.set(e);
        endpoints[e] = ep;
        endpointPort[e] = p;
        endpointMac[e] = ep.mac();
        ingress[e] = ep.ingress() == null ? null : ep.ingress().toArray(Classifier[]::new);
        egress[e] = ep.egress() == null ? null : ep.egress().toArray(Classifier[]::new);
        int[] addresses = new int[ep.addresses().size()];
        for (int k = 0; k < addresses.length; k++) addresses[k] = ep.addresses().get(k);
        endpointAddresses[e] = addresses;
        portEndpoint[p] = e;
        for (int a : ep.addresses()) {
            int prev = endpointByAddress.put(a, e);
            if (prev != -1 && !leaving && !isLeaving(prev)) {
                throw new IllegalArgumentException("endpoint " + ep.name() + ": address " + Ipv4.format(a) + " already belongs to endpoint " + endpoints[prev].name());
            }
        }
    }

    private final java.util.BitSet leavingSlots = new java.util.BitSet();

    private boolean isLeaving(int e) { return leavingSlots.get(e); }

    /** The endpoints present, in slot order (allocates). */
    List<Endpoint> list() {
        List<Endpoint> out = new java.util.ArrayList<>();
        for (int e = 0; e < endpoints.length; e++) if (endpoints[e] != null && !leavingSlots.get(e)) out.add(endpoints[e]);
        return out;
    }

    /** Slot of the endpoint named {@code name}, or null. */
    Integer slot(String name) { return slotByName.get(name); }
}
