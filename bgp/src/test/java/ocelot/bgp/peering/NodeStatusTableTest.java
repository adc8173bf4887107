package ocelot.bgp.peering;

import ocelot.bgp.speaker.PeerStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The table matches calicoctl's `node status` layout (example from Calico's v1 docs, one more row). */
class NodeStatusTableTest {
    @Test
    void formatsLikeCalicoctl() {
        Instant now = Instant.parse("2016-11-02T23:40:00Z");
        List<PeerStatus> peers = List.of(
                new PeerStatus("172.17.8.102", "node-to-node mesh", "Established", Instant.parse("2016-11-02T23:30:04Z"),
                        "Established", true, 3, 10, 1, 1),
                new PeerStatus("172.17.8.103", "global", "Active", Instant.parse("2016-11-01T10:00:00Z"),
                        "Active Socket: Connection refused", false, 0, 0, 0, 7));
        String expected = """
                Ocelot process is running.

                IPv4 BGP status
                +--------------+-------------------+-------+------------+-----------------------------------+
                | PEER ADDRESS |     PEER TYPE     | STATE |   SINCE    |               INFO                |
                +--------------+-------------------+-------+------------+-----------------------------------+
                | 172.17.8.102 | node-to-node mesh | up    | 23:30:04   | Established                       |
                | 172.17.8.103 | global            | start | 2016-11-01 | Active Socket: Connection refused |
                +--------------+-------------------+-------+------------+-----------------------------------+

                IPv6 BGP status
                No IPv6 peers found.
                """;
        assertEquals(expected, NodeStatusTable.format(true, peers, now, ZoneOffset.UTC));
    }

    @Test
    void aBfdColumnWhenSomePeerRunsBfd() {
        Instant now = Instant.parse("2016-11-02T23:40:00Z");
        List<PeerStatus> peers = List.of(
                new PeerStatus("10.199.1.2", "global", "Established", Instant.parse("2016-11-02T23:30:04Z"),
                        "Established", true, 1, 2, 1, 1, "up", 0),
                new PeerStatus("10.199.2.2", "global", "Active", Instant.parse("2016-11-02T23:39:00Z"),
                        "Active BFD down", false, 0, 2, 1, 3, "down", 2),
                new PeerStatus("10.199.3.2", "global", "Established", Instant.parse("2016-11-02T23:30:04Z"),
                        "Established", true, 0, 1, 1, 1));
        String expected = """
                Ocelot process is running.

                IPv4 BGP status
                +--------------+-----------+-------+----------+----------------+-----------------+
                | PEER ADDRESS | PEER TYPE | STATE |  SINCE   |      BFD       |      INFO       |
                +--------------+-----------+-------+----------+----------------+-----------------+
                | 10.199.1.2   | global    | up    | 23:30:04 | up             | Established     |
                | 10.199.2.2   | global    | start | 23:39:00 | down (2 downs) | Active BFD down |
                | 10.199.3.2   | global    | up    | 23:30:04 | -              | Established     |
                +--------------+-----------+-------+----------+----------------+-----------------+

                IPv6 BGP status
                No IPv6 peers found.
                """;
        assertEquals(expected, NodeStatusTable.format(true, peers, now, ZoneOffset.UTC));
    }

    @Test
    void notRunning() {
        assertEquals("Ocelot process is not running.\n", NodeStatusTable.format(false, List.of(), Instant.EPOCH, ZoneOffset.UTC));
    }
}
