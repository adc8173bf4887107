/* See ocelot_shim.h for the contract. Every function is a thin wrapper: no policy here. */
#include "ocelot_shim.h"

#include <stddef.h>
#include <string.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_bus_vdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_lcore.h>

int ocelot_abi_version(void) { return OCELOT_SHIM_ABI_VERSION; }

int ocelot_layout(int what) {
    switch (what) {
    case 0: return (int) sizeof(struct ocelot_port_stats);
    case 1: return (int) offsetof(struct ocelot_port_stats, ipackets);
    case 2: return (int) offsetof(struct ocelot_port_stats, opackets);
    case 3: return (int) offsetof(struct ocelot_port_stats, ibytes);
    case 4: return (int) offsetof(struct ocelot_port_stats, obytes);
    case 5: return (int) offsetof(struct ocelot_port_stats, imissed);
    case 6: return (int) offsetof(struct ocelot_port_stats, ierrors);
    case 7: return (int) offsetof(struct ocelot_port_stats, oerrors);
    case 8: return (int) offsetof(struct ocelot_port_stats, rx_nombuf);
    case 10: return (int) sizeof(struct ocelot_link);
    case 11: return (int) offsetof(struct ocelot_link, speed_mbps);
    case 12: return (int) offsetof(struct ocelot_link, duplex_full);
    case 13: return (int) offsetof(struct ocelot_link, up);
    default: return -1;
    }
}

int ocelot_eal_init(int argc, char **argv) { return rte_eal_init(argc, argv); }
int ocelot_eal_cleanup(void) { return rte_eal_cleanup(); }
int ocelot_errno(void) { return rte_errno; }
const char *ocelot_strerror(int err) { return rte_strerror(err); }

int ocelot_vdev_create(const char *name, const char *args) { return rte_vdev_init(name, args); }
int ocelot_vdev_remove(const char *name) { return rte_vdev_uninit(name); }
int ocelot_port_by_name(const char *name, uint16_t *port_id) { return rte_eth_dev_get_port_by_name(name, port_id); }
int ocelot_port_count(void) { return rte_eth_dev_count_avail(); }
int ocelot_thread_register(void) { return rte_thread_register(); }
void ocelot_thread_unregister(void) { rte_thread_unregister(); }
unsigned ocelot_lcore_id(void) { return rte_lcore_id(); }

void *ocelot_mempool_create(const char *name, uint32_t n, uint32_t cache, uint16_t data_room, int socket) {
    return rte_pktmbuf_pool_create(name, n, cache, 0, data_room, socket < 0 ? (int) rte_socket_id() : socket);
}
void ocelot_mempool_free(void *pool) { rte_mempool_free((struct rte_mempool *) pool); }
uint32_t ocelot_mempool_avail(void *pool) { return rte_mempool_avail_count((struct rte_mempool *) pool); }
uint32_t ocelot_mempool_in_use(void *pool) { return rte_mempool_in_use_count((struct rte_mempool *) pool); }
uint16_t ocelot_mempool_data_room(void *pool) { return rte_pktmbuf_data_room_size((struct rte_mempool *) pool); }

int ocelot_port_configure(uint16_t port, uint16_t nrxq, uint16_t ntxq, uint16_t nrxd, uint16_t ntxd, void *pool) {
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    memset(&conf, 0, sizeof(conf));
    int rc = rte_eth_dev_info_get(port, &info);
    if (rc != 0) return rc;
    if (nrxq > 1 && info.max_rx_queues >= nrxq) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
        if (conf.rx_adv_conf.rss_conf.rss_hf == 0) conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
    }
    rc = rte_eth_dev_configure(port, nrxq, ntxq, &conf);
    if (rc != 0) return rc;
    rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd);
    if (rc != 0) return rc;
    int socket = rte_eth_dev_socket_id(port);
    for (uint16_t q = 0; q < nrxq; q++) {
        rc = rte_eth_rx_queue_setup(port, q, nrxd, socket, NULL, (struct rte_mempool *) pool);
        if (rc != 0) return rc;
    }
    for (uint16_t q = 0; q < ntxq; q++) {
        rc = rte_eth_tx_queue_setup(port, q, ntxd, socket, NULL);
        if (rc != 0) return rc;
    }
    return 0;
}
int ocelot_port_start(uint16_t port) { return rte_eth_dev_start(port); }
int ocelot_port_stop(uint16_t port) { return rte_eth_dev_stop(port); }
int ocelot_port_close(uint16_t port) { return rte_eth_dev_close(port); }
int ocelot_port_promiscuous(uint16_t port, int on) {
    return on ? rte_eth_promiscuous_enable(port) : rte_eth_promiscuous_disable(port);
}

int ocelot_port_stats(uint16_t port, struct ocelot_port_stats *out) {
    struct rte_eth_stats s;
    int rc = rte_eth_stats_get(port, &s);
    if (rc != 0) return rc;
    out->ipackets = s.ipackets;
    out->opackets = s.opackets;
    out->ibytes = s.ibytes;
    out->obytes = s.obytes;
    out->imissed = s.imissed;
    out->ierrors = s.ierrors;
    out->oerrors = s.oerrors;
    out->rx_nombuf = s.rx_nombuf;
    return 0;
}
int ocelot_port_stats_reset(uint16_t port) { return rte_eth_stats_reset(port); }

int ocelot_port_link(uint16_t port, struct ocelot_link *out) {
    struct rte_eth_link link;
    memset(&link, 0, sizeof(link));
    int rc = rte_eth_link_get_nowait(port, &link);
    if (rc != 0) return rc;
    out->speed_mbps = link.link_speed;
    out->duplex_full = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
    out->up = link.link_status == RTE_ETH_LINK_UP;
    return 0;
}

int ocelot_port_mac(uint16_t port, uint8_t mac[6]) {
    struct rte_ether_addr a;
    int rc = rte_eth_macaddr_get(port, &a);
    if (rc == 0) memcpy(mac, a.addr_bytes, 6);
    return rc;
}

uint16_t ocelot_rx_burst(uint16_t port, uint16_t queue, void **mbufs, uint16_t n) {
    return rte_eth_rx_burst(port, queue, (struct rte_mbuf **) mbufs, n);
}
uint16_t ocelot_tx_burst(uint16_t port, uint16_t queue, void **mbufs, uint16_t start, uint16_t n) {
    return rte_eth_tx_burst(port, queue, (struct rte_mbuf **) mbufs + start, n);
}
uint16_t ocelot_tx_burst_or_free(uint16_t port, uint16_t queue, void **mbufs, uint16_t start, uint16_t n) {
    struct rte_mbuf **m = (struct rte_mbuf **) mbufs + start;
    uint16_t sent = rte_eth_tx_burst(port, queue, m, n);
    if (sent < n) rte_pktmbuf_free_bulk(m + sent, n - sent);
    return sent;
}

void ocelot_burst_info(void **mbufs, uint16_t n, uint64_t *data_addr,
                       uint16_t *data_len, uint32_t *pkt_len, uint16_t *nb_segs) {
    struct rte_mbuf **m = (struct rte_mbuf **) mbufs;
    for (uint16_t i = 0; i < n; i++) {
        if (data_addr) data_addr[i] = (uint64_t) (uintptr_t) rte_pktmbuf_mtod(m[i], void *);
        if (data_len) data_len[i] = m[i]->data_len;
        if (pkt_len) pkt_len[i] = m[i]->pkt_len;
        if (nb_segs) nb_segs[i] = m[i]->nb_segs;
    }
}

int ocelot_burst_set_len(void **mbufs, uint16_t n, const uint16_t *len) {
    struct rte_mbuf **m = (struct rte_mbuf **) mbufs;
    int failed = 0;
    for (uint16_t i = 0; i < n; i++) {
        if (m[i]->nb_segs != 1 || len[i] > m[i]->buf_len - m[i]->data_off) { failed++; continue; }
        m[i]->data_len = len[i];
        m[i]->pkt_len = len[i];
    }
    return failed;
}

int ocelot_burst_adjust_head(void **mbufs, uint16_t n, const int16_t *delta, uint64_t *data_addr) {
    struct rte_mbuf **m = (struct rte_mbuf **) mbufs;
    int failed = 0;
    for (uint16_t i = 0; i < n; i++) {
        void *p;
        if (delta[i] < 0) p = rte_pktmbuf_prepend(m[i], (uint16_t) (-delta[i]));
        else if (delta[i] > 0) p = rte_pktmbuf_adj(m[i], (uint16_t) delta[i]);
        else p = rte_pktmbuf_mtod(m[i], void *);
        if (p == NULL) { failed++; if (data_addr) data_addr[i] = 0; continue; }
        if (data_addr) data_addr[i] = (uint64_t) (uintptr_t) p;
    }
    return failed;
}

int ocelot_pktmbuf_alloc_bulk(void *pool, void **mbufs, uint16_t n) {
    return rte_pktmbuf_alloc_bulk((struct rte_mempool *) pool, (struct rte_mbuf **) mbufs, n);
}
void ocelot_pktmbuf_free_bulk(void **mbufs, uint16_t start, uint16_t n) {
    rte_pktmbuf_free_bulk((struct rte_mbuf **) mbufs + start, n);
}
