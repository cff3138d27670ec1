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
 * <p>Round-trip time: a missing number that arrives after it was NACKed is a retransmission
 * (Chrome and aiortc answer on the same SSRC), so the time from its first NACK to its arrival is
 * an RTT sample; {@link #rttMillis()} smooths the samples (EWMA 1/8, as TCP's SRTT). Measuring from
 * the first NACK overestimates only when that NACK itself was lost, which loss makes rare; numbers
 * given up are remembered a little longer ({@value #GIVEN_UP_MEMORY}) so that an RTT beyond the
 * retries is still measured. A late original (plain reordering) arriving after its NACK reads as a
 * short RTT; that is not told apart (no RTX and no transport-wide number is used here).
 * Samples outside 0..{@value #MAX_SAMPLE_MILLIS} ms are ignored.
 *
 * <p>Not thread-safe: the owner serializes calls (the receive thread feeds it, a timer polls the
 * retries). Allocation-free except the arrays returned by {@link #due} when something is due.
 */
public final class NackTracker {
    private static final int[] NONE = new int[0];
    private static final int GIVEN_UP_MEMORY = 64;
    private static final long MAX_SAMPLE_MILLIS = 5000;
    private final int capacity;
    private final int maxRetries;
    private final long retryNanos;
    private final int[] missing;
    private final int[] retries;
    private final long[] nextNanos;
    private final long[] firstNackNanos;
    private int count;
    /** Numbers given up after being NACKed, with their first NACK's time: a ring for late repairs. */
    private final int[] givenUpSeq = new int[GIVEN_UP_MEMORY];
    private final long[] givenUpNackNanos = new long[GIVEN_UP_MEMORY];
    private int givenUpNext;
    private volatile long srttNanos = -1;   // read by the room timer (EngineLink hint)
    private long rttSamples;

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
        this.firstNackNanos = new long[capacity];
        java.util.Arrays.fill(givenUpSeq, -1);
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
                    if (retries[i] > 0) {
                        rttSample(nowNanos - firstNackNanos[i]);
                    }
                    removeAt(i);
                    recovered++;
                    return;
                }
            }
            for (int i = 0; i < GIVEN_UP_MEMORY; i++) {
                if (givenUpSeq[i] == ext) {
                    givenUpSeq[i] = -1;
                    rttSample(nowNanos - givenUpNackNanos[i]);
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
                if (retries[i] == 0) {
                    firstNackNanos[i] = nowNanos;
                }
                retries[i]++;
                nextNanos[i] = nowNanos + retryNanos;
                if (retries[i] >= maxRetries) {
                    givenUpSeq[givenUpNext] = missing[i];
                    givenUpNackNanos[givenUpNext] = firstNackNanos[i];
                    givenUpNext = (givenUpNext + 1) % GIVEN_UP_MEMORY;
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

    /** The smoothed round-trip time in milliseconds from NACK to retransmission, or -1 before the first sample. */
    public int rttMillis() {
        return srttNanos < 0 ? -1 : (int) Math.round(srttNanos / 1e6);
    }

    /** RTT samples taken (retransmissions that arrived after their NACK). */
    public long rttSamples() {
        return rttSamples;
    }

    private void rttSample(long nanos) {
        if (nanos < 0 || nanos > MAX_SAMPLE_MILLIS * 1_000_000L) {
            return;
        }
        rttSamples++;
        srttNanos = srttNanos < 0 ? nanos : srttNanos + (nanos - srttNanos) / 8;
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
        System.arraycopy(firstNackNanos, i + 1, firstNackNanos, i, tail);
        count--;
    }
}
