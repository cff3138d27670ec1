package io.ams.sfu.bwe;

import io.ams.rtp.rtcp.RtcpPacket;

/**
 * Checks one parsed transport-cc feedback against the {@link SendHistory} and resolves it: the 16-bit
 * base sequence unwrapped against what we sent, the 24-bit reference time unwrapped against the last
 * feedback's, arrival times in microseconds of the receiver's clock. Refuses (and says why) feedback that
 * reports numbers we never sent or no longer remember, or arrival times spread over more than 10 s;
 * feedback that tells nothing new (a replay) resolves to no results, so nothing is counted twice.
 * Feedback whose reference time moved more than 3 s differently from our clock since the last one is
 * refused too (three in a row re-anchor: the receiver's clock jumped). Feedback covering numbers older than the newest already reported is counted as reordered. Not
 * thread-safe: the peer's receive thread uses it.
 */
final class FeedbackAdapter {
    private static final long TICK_US = 250;
    private static final long REFERENCE_US = 64_000;
    private static final long MAX_SPREAD_US = 10_000_000;

    /** The outcome of one feedback. */
    record Outcome(SendHistory.Resolution resolution, String refusal, boolean reordered, long newestSeq) {
        boolean refused() {
            return refusal != null;
        }

        /** Nothing new: every packet reported was already known received. */
        boolean replay() {
            return resolution != null && resolution.results().isEmpty() && resolution.duplicates() > 0;
        }
    }

    private final SendHistory history;
    private static final long MAX_CLOCK_DISAGREEMENT_MS = 3000;
    private static final int REANCHOR_AFTER = 3;

    private boolean haveReference;
    private long lastReference; // unwrapped, in 64 ms units
    private long lastLocalMs;
    private int clockRefusals;
    private long highestReported;

    FeedbackAdapter(SendHistory history) {
        this.history = history;
    }

    Outcome apply(RtcpPacket.TransportCc fb, long nowMs) {
        int count = fb.packetStatusCount();
        if (count == 0) {
            return refuse("no packet status");
        }
        long first = history.unwrap(fb.baseSequence());
        if (first < 0) {
            return refuse("feedback before we sent anything");
        }
        if (!history.covers(first, count)) {
            return refuse("reports sequence numbers " + fb.baseSequence() + "+" + count
                    + " that we did not send or no longer remember (newest " + (history.newest() & 0xFFFF) + ")");
        }
        long ref = fb.referenceTime();
        if (haveReference) {
            int d = (int) ((ref - lastReference) & 0xFFFFFF);
            d = (d << 8) >> 8;
            ref = lastReference + d;
            long refMs = (ref - lastReference) * 64;
            long localMs = nowMs - lastLocalMs;
            if (Math.abs(refMs - localMs) > MAX_CLOCK_DISAGREEMENT_MS && ++clockRefusals < REANCHOR_AFTER) {
                // the receiver's clock cannot have moved so differently from ours: garbage (after a few in a row,
                // believe it: the receiver restarted its clock)
                return refuse("reference time moved " + refMs + " ms in " + localMs + " ms");
            }
        }
        clockRefusals = 0;
        long[] arrivals = new long[count];
        long[] ticks = fb.arrivalTicks();
        long base = (long) fb.referenceTime() * 256;
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            if (ticks[i] == Long.MIN_VALUE) {
                arrivals[i] = SendHistory.LOST;
                continue;
            }
            long us = ref * REFERENCE_US + (ticks[i] - base) * TICK_US;
            arrivals[i] = us;
            min = Math.min(min, us);
            max = Math.max(max, us);
        }
        if (max != Long.MIN_VALUE && max - min > MAX_SPREAD_US) {
            return refuse("arrival times spread over " + (max - min) / 1000 + " ms");
        }
        haveReference = true;
        lastReference = ref;
        lastLocalMs = nowMs;
        long last = first + count - 1;
        boolean reordered = last < highestReported;
        highestReported = Math.max(highestReported, last);
        return new Outcome(history.resolve(first, arrivals), null, reordered, last);
    }

    private static Outcome refuse(String why) {
        return new Outcome(null, why, false, -1);
    }
}
