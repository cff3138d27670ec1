package io.ams.rtp.vp8;

/**
 * The VP8 payload descriptor of one RTP packet (RFC 7741 section 4.2), parsed in place: X, N, S,
 * PID and the optional PictureID (7 or 15 bits), TL0PICIDX, TID/Y and KEYIDX. One instance is
 * reused packet after packet (no allocation); {@link #parse} fills it.
 */
public final class Vp8Descriptor {
    /** Field value when the descriptor does not carry it. */
    public static final int ABSENT = -1;

    boolean nonReference;
    boolean start;
    int partition;
    int pictureId;
    /** 128 or 32768: the PictureID's modulus (7- or 15-bit field); 0 when absent. */
    int pictureIdModulus;
    int tl0PicIdx;
    int temporalId;
    boolean layerSync;

    /**
     * Parses the descriptor at {@code b[pos, end)}. Returns the offset of the VP8 payload that
     * follows it, or -1 when the descriptor is truncated or leaves no payload.
     */
    public int parse(byte[] b, int pos, int end) {
        pictureId = ABSENT;
        pictureIdModulus = 0;
        tl0PicIdx = ABSENT;
        temporalId = ABSENT;
        layerSync = false;
        if (pos >= end) {
            return -1;
        }
        int d0 = b[pos++] & 0xFF;
        nonReference = (d0 & 0x20) != 0;
        start = (d0 & 0x10) != 0;
        partition = d0 & 0x07;
        if ((d0 & 0x80) != 0) { // X: extension byte follows
            if (pos >= end) {
                return -1;
            }
            int x = b[pos++] & 0xFF;
            if ((x & 0x80) != 0) { // I: PictureID
                if (pos >= end) {
                    return -1;
                }
                int m = b[pos++] & 0xFF;
                if ((m & 0x80) != 0) { // M: 15-bit PictureID
                    if (pos >= end) {
                        return -1;
                    }
                    pictureId = ((m & 0x7F) << 8) | (b[pos++] & 0xFF);
                    pictureIdModulus = 1 << 15;
                } else {
                    pictureId = m;
                    pictureIdModulus = 1 << 7;
                }
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                if (pos >= end) {
                    return -1;
                }
                tl0PicIdx = b[pos++] & 0xFF;
            }
            if ((x & 0x30) != 0) { // T or K: one byte TID(2) Y(1) KEYIDX(5)
                if (pos >= end) {
                    return -1;
                }
                int t = b[pos++] & 0xFF;
                if ((x & 0x20) != 0) {
                    temporalId = t >>> 6;
                    layerSync = (t & 0x20) != 0;
                }
            }
        }
        return pos < end ? pos : -1;
    }

    /** N: the frame is not used as a reference by any other frame. */
    public boolean nonReference() {
        return nonReference;
    }

    /** S: the packet starts a partition. */
    public boolean start() {
        return start;
    }

    /** PID: the partition index. */
    public int partition() {
        return partition;
    }

    /** The PictureID, or {@link #ABSENT}. */
    public int pictureId() {
        return pictureId;
    }

    /** 128 or 32768 (the PictureID's width), 0 without a PictureID. */
    public int pictureIdModulus() {
        return pictureIdModulus;
    }

    /** TL0PICIDX, or {@link #ABSENT}. */
    public int tl0PicIdx() {
        return tl0PicIdx;
    }

    /** TID (temporal layer 0..3), or {@link #ABSENT}. */
    public int temporalId() {
        return temporalId;
    }

    /** Y: the frame depends only on the base-layer (TL0) frame with its TL0PICIDX. */
    public boolean layerSync() {
        return layerSync;
    }
}
