package io.ams.rtp.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input format of the fuzz targets that take a stream of datagrams rather than one: records of
 * {@code [arrival delta in ms: 1 byte][length: 2 bytes big-endian][datagram: length bytes]}. A
 * last record shorter than its length field takes what is left. Any byte string decodes, so the
 * fuzzer's mutations (lengths included) all reach the code under test.
 */
public final class PacketRecords {
    /** One datagram and how long after the previous one it arrived. */
    public record Datagram(int delayMillis, byte[] bytes) {
    }

    private PacketRecords() {
    }

    /** At most {@code max} datagrams of {@code input}. */
    public static List<Datagram> decode(byte[] input, int max) {
        List<Datagram> out = new ArrayList<>();
        int pos = 0;
        while (pos + 3 <= input.length && out.size() < max) {
            int delay = input[pos] & 0xFF;
            int len = ((input[pos + 1] & 0xFF) << 8) | (input[pos + 2] & 0xFF);
            pos += 3;
            int end = Math.min(input.length, pos + len);
            out.add(new Datagram(delay, Arrays.copyOfRange(input, pos, end)));
            pos = end;
        }
        return out;
    }

    /** The records of {@code datagrams}, each {@code delayMillis} after the previous one (seed corpora). */
    public static byte[] encode(List<byte[]> datagrams, int delayMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] d : datagrams) {
            out.write(delayMillis);
            out.write(d.length >>> 8);
            out.write(d.length);
            out.write(d, 0, d.length);
        }
        return out.toByteArray();
    }
}
