package ocelot.bgp.wire;

import java.util.HexFormat;

/** Annotated byte vectors: hex pairs with {@code //} comments per field, as GoBGP's bgp_test.go writes them. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String annotated) {
        StringBuilder sb = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int c = line.indexOf("//");
            sb.append((c >= 0 ? line.substring(0, c) : line).replaceAll("\\s", ""));
        }
        byte[] b = HexFormat.of().parseHex(sb.toString());
        SeedCorpus.offer(b);
        return b;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static final String MARKER = "ffffffffffffffffffffffffffffffff";

    /** Frames an UPDATE body with the header, computing all three lengths. */
    static byte[] update(String withdrawn, String attributes, String nlri) {
        byte[] w = bytes(withdrawn);
        byte[] a = bytes(attributes);
        byte[] n = bytes(nlri);
        int len = 19 + 2 + w.length + 2 + a.length + n.length;
        return bytes(MARKER + "%04x02".formatted(len) + "%04x".formatted(w.length) + hex(w)
                + "%04x".formatted(a.length) + hex(a) + hex(n));
    }
}
