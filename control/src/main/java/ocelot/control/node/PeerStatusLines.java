package ocelot.control.node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ocelot.bgp.speaker.PeerStatus;

/**
 * The status socket's format: a first line {@code ocelot-status 1}, then one tab-separated line
 * per peer with every {@link PeerStatus} field ({@code since} as epoch milliseconds), then
 * {@code end}. Tabs and newlines inside text fields (a NOTIFICATION's text in INFO) become
 * spaces. A missing {@code end} means the node died mid-answer.
 */
final class PeerStatusLines {
    static final String HEADER = "ocelot-status 1";
    /** Every field; a node from before BFD in status wrote the first ten. */
    private static final int FIELDS = 12;
    private static final int FIELDS_WITHOUT_BFD = 10;

    private PeerStatusLines() {
    }

    static String write(List<PeerStatus> peers) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (PeerStatus p : peers) {
            sb.append(clean(p.peerAddress())).append('\t').append(clean(p.peerType())).append('\t').append(clean(p.state()))
                    .append('\t').append(p.since().toEpochMilli()).append('\t').append(clean(p.info()))
                    .append('\t').append(p.established()).append('\t').append(p.prefixesReceived())
                    .append('\t').append(p.updatesReceived()).append('\t').append(p.timesEstablished())
                    .append('\t').append(p.connectAttempts()).append('\t').append(clean(p.bfd()))
                    .append('\t').append(p.bfdDowns()).append('\n');
        }
        return sb.append("end\n").toString();
    }

    static List<PeerStatus> read(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException("status socket answered '" + (lines.isEmpty() ? "" : lines.getFirst()) + "', expected '" + HEADER + "'");
        }
        if (!lines.getLast().equals("end")) throw new IllegalArgumentException("status socket answer is truncated (no end line)");
        List<PeerStatus> out = new ArrayList<>();
        for (int i = 1; i < lines.size() - 1; i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != FIELDS && f.length != FIELDS_WITHOUT_BFD) throw new IllegalArgumentException("status socket line " + (i + 1) + ": " + f.length + " fields, expected " + FIELDS);
            try {
                out.add(new PeerStatus(f[0], f[1], f[2], Instant.ofEpochMilli(Long.parseLong(f[3])), f[4], Boolean.parseBoolean(f[5]),
                        Integer.parseInt(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]),
                        f.length == FIELDS ? f[10] : "", f.length == FIELDS ? Long.parseLong(f[11]) : 0));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("status socket line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
