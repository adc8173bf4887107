/**
 * Ocelot's BGP-4 speaker, in the spirit of BIRD's {@code DOC:} block of proto/bgp/bgp.c.
 *
 * <h2>How the parts fit</h2>
 * Six packages, dependencies pointing one way only (checked over the class files by
 * {@code LayeringTest}):
 * <pre>
 *   bfd      single-hop BFD (BfdPacket, BfdSession on an injected clock, BfdSocket through FFM,
 *            BfdEndpoint's thread); nothing else of bgp/. Used by the speaker (PeerSettings.bfd).
 *     ^
 *   wire     codec: records for OPEN/UPDATE/NOTIFICATION/KEEPALIVE/ROUTE-REFRESH, the path
 *            attribute descriptor table (AttributeType), RFC 7606 verdicts (ErrorHandling),
 *            Netty frame decoder / message decoder / shared encoder. JDK + Netty buffers only.
 *     ^
 *   session  the RFC 4271 FSM per peer (Session, Connection), timers on an injected clock,
 *            connect retry with backoff, collision detection, TCP MD5 via FFM (TcpMd5).
 *     ^
 *   rib      Adj-RIB-In (paths in each Destination), Loc-RIB and the decision process
 *            (DecisionProcess, BestPathReason), export rules and route reflection (RouteExport),
 *            Adj-RIB-Out per update group (UpdateGroup, UpdatePacker), the FIB hand-off (FibSink).
 *     ^
 *   speaker  BgpSpeaker: one epoll event loop running every session, timer, decode and socket
 *            write; the RIB on its own thread (RibThread), fed in order through a bounded
 *            single-producer ring, one batch per loop iteration.
 *     ^
 *   peering  Calico's model as plain inputs (CalicoNode, BgpPeerSpec, PeeringInputs) turned into
 *            speaker settings (PeeringPlan), and calicoctl's `node status` table (NodeStatusTable).
 * </pre>
 *
 * <h2>Receive path</h2>
 * BgpFrameDecoder cuts whole messages (marker, 19..4096) &rarr; BgpMessageDecoder decodes with the
 * options negotiated in OPEN (4-octet AS, internal/external, families); UPDATE errors are graded
 * by RFC 7606 and applied in the decoder (treat-as-withdraw moves NLRI into withdrawn; attribute
 * discard drops the attribute); only the cases RFC 7606 still reserves for a reset raise
 * BgpWireException, answered with a NOTIFICATION carrying the RFC 4271 code/subcode/data &rarr;
 * Session checks the FSM state and hands the UPDATE to the RIB (batched per event-loop
 * iteration onto the RIB thread, in arrival order; {@code -Docelot.bgp.ribThread=off} runs the
 * RIB on the loop instead) &rarr; import loop checks (own AS,
 * ORIGINATOR_ID, CLUSTER_LIST) &rarr; Destination.select &rarr; best changes go to the FibSink
 * and onto the dirty list. UPDATE NLRI are decoded into primitive columns (PrefixList) and equal
 * attribute sets are shared (AttributeCache, BIRD's rta cache), so a route costs a Destination
 * and a Path and no Prefix or attribute object of its own.
 *
 * <h2>Send path</h2>
 * At the end of each read batch the RIB flushes: every update group computes its Adj-RIB-Out
 * delta from the dirty list, packs prefixes that share attributes into UPDATEs of up to 4096
 * octets and UPDATEs into 64 KiB buffers, encodes each once and writes retained duplicates to
 * every member (FRR's update groups), skipping the member a route came from (a member whose own
 * route replaced one we had sent it gets that one withdrawn). On the RIB thread, each member's
 * buffers go back to the event loop as one task per flush, written only if that session is still
 * the one they were encoded for.
 *
 * <h2>Graceful restart</h2>
 * Helper side (RFC 4724 §4.2): when a peer that advertised the capability loses its transport
 * (not a NOTIFICATION), its paths in the families its capability listed (none listed: none kept;
 * the others go at once) stay, marked stale and used for forwarding, until it sends
 * End-of-RIB (stale leftovers are swept) or its restart time runs out; if it comes back without
 * the capability or without the F bit for a family, that family's stale paths go at once.
 * Restarting side (§4.1): {@code BgpSpeaker.closeForRestart} drops the sessions without a
 * NOTIFICATION and leaves the FIB alone; the next speaker, started with a {@code RestartState}
 * (the routes the FIB kept), sends OPENs with the R bit and the F bit of every family, installs
 * learned routes as they come but advertises nothing until every Established peer that does
 * graceful restart (and is not restarting itself) has sent End-of-RIB, or the selection deferral
 * timer fires; then it sends every peer its table and End-of-RIB, and removes from the FIB the
 * preserved routes nobody re-announced. Every OPEN lists all configured families in the
 * capability (a helper such as BIRD keeps routes only for listed families).
 *
 * <h2>Supported RFCs (also the interop checklist)</h2>
 * RFC 4271 BGP-4; RFC 4760 multiprotocol (IPv4/IPv6 unicast); RFC 2545 IPv6 next hops
 * (link-local accepted); RFC 6793 4-octet AS (AS4_PATH/AS4_AGGREGATOR towards old speakers);
 * RFC 5492 capabilities; RFC 2918 route refresh; RFC 4724 graceful restart (helper and restarting speaker) with RFC 8538's N bit (optional); RFC 8950
 * extended next hop (capability codec only); RFC 4456 route reflection; RFC 1997 communities;
 * RFC 8092 large communities; RFC 4360 extended communities and RFC 5701 IPv6-address-specific
 * ones (non-transitive ones kept inside the AS); RFC 7606 revised error handling (table:
 * bgp/README.md), with RFC 7607 (AS 0) and RFC 5065 §5 (no confederation segments from an
 * external peer; none sent to one); RFC 2385 TCP MD5; RFC 5082 GTSM (TtlSecurity); RFC 4486 Cease subcodes; RFC 9003
 * shutdown communication (logged as text); dynamic neighbours (listen ranges, BIRD's
 * {@code neighbor range}); RFC 5880/5881 BFD (single hop, asynchronous) with RFC 5882 §4.3 and
 * RFC 9384 (Cease/BFD Down). Interop is tested against BIRD 2.0.12, BIRD 1.6.8, FRR 8.4 (bgpd,
 * bfdd) and GoBGP 3.10 on loopback addresses, and BIRD 2's BFD over a veth pair.
 */
package ocelot.bgp;
