package ocelot.bgp.wire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Exports every whole message the byte-vector tests build as a seed for
 * {@link UpdateDecoderFuzzTest} (type octet + body, named by content), when the tests run with
 * {@code -Docelot.bgp.writeSeeds=DIR}; otherwise does nothing.
 */
final class SeedCorpus {
    private static final String DIR = System.getProperty("ocelot.bgp.writeSeeds");

    private SeedCorpus() {
    }

    static void offer(byte[] message) {
        if (DIR == null || message.length < MessageCodec.HEADER_LENGTH) return;
        for (int i = 0; i < 16; i++) if (message[i] != (byte) 0xff) return;
        byte[] seed = new byte[message.length - MessageCodec.HEADER_LENGTH + 1];
        seed[0] = message[18];
        System.arraycopy(message, MessageCodec.HEADER_LENGTH, seed, 1, seed.length - 1);
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(seed);
            Files.createDirectories(Path.of(DIR));
            Files.write(Path.of(DIR, "vector-" + HexFormat.of().formatHex(digest, 0, 8)), seed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
