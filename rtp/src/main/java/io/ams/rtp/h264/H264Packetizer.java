package io.ams.rtp.h264;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.Packetizer;
import io.ams.rtp.RtpPayload;

import java.util.ArrayList;
import java.util.List;

/**
 * H.264 packetizer (RFC 6184, packetization-mode 1). Splits an Annex B access unit (3- or 4-byte
 * start codes) into NAL units; runs of consecutive small NAL units (such as SPS + PPS) go as one
 * STAP-A, a NAL unit that fits alone as a single NAL unit packet, a bigger one as FU-A fragments
 * of nearly equal size. The last packet of the access unit carries the marker.
 */
public final class H264Packetizer implements Packetizer {
    private static final int MIN_PAYLOAD = 16;

    private final int maxPayload;

    public H264Packetizer() {
        this(DEFAULT_MAX_PAYLOAD);
    }

    public H264Packetizer(int maxPayload) {
        if (maxPayload < MIN_PAYLOAD) {
            throw new IllegalArgumentException("maxPayload " + maxPayload + " < " + MIN_PAYLOAD);
        }
        this.maxPayload = maxPayload;
    }

    @Override
    public List<RtpPayload> packetize(EncodedFrame frame) {
        byte[] data = frame.data();
        List<int[]> nals = AnnexB.split(data, 0, data.length);
        List<byte[]> payloads = new ArrayList<>();
        int i = 0;
        while (i < nals.size()) {
            int[] nal = nals.get(i);
            // how many NAL units from i fit together in one STAP-A
            int size = 1;
            int j = i;
            while (j < nals.size() && size + 2 + nals.get(j)[1] <= maxPayload) {
                size += 2 + nals.get(j)[1];
                j++;
            }
            if (j - i >= 2) {
                payloads.add(stapA(data, nals.subList(i, j), size));
                i = j;
            } else if (nal[1] <= maxPayload) {
                byte[] single = new byte[nal[1]];
                System.arraycopy(data, nal[0], single, 0, nal[1]);
                payloads.add(single);
                i++;
            } else {
                fuA(data, nal[0], nal[1], payloads);
                i++;
            }
        }
        List<RtpPayload> out = new ArrayList<>(payloads.size());
        for (int k = 0; k < payloads.size(); k++) {
            out.add(new RtpPayload(payloads.get(k), k == payloads.size() - 1));
        }
        return out;
    }

    private static byte[] stapA(byte[] data, List<int[]> nals, int size) {
        byte[] p = new byte[size];
        int nri = 0;
        int forbidden = 0;
        int at = 1;
        for (int[] nal : nals) {
            int header = data[nal[0]] & 0xFF;
            nri = Math.max(nri, header & 0x60);
            forbidden |= header & 0x80;
            p[at] = (byte) (nal[1] >>> 8);
            p[at + 1] = (byte) nal[1];
            System.arraycopy(data, nal[0], p, at + 2, nal[1]);
            at += 2 + nal[1];
        }
        p[0] = (byte) (forbidden | nri | 24);
        return p;
    }

    private void fuA(byte[] data, int off, int len, List<byte[]> out) {
        int header = data[off] & 0xFF;
        int indicator = (header & 0xE0) | 28;
        int type = header & 0x1F;
        int pos = off + 1;
        int remaining = len - 1;
        int room = maxPayload - 2;
        int fragments = (remaining + room - 1) / room;
        for (int i = 0; i < fragments; i++) {
            int size = remaining / (fragments - i) + (remaining % (fragments - i) == 0 ? 0 : 1);
            byte[] p = new byte[2 + size];
            p[0] = (byte) indicator;
            p[1] = (byte) ((i == 0 ? 0x80 : 0) | (i == fragments - 1 ? 0x40 : 0) | type);
            System.arraycopy(data, pos, p, 2, size);
            pos += size;
            remaining -= size;
            out.add(p);
        }
    }
}
