package io.ams.sfu.relay;

import io.ams.rtp.rtcp.RtcpWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Receive side of transport-wide congestion control for one sending peer: records the arrival
 * time of each transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01)
 * and turns them into transport-cc feedback packets, which the sender's bandwidth estimator needs
 * (without them Chrome keeps its bitrate low).
 *
 * <p>Sequence numbers are unwrapped against the highest seen, so wrap-around and reordering
 * within the window are handled; a packet arriving after its number was already reported (as
 * lost) is counted as late and ignored. {@link #poll} reports everything from the first
 * unreported number up to the highest received, at most every {@code intervalNanos}; a gap in
 * arrival times too large for one packet's 16-bit deltas starts a new feedback packet.
 *
 * <p>Arrival times are {@link System#nanoTime()} values; they are reported in 250 us ticks and a
 * reference time in 64 ms units. Not thread-safe: the peer's receive thread records, and should
 * also poll (or lock).
 */
public final class TwccFeedback {
    private static final int WINDOW = 8192;
    private static final int MAX_PER_PACKET = 2000;
    private static final long NANOS_PER_TICK = 250_000L;

    private final long senderSsrc;
    private final long mediaSsrc;
    private final long intervalNanos;
    private final long[] arrivals = new long[WINDOW];
    private final int[] extSeqs = new int[WINDOW];

    private boolean started;
    private int nextExt;    // first sequence number not yet reported
    private int highestExt; // highest received
    private int fbCount;
    private long lastPollNanos = Long.MIN_VALUE;
    private long late;
    private long skipped;
    private final int[] deltas = new int[MAX_PER_PACKET];

    /**
     * @param senderSsrc    our SSRC put in the feedback's sender field
     * @param mediaSsrc     the peer's media SSRC (informational for the sender)
     * @param intervalNanos minimum time between two {@link #poll}s that produce feedback (100 ms is usual)
     */
    public TwccFeedback(long senderSsrc, long mediaSsrc, long intervalNanos) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.intervalNanos = intervalNanos;
        java.util.Arrays.fill(extSeqs, Integer.MIN_VALUE);
    }

    /** Records that the packet with transport-wide sequence number {@code seq} arrived at {@code arrivalNanos}. */
    public void onPacket(int seq, long arrivalNanos) {
        seq &= 0xFFFF;
        int ext;
        if (!started) {
            started = true;
            ext = seq + 0x10000; // room below for packets reordered before the first one
            nextExt = ext;
            highestExt = ext;
        } else {
            ext = highestExt + (short) (seq - highestExt);
        }
        if (ext < nextExt) {
            late++;
            return;
        }
        if (ext > highestExt) {
            highestExt = ext;
        }
        if (highestExt - nextExt >= WINDOW) { // fell too far behind: give up on the oldest numbers
            int newNext = highestExt - WINDOW + 1;
            skipped += newNext - nextExt;
            nextExt = newNext;
        }
        int i = ext & (WINDOW - 1);
        extSeqs[i] = ext;
        arrivals[i] = arrivalNanos;
    }

    /** Feedback packets if {@code intervalNanos} passed since the last feedback and there is something to report; else empty. */
    public List<byte[]> poll(long nowNanos) {
        if (lastPollNanos != Long.MIN_VALUE && nowNanos - lastPollNanos < intervalNanos) {
            return List.of();
        }
        List<byte[]> out = build();
        if (!out.isEmpty()) {
            lastPollNanos = nowNanos;
        }
        return out;
    }

    /** Feedback packets for everything not yet reported, now; empty if nothing arrived since the last ones. */
    public List<byte[]> build() {
        if (!started || nextExt > highestExt) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(1);
        while (nextExt <= highestExt) {
            int base = nextExt;
            long refTicks = 0;
            long prevTicks = 0;
            boolean haveRef = false;
            int n = 0;
            while (nextExt + n <= highestExt && n < MAX_PER_PACKET) {
                int ext = nextExt + n;
                int i = ext & (WINDOW - 1);
                if (extSeqs[i] != ext) {
                    deltas[n++] = RtcpWriter.NOT_RECEIVED;
                    continue;
                }
                long ticks = Math.floorDiv(arrivals[i], NANOS_PER_TICK);
                if (!haveRef) {
                    refTicks = Math.floorDiv(ticks, 256) * 256;
                    prevTicks = refTicks;
                    haveRef = true;
                }
                long d = ticks - prevTicks;
                if (d < Short.MIN_VALUE || d > Short.MAX_VALUE) {
                    break; // starts the next feedback packet with its own reference time
                }
                deltas[n++] = (int) d;
                prevTicks = ticks;
            }
            if (!haveRef) { // MAX_PER_PACKET losses in a row: nothing to anchor a packet on, skip them
                skipped += n;
                nextExt += n;
                continue;
            }
            while (deltas[n - 1] == RtcpWriter.NOT_RECEIVED) {
                n--; // trailing losses are reported with the next packet
            }
            out.add(RtcpWriter.transportCc(senderSsrc, mediaSsrc, base & 0xFFFF, (int) ((refTicks / 256) & 0xFFFFFF),
                    fbCount, deltas, n));
            fbCount = (fbCount + 1) & 0xFF;
            nextExt = base + n;
        }
        return out;
    }

    /** Packets that arrived after their number had been reported. */
    public long late() {
        return late;
    }

    /** Sequence numbers never reported because the window overflowed. */
    public long skipped() {
        return skipped;
    }
}
