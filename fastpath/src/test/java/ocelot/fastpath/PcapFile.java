package ocelot.fastpath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Classic libpcap files (magic a1b2c3d4, microsecond timestamps, DLT_EN10MB): written for net_pcap rx, read from its tx. */
public final class PcapFile {
    private PcapFile() {}

    public static void write(Path file, List<byte[]> frames) throws IOException {
        int size = 24;
        for (byte[] f : frames) size += 16 + f.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        int t = 0;
        for (byte[] f : frames) {
            b.putInt(1_700_000_000).putInt(t++).putInt(f.length).putInt(f.length).put(f);
        }
        Files.write(file, b.array());
    }

    public static List<byte[]> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) throw new IOException(file + ": not a pcap file (magic " + Integer.toHexString(magic) + ")");
        b.position(24);
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int caplen = b.getInt();
            b.getInt();
            byte[] f = new byte[caplen];
            b.get(f);
            out.add(f);
        }
        return out;
    }
}
