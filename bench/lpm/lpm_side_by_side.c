/*
 * DPDK's rte_lpm and rte_fib on the SAME route and trace files the Java side writes
 * (ocelot.lpm.workload.Ipv4RouteSet / TraceFiles), measured the way
 * ocelot.bench.lpm.Ipv4SideBySide measures Ocelot:
 *   adds/s   : every route of the file, in file order, into an empty table;
 *   lookups/s: the whole trace in bursts of 32 (rte_lpm_lookup_bulk, rte_lpm_lookupx4,
 *              rte_fib_lookup_bulk), PASSES times, best of ROUNDS;
 *   bytes    : growth of the DPDK malloc heap caused by creating and filling the table;
 *   checksum : sum over one pass of the trace of (next hop, or -1 for no route), equal to Ocelot's when
 *              both tables answer alike.
 * rte_lpm rejects a /0, so the default route becomes two /1s (same answers).
 * Output: one line per table, "name routes lookups_per_s adds_per_s bytes checksum".
 *
 * Build: gcc -O3 -march=native lpm_side_by_side.c $(pkg-config --cflags --libs libdpdk)
 * Run:   ./lpm_side_by_side ROUTES_FILE TRACE_FILE
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_lpm.h>
#include <rte_malloc.h>

#define BURST 32
#define ROUNDS 5
#define FIB_MISS 0x7fffffffULL

struct route { uint32_t prefix; uint8_t length; uint8_t pad[3]; uint32_t next_hop; };

static uint32_t nroutes, ntrace;
static struct route *routes;
static uint32_t *trace;
static int passes;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *read_file(const char *path, const char *magic, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "%s: %s\n", path, strerror(errno)); exit(2); }
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc(*size);
    if (fread(b, 1, *size, f) != *size || *size < 16 || memcmp(b, magic, 8) != 0) {
        fprintf(stderr, "%s: not a %s file\n", path, magic);
        exit(2);
    }
    fclose(f);
    return b;
}

static size_t heap_bytes(void) {
    struct rte_malloc_socket_stats s;
    rte_malloc_get_socket_stats(rte_socket_id(), &s);
    return s.heap_allocsz_bytes;
}

/* rte_lpm needs one tbl8 per /24 that holds a route longer than /24. */
static uint32_t tbl8_groups_needed(void) {
    static uint8_t seen[1 << 24 >> 3];
    uint32_t n = 0;
    memset(seen, 0, sizeof(seen));
    for (uint32_t i = 0; i < nroutes; i++) {
        if (routes[i].length <= 24) continue;
        uint32_t k = routes[i].prefix >> 8;
        if (!(seen[k >> 3] & (1 << (k & 7)))) { seen[k >> 3] |= 1 << (k & 7); n++; }
    }
    return n;
}

static void run_lpm(uint32_t tbl8s) {
    struct rte_lpm_config conf = { .max_rules = nroutes + 1, .number_tbl8s = tbl8s + 1, .flags = 0 };
    size_t before = heap_bytes();
    struct rte_lpm *lpm = rte_lpm_create("ocelot_ref_lpm", rte_socket_id(), &conf);
    if (!lpm) { fprintf(stderr, "rte_lpm_create: %s\n", rte_strerror(rte_errno)); exit(1); }
    double t0 = now();
    for (uint32_t i = 0; i < nroutes; i++) {
        struct route *r = &routes[i];
        int rc = r->length == 0
            ? (rte_lpm_add(lpm, 0, 1, r->next_hop) | rte_lpm_add(lpm, 0x80000000u, 1, r->next_hop))
            : rte_lpm_add(lpm, r->prefix, r->length, r->next_hop);
        if (rc < 0) { fprintf(stderr, "rte_lpm_add route %u: %d\n", i, rc); exit(1); }
        if ((i + 1) % 100000 == 0)
            fprintf(stderr, "rte_lpm: %u routes added, %.0f adds/s so far\n", i + 1, (i + 1) / (now() - t0));
    }
    double adds = nroutes / (now() - t0);
    size_t bytes = heap_bytes() - before;

    uint32_t hops[BURST];
    double best = 0, best4 = 0;
    int64_t sum = 0, sum4 = 0;
    for (int round = 0; round < ROUNDS; round++) {
        sum = 0;
        t0 = now();
        for (int p = 0; p < passes; p++)
            for (uint32_t i = 0; i + BURST <= ntrace; i += BURST) {
                rte_lpm_lookup_bulk(lpm, trace + i, hops, BURST);
                for (int j = 0; j < BURST; j++)
                    sum += (hops[j] & RTE_LPM_LOOKUP_SUCCESS) ? (int64_t)(hops[j] & 0x00ffffff) : -1;
            }
        double rate = (double)passes * (ntrace / BURST * BURST) / (now() - t0);
        if (rate > best) best = rate;

        sum4 = 0;
        t0 = now();
        for (int p = 0; p < passes; p++)
            for (uint32_t i = 0; i + BURST <= ntrace; i += BURST)
                for (int j = 0; j < BURST; j += 4) {
                    xmm_t ip = _mm_loadu_si128((const __m128i *)(trace + i + j));
                    rte_lpm_lookupx4(lpm, ip, hops + j, UINT32_MAX);
                    for (int k = j; k < j + 4; k++) sum4 += hops[k] == UINT32_MAX ? -1 : (int64_t)hops[k];
                }
        rate = (double)passes * (ntrace / BURST * BURST) / (now() - t0);
        if (rate > best4) best4 = rate;
    }
    printf("rte_lpm %u %.0f %.0f %zu %" PRId64 "\n", nroutes, best, adds, bytes, sum / passes);
    printf("rte_lpm_x4 %u %.0f %.0f %zu %" PRId64 "\n", nroutes, best4, adds, bytes, sum4 / passes);
    fflush(stdout);
    rte_lpm_free(lpm);
}

static void run_fib(uint32_t tbl8s) {
    struct rte_fib_conf conf;
    memset(&conf, 0, sizeof(conf));
    conf.type = RTE_FIB_DIR24_8;
    conf.default_nh = FIB_MISS;
    conf.max_routes = nroutes + 1;
    conf.rib_ext_sz = 0;
    conf.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
    conf.dir24_8.num_tbl8 = tbl8s + 1;
    size_t before = heap_bytes();
    struct rte_fib *fib = rte_fib_create("ocelot_ref_fib", rte_socket_id(), &conf);
    if (!fib) { fprintf(stderr, "rte_fib_create: %s\n", rte_strerror(rte_errno)); exit(1); }
    double t0 = now();
    for (uint32_t i = 0; i < nroutes; i++) {
        struct route *r = &routes[i];
        int rc = r->length == 0
            ? (rte_fib_add(fib, 0, 1, r->next_hop) | rte_fib_add(fib, 0x80000000u, 1, r->next_hop))
            : rte_fib_add(fib, r->prefix, r->length, r->next_hop);
        if (rc < 0) { fprintf(stderr, "rte_fib_add route %u: %d\n", i, rc); exit(1); }
    }
    double adds = nroutes / (now() - t0);
    size_t bytes = heap_bytes() - before;

    uint64_t hops[BURST];
    double best = 0;
    int64_t sum = 0;
    for (int round = 0; round < ROUNDS; round++) {
        sum = 0;
        t0 = now();
        for (int p = 0; p < passes; p++)
            for (uint32_t i = 0; i + BURST <= ntrace; i += BURST) {
                rte_fib_lookup_bulk(fib, trace + i, hops, BURST);
                for (int j = 0; j < BURST; j++) sum += hops[j] == FIB_MISS ? -1 : (int64_t)hops[j];
            }
        double rate = (double)passes * (ntrace / BURST * BURST) / (now() - t0);
        if (rate > best) best = rate;
    }
    printf("rte_fib %u %.0f %.0f %zu %" PRId64 "\n", nroutes, best, adds, bytes, sum / passes);
    fflush(stdout);
    rte_fib_free(fib);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: %s ROUTES_FILE TRACE_FILE [PASSES]\n", argv[0]); return 2; }
    size_t size;
    char *rb = read_file(argv[1], "OLPMRT4", &size);
    nroutes = *(uint32_t *)(rb + 8);
    if (16 + (size_t)nroutes * sizeof(struct route) != size) { fprintf(stderr, "%s: bad size\n", argv[1]); return 2; }
    routes = (struct route *)(rb + 16);
    char *tb = read_file(argv[2], "OLPMTR4", &size);
    ntrace = *(uint32_t *)(tb + 8);
    if (16 + (size_t)ntrace * 4 != size) { fprintf(stderr, "%s: bad size\n", argv[2]); return 2; }
    trace = (uint32_t *)(tb + 16);
    passes = argc > 3 ? atoi(argv[3]) : 4;

    char prefix[64];
    snprintf(prefix, sizeof(prefix), "--file-prefix=ocelot_lpm_%d", getpid());
    char *eal[] = { argv[0], "--no-huge", "--no-pci", "-m", "2048", "--no-shconf", prefix,
                    "-l", "0", "--log-level=lib.eal:error", NULL };
    if (rte_eal_init(10, eal) < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
    uint32_t tbl8s = tbl8_groups_needed();
    run_fib(tbl8s); /* first: it is quick, rte_lpm's build at 1M takes many minutes */
    fprintf(stderr, "rte_lpm: adding %u routes (slow: its rule table is scanned per add)\n", nroutes);
    run_lpm(tbl8s);
    rte_eal_cleanup();
    return 0;
}
