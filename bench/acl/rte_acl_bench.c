/*
 * rte_acl side of bench/acl/side-by-side.sh: reads a ClassBench rule file and its trace (the
 * same files Ocelot reads), builds an rte_acl context with the best classify algorithm this
 * CPU supports (AVX512X32 > AVX512X16 > AVX2 > SSE > scalar), and prints one line:
 *   rte_acl <set> <alg> <classifications/s> <build ms> <update ms> <memory bytes> <checksum>
 * rte_acl cannot add or remove a rule in a built context: a single-rule update is
 * rte_acl_reset_rules + rte_acl_add_rules (all rules) + rte_acl_build, which is what we time
 * (the first build's time when that took over 2 s).
 * The checksum folds every result (rule index, -1 for no match) so the script can show that
 * both classifiers returned the same answers.
 */
#include <rte_eal.h>
#include <rte_acl.h>
#include <rte_cpuflags.h>
#include <rte_malloc.h>
#include <rte_vect.h>
#include <rte_byteorder.h>
#include <rte_lcore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ipv4_5tuple { uint8_t proto; uint32_t ip_src; uint32_t ip_dst; uint16_t port_src; uint16_t port_dst; };

static struct rte_acl_field_def defs[5] = {
	{ .type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1, .field_index = 0, .input_index = 0, .offset = offsetof(struct ipv4_5tuple, proto) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = 1, .input_index = 1, .offset = offsetof(struct ipv4_5tuple, ip_src) },
	{ .type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = 2, .input_index = 2, .offset = offsetof(struct ipv4_5tuple, ip_dst) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = 3, .input_index = 3, .offset = offsetof(struct ipv4_5tuple, port_src) },
	{ .type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = 4, .input_index = 3, .offset = offsetof(struct ipv4_5tuple, port_dst) },
};
RTE_ACL_RULE_DEF(acl4_rule, 5);

/* CPU time of this thread: the machine is shared, and descheduled time is not the classifier's. */
static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static struct acl4_rule *rules;
static int nrules;
static struct ipv4_5tuple *headers;
static const uint8_t **data;
static uint32_t *results;
static int nheaders;

static void read_rules(const char *path) {
	FILE *f = fopen(path, "r");
	if (!f) { perror(path); exit(1); }
	int cap = 1024;
	rules = calloc(cap, sizeof(*rules));
	char line[512];
	while (fgets(line, sizeof line, f)) {
		unsigned s[4], d[4], sl, dl, slo, shi, dlo, dhi, pv, pm;
		if (sscanf(line, "@%u.%u.%u.%u/%u %u.%u.%u.%u/%u %u : %u %u : %u %x/%x", &s[0], &s[1], &s[2], &s[3], &sl,
			   &d[0], &d[1], &d[2], &d[3], &dl, &slo, &shi, &dlo, &dhi, &pv, &pm) != 16) {
			fprintf(stderr, "%s:%d: cannot parse rule\n", path, nrules + 1);
			exit(1);
		}
		if (nrules == cap) rules = realloc(rules, (cap *= 2) * sizeof(*rules));
		struct acl4_rule *r = &rules[nrules];
		memset(r, 0, sizeof(*r));
		r->field[0].value.u8 = pv & pm; r->field[0].mask_range.u8 = pm;
		r->field[1].value.u32 = s[0] << 24 | s[1] << 16 | s[2] << 8 | s[3]; r->field[1].mask_range.u32 = sl;
		r->field[2].value.u32 = d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3]; r->field[2].mask_range.u32 = dl;
		r->field[3].value.u16 = slo; r->field[3].mask_range.u16 = shi;
		r->field[4].value.u16 = dlo; r->field[4].mask_range.u16 = dhi;
		nrules++;
	}
	fclose(f);
	for (int i = 0; i < nrules; i++) {
		rules[i].data.category_mask = 1;
		rules[i].data.priority = nrules - i;   /* first line wins */
		rules[i].data.userdata = i + 1;        /* 0 means no match */
	}
}

static void read_trace(const char *path) {
	FILE *f = fopen(path, "r");
	if (!f) { perror(path); exit(1); }
	int cap = 1024;
	headers = calloc(cap, sizeof(*headers));
	unsigned long src, dst, sp, dp, proto, flags, filt;
	while (fscanf(f, "%lu %lu %lu %lu %lu %lu %lu", &src, &dst, &sp, &dp, &proto, &flags, &filt) == 7) {
		if (nheaders == cap) headers = realloc(headers, (cap *= 2) * sizeof(*headers));
		struct ipv4_5tuple *h = &headers[nheaders++];
		memset(h, 0, sizeof(*h));
		h->proto = proto;
		h->ip_src = rte_cpu_to_be_32(src);
		h->ip_dst = rte_cpu_to_be_32(dst);
		h->port_src = rte_cpu_to_be_16(sp);
		h->port_dst = rte_cpu_to_be_16(dp);
	}
	fclose(f);
	data = malloc(nheaders * sizeof(*data));
	results = malloc(nheaders * sizeof(*results));
	for (int i = 0; i < nheaders; i++) data[i] = (const uint8_t *)&headers[i];
}

static size_t heap_used(void) {
	struct rte_malloc_socket_stats st;
	rte_malloc_get_socket_stats(rte_socket_id(), &st);
	return st.heap_allocsz_bytes;
}

static void build(struct rte_acl_ctx *ctx) {
	struct rte_acl_config cfg = { .num_categories = 1, .num_fields = 5, .max_size = 0 };
	memcpy(cfg.defs, defs, sizeof(defs));
	rte_acl_reset_rules(ctx);
	if (rte_acl_add_rules(ctx, (struct rte_acl_rule *)rules, nrules) != 0) { fprintf(stderr, "add_rules failed\n"); exit(1); }
	int rc = rte_acl_build(ctx, &cfg);
	if (rc != 0) { fprintf(stderr, "rte_acl_build failed: %d\n", rc); exit(1); }
}

int main(int argc, char **argv) {
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "-m", "4096", "--no-shconf", "--file-prefix=ocelot_acl_bench", "--log-level=lib.eal:error", NULL };
	if (argc < 4) { fprintf(stderr, "usage: %s SETNAME RULES TRACE [SECONDS]\n", argv[0]); return 2; }
	if (rte_eal_init(8, eal) < 0) { fprintf(stderr, "EAL init failed\n"); return 1; }
	double seconds = argc > 4 ? atof(argv[4]) : 1.0;
	read_rules(argv[2]);
	read_trace(argv[3]);
	rte_vect_set_max_simd_bitwidth(RTE_VECT_SIMD_512);

	size_t before = heap_used();
	struct rte_acl_param p = { .name = "bench", .socket_id = SOCKET_ID_ANY, .rule_size = RTE_ACL_RULE_SZ(5), .max_rule_num = nrules };
	double t0 = now();
	struct rte_acl_ctx *ctx = rte_acl_create(&p);
	if (!ctx) { fprintf(stderr, "rte_acl_create failed\n"); return 1; }
	build(ctx);
	double buildMs = (now() - t0) * 1e3;
	size_t memory = heap_used() - before;

	static const struct { enum rte_acl_classify_alg alg; const char *name; } algs[] = {
		{ RTE_ACL_CLASSIFY_AVX512X32, "AVX512X32" }, { RTE_ACL_CLASSIFY_AVX512X16, "AVX512X16" },
		{ RTE_ACL_CLASSIFY_AVX2, "AVX2" }, { RTE_ACL_CLASSIFY_SSE, "SSE" }, { RTE_ACL_CLASSIFY_SCALAR, "SCALAR" } };
	const char *algName = "?";
	for (unsigned i = 0; i < sizeof algs / sizeof algs[0]; i++) {
		if (rte_acl_set_ctx_classify(ctx, algs[i].alg) == 0) { algName = algs[i].name; break; }
	}

	/* A single-rule update: rte_acl has no incremental path, so it is a full rebuild. Timed as a
	 * second build when the first took under 2 s; past that (fw sets at 10k, most at 100k) the
	 * rebuild is the build again and the run's time budget goes to classifying instead. */
	double updMs = buildMs;
	if (buildMs < 2000) {
		double u0 = now();
		build(ctx);
		updMs = (now() - u0) * 1e3;
	}

	/* Classify the trace in bursts of 64 (the dataplane's burst), repeatedly, for `seconds`. */
	const int burst = 64;
	long done = 0;
	for (int i = 0; i + burst <= nheaders; i += burst) rte_acl_classify(ctx, data + i, results + i, burst, 1); /* warm */
	double c0 = now(), c1;
	do {
		for (int i = 0; i < nheaders; i += burst) {
			int m = nheaders - i < burst ? nheaders - i : burst;
			rte_acl_classify(ctx, data + i, results + i, m, 1);
		}
		done += nheaders;
		c1 = now();
	} while (c1 - c0 < seconds);
	uint64_t checksum = 0;
	for (int i = 0; i < nheaders; i++) checksum = checksum * 31 + (uint64_t)(int64_t)((int)results[i] - 1);
	printf("rte_acl %s %s %.0f %.3f %.3f %zu %016llx\n", argv[1], algName, done / (c1 - c0), buildMs, updMs, memory,
	       (unsigned long long)checksum);
	rte_acl_free(ctx);
	rte_eal_cleanup();
	return 0;
}
