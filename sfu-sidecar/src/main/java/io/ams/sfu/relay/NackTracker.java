package io.ams.sfu.relay;

import io.ams.rtp.rtcp.RtcpWriter;

/**
 * Finds lost packets of one incoming stream from gaps in its RTP sequence numbers and says when
 * to NACK them (RFC 4585 generic NACK): each missing number is asked for at once, then again
 * every {@code retryNanos} up to {@code maxRetries} times, and forgotten when it arrives or runs
 * out of retries. At most {@code capacity} numbers are tracked; a larger gap is not worth
 * repairing by retransmission, so the list is cleared and {@link #takeKeyframeRequest()} turns
 * true (the owner sends PLI instead).
 *
 * <p>Not thread-safe: the owner serializes calls (the receive thread feeds it, a timer polls the
 * retries). Allocation-free except the arrays returned by {@link #due} when something is due.
 */
public final class NackTracker {
    private static final int[] NONE = new int[0];
    private final int capacity;
    private final int maxRetries;
    private final long retryNanos;
    private final int[] missing;
    private final int[] retries;
    private final long[] nextNanos;
    private int count;

    private boolean started;
    private int highestExt;
    private boolean keyframeNeeded;
    private long recovered;
    private long givenUp;

    public NackTracker(int capacity, int maxRetries, long retryNanos) {
        if (capacity < 1 || maxRetries < 1) {
            throw new IllegalArgumentException("capacity " + capacity + ", retries " + maxRetries);
        }
        this.capacity = capacity;
        this.maxRetries = maxRetries;
        this.retryNanos = retryNanos;
        this.missing = new int[capacity];
        this.retries = new int[capacity];
        this.nextNanos = new long[capacity];
    }

    /** 256 tracked numbers, 3 tries each, 100 ms apart. */
    public static NackTracker standard() {
        return new NackTracker(256, 3, 100_000_000L);
    }

    /** Records the arrival of sequence number {@code seq}. */
    public void onPacket(int seq, long nowNanos) {
        seq &= 0xFFFF;
        if (!started) {
            started = true;
            highestExt = seq + 0x10000;
            return;
        }
        int ext = highestExt + (short) (seq - highestExt);
        if (ext <= highestExt) { // late or retransmitted: no longer missing
            for (int i = 0; i < count; i++) {
                if (missing[i] == ext) {
                    removeAt(i);
                    recovered++;
                    break;
                }
            }
            return;
        }
        int gap = ext - highestExt - 1;
        highestExt = ext;
        if (gap == 0) {
            return;
        }
        if (gap > capacity) {
            givenUp += count + gap;
            count = 0;
            keyframeNeeded = true;
            return;
        }
        for (int s = ext - gap; s < ext; s++) {
            if (count == capacity) { // make room: drop the oldest
                removeAt(0);
                givenUp++;
            }
            missing[count] = s;
            retries[count] = 0;
            nextNanos[count] = nowNanos;
            count++;
        }
    }

    /**
     * The sequence numbers to NACK now (counting one try each), oldest first; numbers that used up
     * their tries are dropped.
     */
    public int[] due(long nowNanos) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (nowNanos - nextNanos[i] >= 0) {
                n++;
            }
        }
        if (n == 0) {
            return NONE;
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < count; ) {
            if (nowNanos - nextNanos[i] >= 0) {
                out[k++] = missing[i] & 0xFFFF;
                retries[i]++;
                nextNanos[i] = nowNanos + retryNanos;
                if (retries[i] >= maxRetries) {
                    removeAt(i);
                    givenUp++;
                    continue;
                }
            }
            i++;
        }
        return out;
    }

    /** A NACK packet for what is {@link #due} now, or null if nothing is. */
    public byte[] buildNack(long senderSsrc, long mediaSsrc, long nowNanos) {
        int[] seqs = due(nowNanos);
        return seqs.length == 0 ? null : RtcpWriter.nack(senderSsrc, mediaSsrc, seqs);
    }

    /** True once after a gap too large to repair: the owner should request a keyframe. */
    public boolean takeKeyframeRequest() {
        boolean k = keyframeNeeded;
        keyframeNeeded = false;
        return k;
    }

    /** Numbers currently missing. */
    public int missingCount() {
        return count;
    }

    /** Missing numbers that arrived later. */
    public long recovered() {
        return recovered;
    }

    /** Missing numbers given up on (out of tries, or in a gap too large). */
    public long givenUp() {
        return givenUp;
    }

    private void removeAt(int i) {
        int tail = count - i - 1;
        System.arraycopy(missing, i + 1, missing, i, tail);
        System.arraycopy(retries, i + 1, retries, i, tail);
        System.arraycopy(nextNanos, i + 1, nextNanos, i, tail);
        count--;
    }
}
