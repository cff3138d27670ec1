package io.ams.rtp.testing;

import io.ams.rtp.RtpHeaderWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the RTP packets of VP8 frames with the full payload descriptor a WebRTC sender writes
 * (RFC 7741: 15-bit PictureID, TL0PICIDX, TID and Y, N), for loss tests. The payload after the
 * descriptor is split into packets of at most {@code maxPayload} bytes.
 */
public final class Vp8LayeredPackets {
    /** One frame's place in the temporal structure; tid -1: no TL0PICIDX/TID in the descriptor. */
    public record Layer(int tid, boolean sync, boolean nonReference) {
        public static final Layer NONE = new Layer(-1, false, false);
    }

    private final int payloadType;
    private final long ssrc;
    private final int maxPayload;
    private int seq;
    private int pictureId;
    private int tl0PicIdx;

    public Vp8LayeredPackets(int payloadType, long ssrc, int firstSeq, int firstPictureId, int maxPayload) {
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.seq = firstSeq;
        this.pictureId = firstPictureId;
        this.maxPayload = maxPayload;
    }

    /**
     * The datagrams of one frame ({@code vp8} is the raw VP8 frame). A base-layer frame (tid 0)
     * advances TL0PICIDX first, as a sender does.
     */
    public List<byte[]> frame(byte[] vp8, long rtpTimestamp, Layer layer) {
        if (layer.tid() == 0) {
            tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
        }
        List<byte[]> out = new ArrayList<>();
        int descLen = layer.tid() >= 0 ? 6 : 4;
        for (int off = 0; off < vp8.length || off == 0; off += maxPayload) {
            int n = Math.min(maxPayload, vp8.length - off);
            boolean last = off + n >= vp8.length;
            byte[] d = new byte[12 + descLen + n];
            RtpHeaderWriter.write(d, 0, last, payloadType, seq & 0xFFFF, rtpTimestamp, ssrc);
            seq++;
            int p = 12;
            d[p++] = (byte) (0x80 | (layer.nonReference() ? 0x20 : 0) | (off == 0 ? 0x10 : 0));
            d[p++] = (byte) (layer.tid() >= 0 ? 0xE0 : 0x80);        // I (+ L, T)
            d[p++] = (byte) (0x80 | (pictureId >>> 8));
            d[p++] = (byte) pictureId;
            if (layer.tid() >= 0) {
                d[p++] = (byte) tl0PicIdx;
                d[p++] = (byte) ((layer.tid() << 6) | (layer.sync() ? 0x20 : 0));
            }
            System.arraycopy(vp8, off, d, p, n);
            out.add(d);
            if (n == 0) {
                break;
            }
        }
        pictureId = (pictureId + 1) & 0x7FFF;
        return out;
    }

    /** libvpx's 3-layer pattern (FFmpeg ts_layering_mode 3): frame i of the period 0,2,1,2; TL2 frames reference nothing. */
    public static Layer threeLayerPattern(long frameIndex) {
        return switch ((int) (frameIndex % 4)) {
            case 0 -> new Layer(0, false, false);
            case 1 -> new Layer(2, true, true);   // refs the base frame only; updates nothing
            case 2 -> new Layer(1, true, false);  // refs the base frame only; updates golden
            default -> new Layer(2, false, true); // refs golden (the TL1 frame); updates nothing
        };
    }
}
