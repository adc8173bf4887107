/*
 * Ocelot's ABI over DPDK 22.11. Everything Java needs that FFM cannot reach directly
 * (static inline functions, struct fields) goes through these functions. Burst calls take
 * whole vectors: one downcall per burst, never one per packet.
 *
 * Ownership: rx_burst hands mbufs to the caller; tx_burst takes the first N it returns and
 * the caller still owns the rest; free_bulk takes them all.
 */
#ifndef OCELOT_SHIM_H
#define OCELOT_SHIM_H
#include <stdint.h>

#define OCELOT_SHIM_ABI_VERSION 1

/* Port counters, a copy of the rte_eth_stats fields Ocelot reports. */
struct ocelot_port_stats {
    uint64_t ipackets;
    uint64_t opackets;
    uint64_t ibytes;
    uint64_t obytes;
    uint64_t imissed;
    uint64_t ierrors;
    uint64_t oerrors;
    uint64_t rx_nombuf;
};

struct ocelot_link {
    uint32_t speed_mbps;
    uint16_t duplex_full;
    uint16_t up;
};

int  ocelot_abi_version(void);
/* Layout checks for the Java side: size/offset of the structs above. */
int  ocelot_layout(int what);

int  ocelot_eal_init(int argc, char **argv);
int  ocelot_eal_cleanup(void);
int  ocelot_errno(void);
const char *ocelot_strerror(int err);

int  ocelot_vdev_create(const char *name, const char *args);
int  ocelot_vdev_remove(const char *name);
int  ocelot_port_by_name(const char *name, uint16_t *port_id);
int  ocelot_port_count(void);
/* Gives a non-EAL thread (a Java worker) an lcore id so mempool caches work on it. */
int  ocelot_thread_register(void);
void ocelot_thread_unregister(void);
unsigned ocelot_lcore_id(void);

void *ocelot_mempool_create(const char *name, uint32_t n, uint32_t cache, uint16_t data_room, int socket);
void ocelot_mempool_free(void *pool);
uint32_t ocelot_mempool_avail(void *pool);
uint32_t ocelot_mempool_in_use(void *pool);

int  ocelot_port_configure(uint16_t port, uint16_t nrxq, uint16_t ntxq,
                           uint16_t nrxd, uint16_t ntxd, void *pool);
int  ocelot_port_start(uint16_t port);
int  ocelot_port_stop(uint16_t port);
int  ocelot_port_close(uint16_t port);
int  ocelot_port_promiscuous(uint16_t port, int on);
int  ocelot_port_stats(uint16_t port, struct ocelot_port_stats *out);
int  ocelot_port_stats_reset(uint16_t port);
int  ocelot_port_link(uint16_t port, struct ocelot_link *out);
int  ocelot_port_mac(uint16_t port, uint8_t mac[6]);

uint16_t ocelot_rx_burst(uint16_t port, uint16_t queue, void **mbufs, uint16_t n);
/* Sends mbufs[start .. start+n). Returns how many were taken; the caller owns the rest. */
uint16_t ocelot_tx_burst(uint16_t port, uint16_t queue, void **mbufs, uint16_t start, uint16_t n);
/* Same, then frees what the device did not take: every mbuf is sent or freed exactly once. */
uint16_t ocelot_tx_burst_or_free(uint16_t port, uint16_t queue, void **mbufs, uint16_t start, uint16_t n);

/* For each mbuf: address of its packet data, data_len of the first segment, pkt_len, and
 * number of segments. Any output pointer may be NULL. */
void ocelot_burst_info(void **mbufs, uint16_t n, uint64_t *data_addr,
                       uint16_t *data_len, uint32_t *pkt_len, uint16_t *nb_segs);
/* Sets data_len = pkt_len = len[i] (single-segment packets; len must fit the buffer).
 * Returns the number of mbufs whose length could not be set (too big), which are left alone. */
int  ocelot_burst_set_len(void **mbufs, uint16_t n, const uint16_t *len);
/* Moves the start of packet data by delta[i] bytes (negative = prepend headroom, positive =
 * strip), adjusting lengths; writes the new data address. Returns the count that failed
 * (no headroom / too short); those keep their data and get address 0. */
int  ocelot_burst_adjust_head(void **mbufs, uint16_t n, const int16_t *delta, uint64_t *data_addr);

int  ocelot_pktmbuf_alloc_bulk(void *pool, void **mbufs, uint16_t n);
void ocelot_pktmbuf_free_bulk(void **mbufs, uint16_t start, uint16_t n);
/* Data room (bytes from data start to buffer end) of an mbuf from this pool. */
uint16_t ocelot_mempool_data_room(void *pool);

#endif
