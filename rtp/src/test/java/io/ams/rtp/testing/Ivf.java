package io.ams.rtp.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the frames of an IVF file (32-byte file header, then 12-byte frame headers: size, pts). */
public final class Ivf {
    private Ivf() {
    }

    public static List<byte[]> readFrames(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 32 || all[0] != 'D' || all[1] != 'K' || all[2] != 'I' || all[3] != 'F') {
            throw new IOException(file + " is not an IVF file");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerSize = b.getShort(6) & 0xFFFF;
        List<byte[]> frames = new ArrayList<>();
        int pos = headerSize;
        while (pos + 12 <= all.length) {
            int size = b.getInt(pos);
            if (size < 0 || pos + 12 + size > all.length) {
                throw new IOException("truncated IVF frame at " + pos);
            }
            frames.add(Arrays.copyOfRange(all, pos + 12, pos + 12 + size));
            pos += 12 + size;
        }
        return frames;
    }

    /** VP8 key frame: P bit (bit 0 of the first byte) is 0. */
    public static boolean isVp8Keyframe(byte[] frame) {
        return frame.length > 0 && (frame[0] & 0x01) == 0;
    }
}
