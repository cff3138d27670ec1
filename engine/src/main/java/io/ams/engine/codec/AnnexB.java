package io.ams.engine.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Scans H.264 Annex B byte streams (NAL units behind 3- or 4-byte start codes). */
final class AnnexB {
    static final int NAL_IDR = 5;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;

    private AnnexB() {
    }

    /** The NAL unit types in {@code data}, in order. */
    static List<Integer> nalTypes(byte[] data) {
        List<Integer> types = new ArrayList<>();
        for (int[] nal : nalUnits(data)) {
            types.add(data[nal[0]] & 0x1f);
        }
        return types;
    }

    static boolean contains(byte[] data, int nalType) {
        return nalTypes(data).contains(nalType);
    }

    /** The SPS and PPS units of {@code data}, each behind a 4-byte start code; empty if none. */
    static byte[] parameterSets(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] nal : nalUnits(data)) {
            int type = data[nal[0]] & 0x1f;
            if (type == NAL_SPS || type == NAL_PPS) {
                out.write(0);
                out.write(0);
                out.write(0);
                out.write(1);
                out.write(data, nal[0], nal[1] - nal[0]);
            }
        }
        return out.toByteArray();
    }

    /** [start, end) of each NAL unit's payload (after its start code). */
    static List<int[]> nalUnits(byte[] data) {
        List<int[]> units = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < data.length) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (start >= 0) {
                    int end = i;
                    if (end > start && data[end - 1] == 0) {
                        end--; // the leading zero of a 4-byte start code
                    }
                    units.add(new int[] {start, end});
                }
                start = i + 3;
                i += 3;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < data.length) {
            units.add(new int[] {start, data.length});
        }
        return units;
    }
}
