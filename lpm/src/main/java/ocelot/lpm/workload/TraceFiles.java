package ocelot.lpm.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * IPv4 address traces on disk, read by the C harness too:
 * {@code char[8] "OLPMTR4\0"; u32 count; u32 0; count x u32 address} (little-endian, host order).
 */
public final class TraceFiles {
    static final byte[] MAGIC = {'O', 'L', 'P', 'M', 'T', 'R', '4', 0};
    private static final int HEADER_BYTES = 16;

    private TraceFiles() {}

    public static void writeIpv4(Path file, int[] addresses) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + 4 * addresses.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(addresses.length).putInt(0);
        b.asIntBuffer().put(addresses);
        b.position(0);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) c.write(b);
        }
    }

    public static int[] readIpv4(Path file) throws IOException {
        ByteBuffer b = readAll(file, MAGIC, HEADER_BYTES);
        int count = b.getInt(8);
        if (count < 0 || 4L * count != b.capacity() - HEADER_BYTES) {
            throw new IOException(file + ": header says " + count + " addresses but the file holds "
                    + (b.capacity() - HEADER_BYTES) + " bytes of them");
        }
        int[] addresses = new int[count];
        b.position(HEADER_BYTES);
        b.asIntBuffer().get(addresses);
        return addresses;
    }

    static ByteBuffer readAll(Path file, byte[] magic, int headerBytes) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < headerBytes || !Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
            throw new IOException(file + ": not a file of this kind (expected magic "
                    + new String(magic, 0, magic.length - 1, java.nio.charset.StandardCharsets.US_ASCII) + ")");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
