package io.ams.rtp.h264;

import java.util.ArrayList;
import java.util.List;

/** Finds the NAL units of an Annex B byte stream (start codes 00 00 01 or 00 00 00 01). */
public final class AnnexB {
    private AnnexB() {
    }

    /**
     * The NAL units in {@code data[off, off+len)} as {offset, length} pairs, start codes and
     * trailing zero bytes excluded; bytes before the first start code are ignored.
     */
    public static List<int[]> split(byte[] data, int off, int len) {
        List<int[]> nals = new ArrayList<>();
        int end = off + len;
        int start = -1;
        int i = off;
        while (i + 2 < end) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    add(nals, data, start, i);
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            add(nals, data, start, end);
        }
        return nals;
    }

    private static void add(List<int[]> nals, byte[] data, int start, int end) {
        while (end > start && data[end - 1] == 0) {
            end--;
        }
        if (end > start) {
            nals.add(new int[] {start, end - start});
        }
    }
}
