package ocelot.fastpath.port;

/**
 * What a port faces, which decides the policy it gets (Calico's interface classes).
 */
public enum PortRole {
    /** A workload's interface (Calico's cali*): its endpoint's egress policy applies to what it sends. */
    WORKLOAD,
    /** A host endpoint (a NIC of the node carrying host traffic under host-endpoint policy). */
    HOST,
    /** The fabric uplink: traffic to and from other nodes, IPIP tunnels, the outside world. */
    FABRIC,
    /**
     * A router's port facing its own rack (the node process in router mode): forwarded as a
     * FABRIC port is, but natOutgoing never applies out of it (its side is inside the fabric;
     * only the border, a FABRIC port, translates).
     */
    RACK,
    /** The exception path to the node's kernel (a TAP): BGP, SSH, the API. */
    EXCEPTION
}
