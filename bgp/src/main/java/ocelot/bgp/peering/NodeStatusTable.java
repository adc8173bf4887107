package ocelot.bgp.peering;

import ocelot.bgp.speaker.PeerStatus;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the peer table of `calicoctl node status` (calicoctl's tablewriter layout: centred
 * headers, left-aligned cells; SINCE as BIRD prints it, a time today or a date before; STATE as
 * BIRD's protocol state up/start/down), so `ocelotctl node status` only fetches and prints.
 */
public final class NodeStatusTable {
    private static final String[] HEADERS = {"PEER ADDRESS", "PEER TYPE", "STATE", "SINCE", "INFO"};
    /** With a BFD column: only when some peer runs BFD, so a table without it stays calicoctl's byte for byte. */
    private static final String[] HEADERS_BFD = {"PEER ADDRESS", "PEER TYPE", "STATE", "SINCE", "BFD", "INFO"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private NodeStatusTable() {
    }

    public static String format(boolean running, List<PeerStatus> peers, Instant now, ZoneId zone) {
        StringBuilder sb = new StringBuilder();
        sb.append(running ? "Ocelot process is running.\n" : "Ocelot process is not running.\n");
        if (!running) return sb.toString();
        List<PeerStatus> v4 = new ArrayList<>();
        List<PeerStatus> v6 = new ArrayList<>();
        for (PeerStatus p : peers) (p.peerAddress().contains(":") ? v6 : v4).add(p);
        section(sb, "IPv4", v4, now, zone);
        section(sb, "IPv6", v6, now, zone);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String family, List<PeerStatus> peers, Instant now, ZoneId zone) {
        sb.append('\n').append(family).append(" BGP status\n");
        if (peers.isEmpty()) {
            sb.append("No ").append(family).append(" peers found.\n");
            return;
        }
        boolean withBfd = peers.stream().anyMatch(p -> !p.bfd().isEmpty());
        String[] headers = withBfd ? HEADERS_BFD : HEADERS;
        List<String[]> rows = new ArrayList<>();
        for (PeerStatus p : peers) {
            rows.add(withBfd ? new String[]{p.peerAddress(), p.peerType(), state(p), since(p.since(), now, zone), bfd(p), p.info()}
                    : new String[]{p.peerAddress(), p.peerType(), state(p), since(p.since(), now, zone), p.info()});
        }
        int[] w = new int[headers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers[i].length();
            for (String[] r : rows) w[i] = Math.max(w[i], r[i].length());
        }
        String rule = rule(w);
        sb.append(rule);
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            int pad = w[i] - headers[i].length();
            // tablewriter centres with the odd space on the right: "|  SINCE   |".
            sb.append(' ').append(" ".repeat(pad / 2)).append(headers[i]).append(" ".repeat(pad - pad / 2)).append(" |");
        }
        sb.append('\n').append(rule);
        for (String[] r : rows) {
            sb.append('|');
            for (int i = 0; i < w.length; i++) sb.append(' ').append(r[i]).append(" ".repeat(w[i] - r[i].length())).append(" |");
            sb.append('\n');
        }
        sb.append(rule);
    }

    private static String rule(int[] w) {
        StringBuilder sb = new StringBuilder("+");
        for (int x : w) sb.append("-".repeat(x + 2)).append('+');
        return sb.append('\n').toString();
    }

    /** BIRD's protocol state column: up when Established, down when administratively stopped, else start. */
    static String state(PeerStatus p) {
        if (p.established()) return "up";
        return p.state().equals("Idle") ? "down" : "start";
    }

    /** The BFD column: the session state, and how often it failed if it did ("up (2 downs)"); "-" without BFD. */
    static String bfd(PeerStatus p) {
        if (p.bfd().isEmpty()) return "-";
        return p.bfdDowns() == 0 ? p.bfd() : p.bfd() + " (" + p.bfdDowns() + (p.bfdDowns() == 1 ? " down)" : " downs)");
    }

    static String since(Instant since, Instant now, ZoneId zone) {
        LocalDate day = since.atZone(zone).toLocalDate();
        return day.equals(now.atZone(zone).toLocalDate()) ? TIME.format(since.atZone(zone)) : DATE.format(since.atZone(zone));
    }
}
