package ocelot.fastpath.worker;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import ocelot.dpdk.MbufBurst;
import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.node.ArpNode;
import ocelot.fastpath.node.ConntrackNode;
import ocelot.fastpath.node.DecapNode;
import ocelot.fastpath.node.EstablishedFlowNode;
import ocelot.fastpath.node.HeadAdjuster;
import ocelot.fastpath.node.NatPorts;
import ocelot.fastpath.node.NdNode;
import ocelot.fastpath.node.PacketVector;
import ocelot.fastpath.node.ParseNode;
import ocelot.fastpath.node.PolicyNode;
import ocelot.fastpath.node.RewriteNode;
import ocelot.fastpath.node.RouteNode;
import ocelot.fastpath.node.StatelessRouteNode;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortTable;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * One run-to-completion worker (an Agrona {@link Agent}, one per lcore). A duty cycle polls one
 * burst from each of its (port, queue) pairs and runs it through the graph
 * parse → arp → nd → ipip-decap → conntrack → route → policy → rewrite → dispatch, then expires a
 * few conntrack entries. Everything it touches per packet was allocated in the constructor.
 *
 * <p>Ownership: mbufs received in a burst belong to the worker until dispatch, which hands
 * each exactly once to a port's transmit (which sends or frees it), the exception port, or
 * the drop list (freed in one call). Invariant per burst: rx == tx + dropped + punted.
 *
 * <p>A burst whose processing throws is abandoned, not the worker: the mbufs the worker still
 * owns are freed (counted as {@code drop_worker_error}), {@code worker_errors} counts the burst,
 * the exception goes to the fastpath's error handler, and the next burst is processed as usual.
 */
public final class Worker implements Agent {
    /** Conntrack slots examined for expiry per duty cycle: spreads the sweep over bursts. */
    static final int EXPIRY_BUDGET = 64;

    private final int index;
    private final FastpathControl control;
    private final NeighbourTable neighbours;
    private final NanoClock clock;
    private final ConntrackTimeouts timeouts;
    private final CounterRecord counters;
    private final ConntrackTable conntrack;
    private final ConntrackTable conntrack6;
    private final MbufBurst rx;
    /** The burst's outgoing mbufs grouped by port (a stable counting sort), each port's run sent in one call. */
    private final MbufBurst grouped;
    private final MbufBurst drops;
    private final PacketVector v;
    /** The packets the fused pass hands on, compacted: the graph runs over just these. */
    private final MbufBurst slowRx;
    private final PacketVector slowV;
    private final EstablishedFlowNode established;
    /** Bursts from a stateless port ({@link ForwardingSnapshot#statelessPort}) go through it first; null when configured off. */
    private final StatelessRouteNode stateless;
    private final HeadAdjuster heads;
    private final ParseNode parse = new ParseNode();
    private final ArpNode arp = new ArpNode();
    private final NdNode nd = new NdNode();
    private final DecapNode decap;
    private final ConntrackNode ct = new ConntrackNode();
    private final RouteNode route;
    private final PolicyNode policy;
    private final RewriteNode rewrite;
    private final long[] dropsByReason = new long[Counter.values().length];
    /** Per port slot: packets for it in the current burst, then the next free position of its run in {@link #grouped}. */
    private final int[] staged;
    private final int[] cursor;
    /** The port slots the current burst sends to, in first-use order. */
    private final int[] touched;
    /**
     * Duty cycles completed (a volatile store at the end of each): the control plane waits for
     * it to move after publishing a snapshot without a port, which proves this worker holds no
     * older snapshot and no mbuf bound for that port (a burst is dispatched within its cycle).
     */
    private volatile long cycles;
    /**
     * Whether dispatch has handed the current burst's mbufs on (rx emptied): from then on the
     * worker owns only the runs of {@link #grouped} from {@link #nextRun} and the drop list.
     */
    private boolean handedOff;
    /** Position in {@link #grouped} of the first run not yet given to its port's transmit. */
    private int nextRun;
    private final BurstErrorHandler errors;

    /** Where an exception thrown while processing a burst goes, after the burst was cleaned up. */
    interface BurstErrorHandler {
        void onBurstError(Worker worker, Throwable error);
    }

    Worker(int index, int workers, FastpathControl control, NeighbourTable neighbours,
           NanoClock clock, FastpathConfig config, BurstErrorHandler errors) {
        this.index = index;
        this.errors = errors;
        this.control = control;
        this.neighbours = neighbours;
        this.clock = clock;
        this.timeouts = config.timeouts();
        this.counters = new CounterRecord(config.maxPorts(), config.ruleCounterCapacity());
        this.conntrack = new ConntrackTable(config.conntrackCapacity());
        this.conntrack6 = ConntrackTable.forIpv6(config.conntrackCapacity());
        int b = config.burstSize();
        this.rx = new MbufBurst(b);
        this.grouped = new MbufBurst(b);
        this.staged = new int[config.maxPorts()];
        this.cursor = new int[config.maxPorts()];
        this.touched = new int[Math.min(b, config.maxPorts())];
        this.drops = new MbufBurst(b);
        this.v = new PacketVector(b);
        this.established = config.flowFastPath() ? new EstablishedFlowNode(b) : null;
        this.stateless = config.statelessPath() ? new StatelessRouteNode(b) : null;
        boolean handsOn = config.flowFastPath() || config.statelessPath(); // a pass before the graph that may hand on part of a burst
        this.slowRx = handsOn ? new MbufBurst(b) : null;
        this.slowV = handsOn ? new PacketVector(b) : null;
        this.heads = new HeadAdjuster(b);
        this.decap = new DecapNode(heads, parse);
        this.route = new RouteNode(b, 4096);
        this.policy = new PolicyNode(b, NatPorts.share(index, workers));
        this.rewrite = new RewriteNode(heads);
    }

    @Override
    public int doWork() {
        ForwardingSnapshot s = control.current();
        if (s == null) {
            cycles++;
            return 0;
        }
        long now = clock.nanoTime();
        int work = 0;
        PortTable ports = s.ports;
        for (int k = 0; k < ports.size(); k++) {
            int p = ports.activeSlot(k);
            Port port = ports.port(p);
            if (index >= port.rxQueues()) continue;
            int n = port.receive(index, rx);
            if (n > 0) {
                try {
                    process(p, n, s, now);
                } catch (RuntimeException | AssertionError e) {
                    // a bug met by this burst's packets or state: lose the burst, keep the worker
                    abandonBurst(e);
                }
                work += n;
            }
        }
        // an empty table has nothing to expire: skip its sweep (IPv4-only nodes never pay for IPv6's)
        int expired = (conntrack.size() > 0 ? conntrack.expire(now, EXPIRY_BUDGET) : 0)
                + (conntrack6.size() > 0 ? conntrack6.expire(now, EXPIRY_BUDGET) : 0);
        if (expired > 0) counters.add(Counter.CT_EXPIRED, expired);
        cycles++; // volatile: orders this cycle's snapshot load before the count the control plane reads
        return work;
    }

    /**
     * Cleans up after a burst whose processing threw: frees what the worker still owns (the
     * whole burst before dispatch handed it on, else the runs not yet given to a port and the
     * drop list), counts them as dropped so rx == tx + dropped + punted still holds, and resets
     * dispatch's per-burst staging.
     */
    private void abandonBurst(Throwable error) {
        int freed;
        if (slowRx != null) slowRx.setCount(0); // the same mbufs as rx
        if (!handedOff) {
            freed = rx.count();
            rx.freeAll();
            grouped.setCount(0);
            drops.setCount(0);
        } else {
            rx.setCount(0);
            freed = Math.max(0, grouped.count() - nextRun) + drops.count();
            grouped.free(Math.min(nextRun, grouped.count()));
            grouped.setCount(0);
            drops.freeAll();
        }
        java.util.Arrays.fill(staged, 0);
        java.util.Arrays.fill(dropsByReason, 0);
        handedOff = false;
        counters.add(Counter.WORKER_ERRORS, 1);
        counters.add(Counter.DROP_WORKER_ERROR, freed);
        counters.add(Counter.DROPPED, freed);
        errors.onBurstError(this, error);
    }

    /** Duty cycles completed so far (volatile read). */
    long cycles() { return cycles; }

    private void process(int port, int n, ForwardingSnapshot s, long now) {
        handedOff = false;
        rx.refresh();
        v.count = n;
        v.rxPort = port;
        rx.copyInfo(v.address, v.rawLength, v.segments, n);
        for (int i = 0; i < n; i++) v.length[i] = v.rawLength[i] & 0xFFFF;
        counters.add(Counter.RX, n);
        counters.addPort(port, CounterRecord.PORT_RX, n);
        long evictedBefore = conntrack.evictedTotal() + conntrack6.evictedTotal();
        // read before any neighbour lookup of this burst: a change after it makes the results
        // cached now stale at the next burst, never the other way round
        long tag = s.generation << 32 | (neighbours.version() & 0xFFFF_FFFFL);

        // a port no policy, NAT or tunnel applies to: what is routed to a hop of the same kind
        // is finished here without conntrack; the rest goes on below as usual
        boolean statelessRun = stateless != null && (s.statelessPort[port] || s.statelessPort6[port]);
        int finished = statelessRun ? stateless.run(v, s, neighbours, counters) : 0;
        if (finished == n) {
            // all forwarded or dropped statelessly
        } else if (established == null) {
            if (finished == 0) graph(rx, v, s, now, tag);
            else graphOverSlow(stateless.slow, stateless.slowCount, s, now, tag);
        } else {
            int fast = established.run(v, s, conntrack, timeouts, now, tag, counters, statelessRun);
            if (fast == 0) {
                graph(rx, v, s, now, tag);
            } else if (fast < n) {
                graphOverSlow(established.slow, established.slowCount, s, now, tag);
            }
        }
        dispatch(s);

        long evicted = conntrack.evictedTotal() + conntrack6.evictedTotal() - evictedBefore;
        if (evicted > 0) counters.add(Counter.CT_EVICTED, evicted);
    }

    /** The node graph over burst {@code b} described by {@code pv}. */
    private void graph(MbufBurst b, PacketVector pv, ForwardingSnapshot s, long now, long tag) {
        int port = pv.rxPort;
        parse.run(pv, port == s.exceptionPort ? 0 : s.portMacs[port]);
        arp.run(pv, s, neighbours, counters);
        nd.run(b, pv, s, neighbours, counters);
        decap.run(b, pv, s, counters);
        ct.run(pv, s, conntrack, conntrack6, timeouts, now, tag, counters);
        if (pv.cached < pv.count) { // a burst of established flows, all cached, has nothing to route or classify
            route.run(pv, s, neighbours, now, counters);
            policy.run(pv, s, conntrack, conntrack6, timeouts, now, counters);
        }
        rewrite.run(b, pv, s, conntrack, conntrack6, tag, counters);
    }

    /**
     * The graph over the packets the fused pass (or the stateless path) handed on, {@code idx[0, m)}, gathered (in burst order) into a
     * burst of their own; their fate and final address/length are scattered back so dispatch
     * sees the whole burst in its original order.
     */
    private void graphOverSlow(int[] idx, int m, ForwardingSnapshot s, long now, long tag) {
        for (int k = 0; k < m; k++) {
            int i = idx[k];
            slowRx.setMbuf(k, rx.mbuf(i));
            slowV.address[k] = v.address[i];
            slowV.length[k] = v.length[i];
            slowV.rawLength[k] = v.rawLength[i];
            slowV.segments[k] = v.segments[i];
        }
        slowRx.setCount(m);
        slowRx.refresh(); // staged lengths for the nodes that resize packets
        slowV.count = m;
        slowV.rxPort = v.rxPort;
        graph(slowRx, slowV, s, now, tag);
        for (int k = 0; k < m; k++) {
            int i = idx[k];
            v.verdict[i] = slowV.verdict[k];
            v.dropReason[i] = slowV.dropReason[k];
            v.address[i] = slowV.address[k];
            v.length[i] = slowV.length[k];
        }
        slowRx.setCount(0); // the same mbufs: rx owns them all again
    }

    /** Hands every mbuf on exactly once: to a port's tx stage, the exception port, or the drop list. */
    private void dispatch(ForwardingSnapshot s) {
        int count = v.count;
        int out = v.verdict[0];
        if (out >= 0) {
            int i = 1;
            while (i < count && v.verdict[i] == out) i++;
            if (i == count) {
                transmitWhole(s, out, count);
                return;
            }
        }
        int dropped = 0;
        int punted = 0;
        int ports = 0;
        for (int i = 0; i < count; i++) {
            int verdict = v.verdict[i];
            if (verdict == PacketVector.PUNT) {
                if (v.rxPort == s.exceptionPort) {
                    verdict = PacketVector.DROP;
                    v.dropReason[i] = (short) Counter.DROP_PUNT_LOOP.ordinal();
                } else if (s.exceptionPort >= 0) {
                    verdict = s.exceptionPort;
                    punted++;
                    long hostMac = s.state.hostMac();
                    if (hostMac != 0 && v.length[i] >= ocelot.fastpath.packet.Ethernet.HEADER_LENGTH) {
                        ocelot.fastpath.packet.Ethernet.dst(v.address[i], hostMac);
                        ocelot.fastpath.packet.Ethernet.src(v.address[i], s.portMacs[s.exceptionPort]);
                    }
                } else {
                    verdict = PacketVector.DROP;
                    v.dropReason[i] = (short) Counter.DROP_NO_EXCEPTION_PORT.ordinal();
                }
            } else if (verdict == PacketVector.CONTINUE || verdict == PacketVector.CACHED) {
                // nothing decided its fate (e.g. an IPv4 protocol the graph has no rule for): never leak it
                verdict = PacketVector.DROP;
                v.dropReason[i] = (short) Counter.DROP_ETHERTYPE.ordinal();
            }
            if (verdict >= 0) {
                if (staged[verdict]++ == 0) touched[ports++] = verdict;
            } else {
                drops.setMbuf(dropped++, rx.mbuf(i));
                dropsByReason[v.dropReason[i]]++;
            }
            v.verdict[i] = verdict;
        }
        // each port's packets become one run of `grouped`, in burst order
        int runStart = 0;
        for (int k = 0; k < ports; k++) {
            int p = touched[k];
            cursor[p] = runStart;
            runStart += staged[p];
        }
        for (int i = 0; i < count; i++) {
            int verdict = v.verdict[i];
            if (verdict >= 0) grouped.setMbuf(cursor[verdict]++, rx.mbuf(i));
        }
        drops.setCount(dropped);
        grouped.setCount(runStart);
        nextRun = 0;
        handedOff = true;
        rx.setCount(0); // every mbuf now belongs to `grouped` or the drop list
        int sentTotal = 0;
        int txFull = 0;
        int exceptionRefused = 0;
        PortTable table = s.ports;
        for (int k = 0; k < ports; k++) {
            int p = touched[k];
            int n = staged[p];
            staged[p] = 0;
            nextRun = cursor[p]; // the port owns this run from the call on, whatever it does
            int sent = table.port(p).transmit(index, grouped, cursor[p] - n, n);
            counters.addPort(p, CounterRecord.PORT_TX, sent);
            if (sent < n) counters.addPort(p, CounterRecord.PORT_DROP, n - sent);
            if (p == s.exceptionPort) exceptionRefused = n - sent;
            sentTotal += sent;
            txFull += n - sent;
        }
        grouped.setCount(0);
        // punts the TAP refused are drops (counted in txFull); the rest of what was sent is tx
        punted = Math.max(0, punted - exceptionRefused);
        int tx = sentTotal - punted;
        if (dropped > 0) {
            drops.freeAll();
            for (int r = 0; r < dropsByReason.length; r++) {
                if (dropsByReason[r] != 0) {
                    counters.addByOrdinal(r, dropsByReason[r]);
                    dropsByReason[r] = 0;
                }
            }
        }
        // conservation, checked whenever assertions are on (every test run): each mbuf counted once
        assert v.count == tx + punted + dropped + txFull : "burst of " + v.count + " but tx " + tx + " punt " + punted + " drop " + (dropped + txFull);
        if (txFull > 0) counters.add(Counter.DROP_TX_FULL, txFull);
        counters.add(Counter.TX, tx);
        counters.add(Counter.PUNTED, punted);
        counters.add(Counter.DROPPED, dropped + txFull);
    }

    /**
     * The common case, every packet of the burst to one port: the rx burst is handed to that
     * port as it is, no per-packet staging copy (what testpmd's io forwarding does).
     */
    private void transmitWhole(ForwardingSnapshot s, int port, int n) {
        handedOff = true; // the port owns the whole burst from the call on
        nextRun = 0;
        int sent = s.ports.port(port).transmit(index, rx, 0, n);
        rx.setCount(0);
        counters.addPort(port, CounterRecord.PORT_TX, sent);
        int refused = n - sent;
        if (refused > 0) {
            counters.addPort(port, CounterRecord.PORT_DROP, refused);
            counters.add(Counter.DROP_TX_FULL, refused);
            counters.add(Counter.DROPPED, refused);
        }
        counters.add(Counter.TX, sent);
    }

    @Override
    public String roleName() { return "ocelot-worker-" + index; }

    public CounterRecord counters() { return counters; }

    public ConntrackTable conntrack() { return conntrack; }

    public ConntrackTable conntrack6() { return conntrack6; }

    @Override
    public void onClose() {
        rx.close();
        if (slowRx != null) slowRx.close();
        grouped.close();
        drops.close();
        heads.close();
    }
}
