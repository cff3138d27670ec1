package io.ams.rtp.testing;

import io.ams.rtp.h264.AnnexB;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits an H.264 Annex B elementary stream into access units of NAL units (for comparing streams in tests). */
public final class H264Stream {
    private H264Stream() {
    }

    /** The NAL units of {@code annexB}, start codes and trailing zeros removed. */
    public static List<byte[]> nalUnits(byte[] annexB) {
        List<byte[]> out = new ArrayList<>();
        for (int[] nal : AnnexB.split(annexB, 0, annexB.length)) {
            out.add(Arrays.copyOfRange(annexB, nal[0], nal[0] + nal[1]));
        }
        return out;
    }

    /**
     * Groups NAL units into access units (H.264 7.4.1.2.3): a new one begins at an AUD, SPS, PPS
     * or SEI after a slice, or at a slice with first_mb_in_slice == 0 after a slice.
     */
    public static List<List<byte[]>> accessUnits(byte[] annexB) {
        List<List<byte[]>> aus = new ArrayList<>();
        List<byte[]> current = new ArrayList<>();
        boolean sawSlice = false;
        for (byte[] nal : nalUnits(annexB)) {
            int type = nal[0] & 0x1F;
            boolean slice = type >= 1 && type <= 5;
            boolean firstMb = slice && nal.length > 1 && (nal[1] & 0x80) != 0;
            boolean boundary = sawSlice && ((type >= 6 && type <= 9) || firstMb);
            if (boundary) {
                aus.add(current);
                current = new ArrayList<>();
                sawSlice = false;
            }
            current.add(nal);
            sawSlice |= slice;
        }
        if (!current.isEmpty()) {
            aus.add(current);
        }
        return aus;
    }

    public static boolean hasIdr(List<byte[]> au) {
        return au.stream().anyMatch(n -> (n[0] & 0x1F) == 5);
    }

    public static List<Integer> types(List<byte[]> au) {
        List<Integer> t = new ArrayList<>();
        for (byte[] n : au) {
            t.add(n[0] & 0x1F);
        }
        return t;
    }
}
