/*
 * net_ring ports for the fastpath throughput benchmark, a feeder thread that plays the NIC /
 * traffic generator, and DPDK's io-forward loop as the reference forwarder. Built by
 * bench/fastpath/run.sh (gcc -O3 -march=native, pkg-config libdpdk) and called through FFM
 * by ocelot.bench.fastpath.RingThroughput.
 *
 * Two ethdevs made from rings with rte_eth_from_rings (DPDK's net_ring PMD):
 *   port 0: rx <- ring "rx0" (the feeder enqueues frames), tx -> ring "tx0"
 *   port 1: rx <- ring "rx1" (stays empty),               tx -> ring "tx1"
 * The forwarder under test receives on port 0 and sends to port 1. The feeder, on another
 * CPU, takes the forwarded mbufs back from tx1 (and tx0), restores the frame the forwarder
 * rewrote (MACs, TTL, checksum: the whole template frame is copied back, one cache line) and
 * re-enqueues it on rx0. So the forwarding core does none of the work a NIC's DMA would do
 * (net_pcap's infinite_rx allocates and memcpy's every frame on the forwarding core).
 *
 * fp_io_forward is testpmd's io engine (app/test-pmd/iofwd.c, DPDK 22.11, retry off): for each
 * stream rte_eth_rx_burst, then rte_eth_tx_burst of what came in, free what the device refused.
 * With two ports testpmd runs the streams 0->1 and 1->0, so this does too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#define FEED_BURST 64

static struct rte_ring *rx0, *tx0, *rx1, *tx1;
static int ports[2] = {-1, -1};

static struct {
    pthread_t thread;
    volatile int stop;
    volatile int paused;     /* returned frames wait on the tx rings; rx0 drains */
    int running;
    uint8_t *templates;      /* nflows frames of frame_len bytes */
    unsigned nflows, frame_len;
    unsigned inflight;
    /* written by the feeder only */
    volatile uint64_t fed, dry_seen, loops;
} feeder;

/* Creates the four rings and the two ring ethdevs; returns 0 or -errno. Port ids via fp_port_id. */
int fp_ring_ports_create(const char *name0, const char *name1, unsigned ring_size) {
    unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ; /* one producer, one consumer: like a NIC's descriptor ring */
    rx0 = rte_ring_create("fp_rx0", ring_size, SOCKET_ID_ANY, flags);
    tx0 = rte_ring_create("fp_tx0", ring_size, SOCKET_ID_ANY, flags);
    rx1 = rte_ring_create("fp_rx1", ring_size, SOCKET_ID_ANY, flags);
    tx1 = rte_ring_create("fp_tx1", ring_size, SOCKET_ID_ANY, flags);
    if (!rx0 || !tx0 || !rx1 || !tx1) return -rte_errno;
    ports[0] = rte_eth_from_rings(name0, &rx0, 1, &tx0, 1, SOCKET_ID_ANY);
    if (ports[0] < 0) return -rte_errno;
    ports[1] = rte_eth_from_rings(name1, &rx1, 1, &tx1, 1, SOCKET_ID_ANY);
    if (ports[1] < 0) return -rte_errno;
    return 0;
}

int fp_port_id(int which) { return ports[which]; }

/* Writes only what differs: a frame the forwarder did not touch (io-forward) costs the feeder a
 * read, so one feeder keeps up with a forwarder that only moves pointers. */
static inline void restore(struct rte_mbuf *m) {
    if (m->data_off != RTE_PKTMBUF_HEADROOM || m->data_len != feeder.frame_len || m->pkt_len != feeder.frame_len) {
        m->data_off = RTE_PKTMBUF_HEADROOM;
        m->data_len = (uint16_t) feeder.frame_len;
        m->pkt_len = feeder.frame_len;
    }
    uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
    /* the flow's template by its UDP source port (1024 + flow), which the forwarder leaves alone */
    unsigned flow = (unsigned) (((d[34] << 8) | d[35]) - 1024) % feeder.nflows;
    const uint8_t *t = feeder.templates + (size_t) flow * feeder.frame_len;
    if (memcmp(d, t, 42) != 0) memcpy(d, t, feeder.frame_len); /* MACs, TTL, checksum rewritten */
}

static unsigned drain(struct rte_ring *r, struct rte_mbuf **b) {
    unsigned n = rte_ring_dequeue_burst(r, (void **) b, FEED_BURST, NULL);
    for (unsigned i = 0; i < n; i++) restore(b[i]);
    if (n > 0) {
        /* the rings hold every mbuf in circulation, so this always fits */
        unsigned q = rte_ring_enqueue_burst(rx0, (void **) b, n, NULL);
        if (q < n) rte_pktmbuf_free_bulk(b + q, n - q);
        feeder.fed += q;
    }
    return n;
}

static void *feed(void *arg) {
    (void) arg;
    struct rte_mbuf *b[FEED_BURST];
    while (!feeder.stop) {
        feeder.loops++;
        if (feeder.paused) {
            rte_pause();
            continue;
        }
        if (rte_ring_count(rx0) == 0) feeder.dry_seen++; /* the forwarder may have polled an empty ring */
        unsigned n = drain(tx1, b) + drain(tx0, b);
        if (n == 0) rte_pause();
    }
    return NULL;
}

/* Fills `inflight` mbufs from pool with the templates, enqueues them on rx0 and starts the feeder
 * thread on `cpu` (-1: any). Returns 0 or -errno. */
int fp_feeder_start(struct rte_mempool *pool, const uint8_t *templates, unsigned nflows, unsigned frame_len,
                    unsigned inflight, int cpu) {
    if (feeder.running) return -EBUSY;
    if (nflows == 0 || frame_len < 42 || frame_len > 128) return -EINVAL;
    feeder.templates = rte_malloc("fp_templates", (size_t) nflows * frame_len, 64);
    if (!feeder.templates) return -ENOMEM;
    memcpy(feeder.templates, templates, (size_t) nflows * frame_len);
    feeder.nflows = nflows;
    feeder.frame_len = frame_len;
    feeder.inflight = inflight;
    feeder.stop = 0;
    feeder.paused = 0;
    feeder.fed = feeder.dry_seen = feeder.loops = 0;
    struct rte_mbuf *b[FEED_BURST];
    for (unsigned done = 0; done < inflight;) {
        unsigned n = inflight - done < FEED_BURST ? inflight - done : FEED_BURST;
        if (rte_pktmbuf_alloc_bulk(pool, b, n) != 0) return -ENOMEM;
        for (unsigned i = 0; i < n; i++) {
            uint8_t *d = (uint8_t *) rte_pktmbuf_append(b[i], (uint16_t) frame_len);
            memcpy(d, templates + (size_t) ((done + i) % nflows) * frame_len, frame_len);
        }
        if (rte_ring_enqueue_bulk(rx0, (void **) b, n, NULL) != n) {
            rte_pktmbuf_free_bulk(b, n);
            return -ENOSPC;
        }
        done += n;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (cpu >= 0) {
        /* the EAL pinned the forwarding (main) thread to lcore 0; a thread it starts inherits that */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    int rc = pthread_create(&feeder.thread, &attr, feed, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) return -rc;
    feeder.running = 1;
    return 0;
}

/* out[0] frames fed back onto rx0, out[1] feeder loops that saw rx0 empty, out[2] feeder loops,
 * out[3] mbufs now waiting on rx0. */
void fp_feeder_stats(uint64_t *out) {
    out[0] = feeder.fed;
    out[1] = feeder.dry_seen;
    out[2] = feeder.loops;
    out[3] = rx0 ? rte_ring_count(rx0) : 0;
}

/* Pauses (1) or resumes (0) the feeder: while paused the forwarder empties rx0 and then polls an
 * empty ring, which is how the benchmark measures the CPU cost of an empty poll. */
void fp_feeder_pause(int on) { feeder.paused = on; }

/* Stops the feeder and frees every mbuf left on the rings. */
void fp_feeder_stop(void) {
    if (!feeder.running) return;
    feeder.stop = 1;
    pthread_join(feeder.thread, NULL);
    feeder.running = 0;
    struct rte_ring *rings[4] = {rx0, tx0, rx1, tx1};
    void *b[FEED_BURST];
    for (int r = 0; r < 4; r++) {
        unsigned n;
        while ((n = rte_ring_dequeue_burst(rings[r], b, FEED_BURST, NULL)) > 0) rte_pktmbuf_free_bulk((struct rte_mbuf **) b, n);
    }
    rte_free(feeder.templates);
    feeder.templates = NULL;
}

static inline uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + (uint64_t) t.tv_nsec;
}

/* testpmd's io forwarding on ports p0 <-> p1 for `ns` nanoseconds of wall time (the clock read
 * every 256 iterations, as the Java loop does). Returns packets received; *empty gets the
 * number of polls of p0 that returned nothing. */
uint64_t fp_io_forward(uint16_t p0, uint16_t p1, uint16_t burst, uint64_t ns, uint64_t *empty) {
    struct rte_mbuf *pkts[256];
    if (burst > 256) burst = 256;
    uint16_t rxp[2] = {p0, p1}, txp[2] = {p1, p0};
    uint64_t rx = 0, dry = 0, end = now_ns() + ns;
    do {
        for (int k = 0; k < 256; k++) {
            for (int s = 0; s < 2; s++) {
                uint16_t n = rte_eth_rx_burst(rxp[s], 0, pkts, burst);
                if (n == 0) {
                    if (s == 0) dry++;
                    continue;
                }
                rx += n;
                uint16_t sent = rte_eth_tx_burst(txp[s], 0, pkts, n);
                if (sent < n) rte_pktmbuf_free_bulk(pkts + sent, n - sent);
            }
        }
    } while (now_ns() < end);
    *empty = dry;
    return rx;
}
