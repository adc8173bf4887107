/*
 * DPDK's rte_lpm, rte_fib and rte_lpm6 as a bench-only shared library, so that
 * ocelot.bench.lpm.Ipv4SideBySide can call them through FFM in the SAME process as Ocelot's
 * tables and alternate their lookup rounds (one downcall per pass over the whole trace: the
 * FFM transition, ~10 ns, is then nothing next to the 4M lookups of a pass).
 *
 * Tables are built with rte_lpm_add / rte_fib_add / rte_lpm6_add only, route by route in the
 * order given. rte_lpm, rte_fib and rte_lpm6 reject a /0: the default route becomes two /1s (same
 * answers). A lookup pass runs the whole trace in bursts of 32, exactly as Ocelot's side does,
 * and returns the sum of the answers (next hop, or -1 for no route): the checksum that must
 * equal Ocelot's.
 *
 * The caller initialises EAL first (ocelot.dpdk.Eal.initInMemory, which loads the same
 * librte_eal.so this library links against).
 *
 * Build: gcc -O3 -march=native -shared -fPIC -o liblpm_reference.so lpm_reference.c \
 *            $(pkg-config --cflags --libs libdpdk)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>

#define BURST 32
#define FIB_MISS 0x7fffffffULL

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Bytes allocated on DPDK's heap: creating a table and filling it grows this. */
int64_t olpm_heap_bytes(void) {
    struct rte_malloc_socket_stats s;
    rte_malloc_get_socket_stats(rte_socket_id(), &s);
    return (int64_t)s.heap_allocsz_bytes;
}

/* ------------------------------------------------------------------ rte_lpm */

/*
 * Creates an rte_lpm with room for n routes and tbl8s tbl8 groups (one per /24 holding a
 * longer route) and adds the routes. Progress goes to stderr every 100k routes: at 1M
 * Calico-like routes this takes many minutes, rte_lpm's rule_add scans every rule of the same
 * depth per add. Returns NULL (message on stderr) on failure.
 */
struct rte_lpm *olpm_lpm_build(const char *name, const uint32_t *prefixes, const uint32_t *lengths,
                               const uint32_t *next_hops, uint32_t n, uint32_t tbl8s) {
    struct rte_lpm_config conf = { .max_rules = n + 1, .number_tbl8s = tbl8s + 1, .flags = 0 };
    struct rte_lpm *lpm = rte_lpm_create(name, rte_socket_id(), &conf);
    if (!lpm) {
        fprintf(stderr, "rte_lpm_create(%u rules, %u tbl8s): %s\n", n + 1, tbl8s + 1, rte_strerror(rte_errno));
        return NULL;
    }
    double t0 = now();
    for (uint32_t i = 0; i < n; i++) {
        int rc = lengths[i] == 0
            ? (rte_lpm_add(lpm, 0, 1, next_hops[i]) | rte_lpm_add(lpm, 0x80000000u, 1, next_hops[i]))
            : rte_lpm_add(lpm, prefixes[i], (uint8_t)lengths[i], next_hops[i]);
        if (rc < 0) {
            fprintf(stderr, "rte_lpm_add of route %u (%08x/%u): %d\n", i, prefixes[i], lengths[i], rc);
            rte_lpm_free(lpm);
            return NULL;
        }
        if ((i + 1) % 100000 == 0) {
            double rate = (i + 1) / (now() - t0);
            fprintf(stderr, "  rte_lpm: %u/%u routes added, %.0f adds/s so far\n", i + 1, n, rate);
        }
    }
    return lpm;
}

void olpm_lpm_free(struct rte_lpm *lpm) { rte_lpm_free(lpm); }

/* One pass of the trace through rte_lpm_lookup_bulk, bursts of 32; out holds 32 answers. */
int64_t olpm_lpm_lookup_pass(const struct rte_lpm *lpm, const uint32_t *ips, uint32_t n, uint32_t *out) {
    int64_t sum = 0;
    for (uint32_t i = 0; i + BURST <= n; i += BURST) {
        rte_lpm_lookup_bulk(lpm, ips + i, out, BURST);
        for (int j = 0; j < BURST; j++)
            sum += (out[j] & RTE_LPM_LOOKUP_SUCCESS) ? (int64_t)(out[j] & 0x00ffffff) : -1;
    }
    return sum;
}

/* The same through rte_lpm_lookupx4 (SSE, four addresses per call). */
int64_t olpm_lpm_lookupx4_pass(const struct rte_lpm *lpm, const uint32_t *ips, uint32_t n, uint32_t *out) {
    int64_t sum = 0;
    for (uint32_t i = 0; i + BURST <= n; i += BURST)
        for (int j = 0; j < BURST; j += 4) {
            xmm_t ip = _mm_loadu_si128((const __m128i *)(ips + i + j));
            rte_lpm_lookupx4(lpm, ip, out + j, UINT32_MAX);
            for (int k = j; k < j + 4; k++) sum += out[k] == UINT32_MAX ? -1 : (int64_t)out[k];
        }
    return sum;
}

/* ------------------------------------------------------------------ rte_fib */

struct rte_fib *olpm_fib_build(const char *name, const uint32_t *prefixes, const uint32_t *lengths,
                               const uint32_t *next_hops, uint32_t n, uint32_t tbl8s) {
    struct rte_fib_conf conf;
    memset(&conf, 0, sizeof(conf));
    conf.type = RTE_FIB_DIR24_8;
    conf.default_nh = FIB_MISS;
    conf.max_routes = n + 1;
    conf.rib_ext_sz = 0;
    conf.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
    conf.dir24_8.num_tbl8 = tbl8s + 1;
    struct rte_fib *fib = rte_fib_create(name, rte_socket_id(), &conf);
    if (!fib) {
        fprintf(stderr, "rte_fib_create(%u routes, %u tbl8s): %s\n", n + 1, tbl8s + 1, rte_strerror(rte_errno));
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        int rc = lengths[i] == 0
            ? (rte_fib_add(fib, 0, 1, next_hops[i]) | rte_fib_add(fib, 0x80000000u, 1, next_hops[i]))
            : rte_fib_add(fib, prefixes[i], (uint8_t)lengths[i], next_hops[i]);
        if (rc < 0) {
            fprintf(stderr, "rte_fib_add of route %u (%08x/%u): %d\n", i, prefixes[i], lengths[i], rc);
            rte_fib_free(fib);
            return NULL;
        }
    }
    return fib;
}

void olpm_fib_free(struct rte_fib *fib) { rte_fib_free(fib); }

int64_t olpm_fib_lookup_pass(struct rte_fib *fib, const uint32_t *ips, uint32_t n, uint64_t *out) {
    int64_t sum = 0;
    for (uint32_t i = 0; i + BURST <= n; i += BURST) {
        rte_fib_lookup_bulk(fib, (uint32_t *)(ips + i), out, BURST);
        for (int j = 0; j < BURST; j++) sum += out[j] == FIB_MISS ? -1 : (int64_t)out[j];
    }
    return sum;
}

/* ------------------------------------------------------------------ rte_lpm6 */

/* prefixes: n * 16 bytes, network order. rte_lpm6 rejects a /0 too: two /1s. */
struct rte_lpm6 *olpm_lpm6_build(const char *name, const uint8_t *prefixes, const uint32_t *lengths,
                                 const uint32_t *next_hops, uint32_t n, uint32_t tbl8s) {
    struct rte_lpm6_config conf = { .max_rules = n + 1, .number_tbl8s = tbl8s + 1, .flags = 0 };
    struct rte_lpm6 *lpm = rte_lpm6_create(name, rte_socket_id(), &conf);
    if (!lpm) {
        fprintf(stderr, "rte_lpm6_create(%u rules, %u tbl8s): %s\n", n + 1, tbl8s + 1, rte_strerror(rte_errno));
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        int rc;
        if (lengths[i] == 0) {
            uint8_t half[16] = { 0 };
            rc = rte_lpm6_add(lpm, half, 1, next_hops[i]);
            half[0] = 0x80;
            rc |= rte_lpm6_add(lpm, half, 1, next_hops[i]);
        } else {
            rc = rte_lpm6_add(lpm, prefixes + 16 * (size_t)i, (uint8_t)lengths[i], next_hops[i]);
        }
        if (rc < 0) {
            fprintf(stderr, "rte_lpm6_add of route %u (/%u): %d\n", i, lengths[i], rc);
            rte_lpm6_free(lpm);
            return NULL;
        }
    }
    return lpm;
}

void olpm_lpm6_free(struct rte_lpm6 *lpm) { rte_lpm6_free(lpm); }

/* ips: n * 16 bytes; out holds 32 answers. */
int64_t olpm_lpm6_lookup_pass(const struct rte_lpm6 *lpm, const uint8_t *ips, uint32_t n, int32_t *out) {
    int64_t sum = 0;
    for (uint32_t i = 0; i + BURST <= n; i += BURST) {
        rte_lpm6_lookup_bulk_func(lpm, (uint8_t (*)[RTE_LPM6_IPV6_ADDR_SIZE])(ips + 16 * (size_t)i), out, BURST);
        for (int j = 0; j < BURST; j++) sum += out[j];
    }
    return sum;
}
