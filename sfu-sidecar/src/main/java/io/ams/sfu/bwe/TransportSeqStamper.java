package io.ams.sfu.bwe;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.sfu.transport.RtpSendHook;

import java.util.concurrent.atomic.LongAdder;

/**
 * Stamps our own transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01)
 * into every RTP packet sent to one peer, and records it in the {@link SendHistory}. Runs in the peer's
 * outbound path just before SRTP protection, so every packet counts: relayed camera, mix, audio,
 * retransmissions and padding.
 *
 * <p>Three shapes: a packet that already has element {@code extId} with 2 bytes (a packet relayed with the
 * SENDER's number, or a retransmission) is copied and its value overwritten; a packet without a header
 * extension gets an 8-byte one-byte-form block (two-byte form for ids above 14); any other packet has its
 * block rebuilt with the other elements kept and ours added (an unknown profile is replaced). A packet
 * that is not RTP enough to edit, or would grow by more than {@link RtpSendHook#MAX_GROWTH}, goes out
 * unchanged and is counted in {@link #unstamped()}.
 *
 * <p>Disabled (extension id -1) until the answer confirms the extension. Thread-safe: a number is taken
 * and the packet written under the history's lock (a few hundred bytes copied), never across I/O.
 */
final class TransportSeqStamper implements RtpSendHook {
    /** Probe cluster id for packets that belong to no probe. */
    static final int NO_CLUSTER = -1;

    private final SendHistory history;
    private final LongAdder stamped = new LongAdder();
    private final LongAdder unstamped = new LongAdder();
    private final LongAdder mainBytes = new LongAdder();
    private final LongAdder mixBytes = new LongAdder();
    private final LongAdder otherBytes = new LongAdder();
    private final LongAdder paddingBytes = new LongAdder();
    private volatile long mainSsrc = -1;
    private volatile long mixSsrc = -1;
    private volatile int extId = -1;
    private volatile int cluster = NO_CLUSTER;

    TransportSeqStamper(SendHistory history) {
        this.history = history;
    }

    /** Starts stamping with this negotiated id (1..255); -1 stops. */
    void setExtensionId(int id) {
        this.extId = id >= 1 && id <= 255 ? id : -1;
    }

    int extensionId() {
        return extId;
    }

    /** Marks the packets sent from now on as part of probe cluster {@code id} ({@link #NO_CLUSTER} to end). */
    void setProbeCluster(int id) {
        this.cluster = id;
    }

    /** The SSRCs of the receiver's main and mix slots, to meter what each uses ({@link #bytesSent}). */
    void setSlots(long mainSsrc, long mixSsrc) {
        this.mainSsrc = mainSsrc;
        this.mixSsrc = mixSsrc;
    }

    /** Bytes sent so far: [main slot, mix slot, everything else (audio)], counted whether stamping or not. */
    long[] bytesSent() {
        return new long[] {mainBytes.sum(), mixBytes.sum(), otherBytes.sum()};
    }

    @Override
    public int rewrite(byte[] src, int off, int len, byte[] dst, long nowNanos) {
        meter(src, off, len);
        int id = extId;
        if (id < 0) {
            return -1;
        }
        long packed = writeWithSlot(src, off, len, id, dst);
        if (packed < 0) {
            unstamped.increment();
            return -1;
        }
        int n = (int) (packed >>> 32);
        int valueAt = (int) packed;
        synchronized (history) {
            long seq = history.add(nowNanos / 1000, n, cluster);
            dst[valueAt] = (byte) (seq >>> 8);
            dst[valueAt + 1] = (byte) seq;
        }
        stamped.increment();
        return n;
    }

    /** Everything sent so far, padding included. */
    long totalBytes() {
        return mainBytes.sum() + mixBytes.sum() + otherBytes.sum() + paddingBytes.sum();
    }

    /** Probe padding sent so far (packets with the padding bit: what we send ourselves, see PaddingPackets). */
    long paddingBytes() {
        return paddingBytes.sum();
    }

    private void meter(byte[] b, int off, int len) {
        if (b == null || len < 12 || off < 0 || off > b.length - len) {
            return;
        }
        if ((b[off] & 0x20) != 0) { // our probe padding: not what a slot costs
            paddingBytes.add(len);
            return;
        }
        long ssrc = ((b[off + 8] & 0xFFL) << 24) | ((b[off + 9] & 0xFFL) << 16) | ((b[off + 10] & 0xFFL) << 8) | (b[off + 11] & 0xFFL);
        (ssrc == mainSsrc ? mainBytes : ssrc == mixSsrc ? mixBytes : otherBytes).add(len);
    }

    long stamped() {
        return stamped.sum();
    }

    long unstamped() {
        return unstamped.sum();
    }

    /**
     * Copies the packet into {@code d} with a 2-byte element {@code id} (value not yet written).
     *
     * @return (new length &lt;&lt; 32) | offset of the element's value in {@code d}, or -1
     */
    static long writeWithSlot(byte[] s, int off, int len, int id, byte[] d) {
        if (s == null || off < 0 || len < 12 || off > s.length - len || (s[off] & 0xC0) != 0x80) {
            return -1;
        }
        int b0 = s[off] & 0xFF;
        int fixed = 12 + 4 * (b0 & 0x0F);
        if (fixed > len) {
            return -1;
        }
        if ((b0 & 0x10) == 0) {
            if (len + 8 > d.length) {
                return -1;
            }
            System.arraycopy(s, off, d, 0, fixed);
            d[0] = (byte) (d[0] | 0x10);
            int valueAt;
            if (id <= 14) {
                d[fixed] = (byte) 0xBE;
                d[fixed + 1] = (byte) 0xDE;
                d[fixed + 4] = (byte) ((id << 4) | 1);
                d[fixed + 7] = 0;
                valueAt = fixed + 5;
            } else {
                d[fixed] = 0x10;
                d[fixed + 1] = 0;
                d[fixed + 4] = (byte) id;
                d[fixed + 5] = 2;
                valueAt = fixed + 6;
            }
            d[fixed + 2] = 0;
            d[fixed + 3] = 1;
            System.arraycopy(s, off + fixed, d, fixed + 8, len - fixed);
            return ((long) (len + 8) << 32) | valueAt;
        }
        HeaderExtensions ext = new HeaderExtensions();
        try {
            boolean known = ext.wrap(s, off, len);
            if (known && ext.find(id) && ext.valueLength() == 2) {
                if (len > d.length) {
                    return -1;
                }
                System.arraycopy(s, off, d, 0, len);
                return ((long) len << 32) | (ext.valueOffset() - off);
            }
            // rebuild the block: every other element kept, ours appended
            int words = ((s[off + fixed + 2] & 0xFF) << 8) | (s[off + fixed + 3] & 0xFF);
            int oldBlock = 4 + 4 * words;
            if (fixed + oldBlock > len) {
                return -1;
            }
            int count = 0;
            int[] ids = new int[16];
            byte[][] values = new byte[16][];
            if (known) {
                ext.wrap(s, off, len); // back to the first element
                while (ext.next()) {
                    if (ext.id() == id) {
                        continue;
                    }
                    if (count == ids.length - 1) {
                        return -1;
                    }
                    ids[count] = ext.id();
                    values[count++] = java.util.Arrays.copyOfRange(s, ext.valueOffset(), ext.valueOffset() + ext.valueLength());
                }
            }
            ids[count] = id;
            values[count++] = new byte[2];
            int[] idList = java.util.Arrays.copyOf(ids, count);
            byte[][] valueList = java.util.Arrays.copyOf(values, count);
            int newBlock = blockSize(idList, valueList);
            int n = len - oldBlock + newBlock;
            if (n > len + RtpSendHook.MAX_GROWTH || n > d.length) {
                return -1;
            }
            System.arraycopy(s, off, d, 0, fixed);
            HeaderExtensions.writeBlock(d, fixed, idList, valueList);
            System.arraycopy(s, off + fixed + oldBlock, d, fixed + newBlock, len - fixed - oldBlock);
            HeaderExtensions cursor = new HeaderExtensions();
            if (!cursor.wrap(d, 0, n) || !cursor.find(id)) {
                return -1;
            }
            return ((long) n << 32) | cursor.valueOffset();
        } catch (RtpFormatException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static int blockSize(int[] ids, byte[][] values) {
        boolean one = true;
        int body = 0;
        for (int i = 0; i < ids.length; i++) {
            one &= ids[i] <= 14 && values[i].length >= 1 && values[i].length <= 16;
        }
        for (byte[] v : values) {
            body += (one ? 1 : 2) + v.length;
        }
        return 4 + ((body + 3) & ~3);
    }
}
