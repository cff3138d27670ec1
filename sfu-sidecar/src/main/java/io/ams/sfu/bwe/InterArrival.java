package io.ams.sfu.bwe;

/**
 * Groups received packets by send time (GCC: packets sent within 5 ms form one group, and a burst that
 * arrived back to back joins the group it queued behind) and yields, for each completed group, the send
 * and arrival time deltas to the group before it. Times in microseconds: send times on our clock, arrival
 * times on the receiver's. Packets sent before the current group began (reordered feedback) are ignored;
 * an arrival jump of more than 3 s beyond the send delta (the receiver's clock moved, or garbage) restarts
 * grouping so that one bad value cannot bias the trend.
 */
final class InterArrival {
    static final long GROUP_US = 5_000;
    private static final long BURST_US = 5_000;
    private static final long MAX_BURST_SPAN_US = 100_000;
    private static final long RESET_US = 3_000_000;

    /** Deltas between two consecutive groups. */
    record Deltas(long sendDeltaUs, long arrivalDeltaUs, long arrivalUs) {
    }

    private boolean haveCurrent;
    private boolean havePrevious;
    private long curFirstSend, curLastSend, curFirstArrival, curLastArrival;
    private long prevLastSend, prevLastArrival;
    private long resets;

    /** Adds one received packet; returns the deltas when it closed a group, else null. */
    Deltas add(long sendUs, long arrivalUs) {
        if (!haveCurrent) {
            start(sendUs, arrivalUs);
            return null;
        }
        if (sendUs < curFirstSend) {
            return null;
        }
        if (!startsNewGroup(sendUs, arrivalUs)) {
            curLastSend = Math.max(curLastSend, sendUs);
            curLastArrival = Math.max(curLastArrival, arrivalUs);
            return null;
        }
        Deltas d = null;
        if (havePrevious) {
            long sendDelta = curLastSend - prevLastSend;
            long arrivalDelta = curLastArrival - prevLastArrival;
            if (arrivalDelta < 0 || arrivalDelta - sendDelta > RESET_US || sendDelta - arrivalDelta > RESET_US) {
                resets++;
                havePrevious = false;
                start(sendUs, arrivalUs);
                return null;
            }
            d = new Deltas(sendDelta, arrivalDelta, curLastArrival);
        }
        prevLastSend = curLastSend;
        prevLastArrival = curLastArrival;
        havePrevious = true;
        start(sendUs, arrivalUs);
        return d;
    }

    long resets() {
        return resets;
    }

    private void start(long sendUs, long arrivalUs) {
        haveCurrent = true;
        curFirstSend = curLastSend = sendUs;
        curFirstArrival = curLastArrival = arrivalUs;
    }

    private boolean startsNewGroup(long sendUs, long arrivalUs) {
        long arrivalDelta = arrivalUs - curLastArrival;
        long sendDelta = sendUs - curLastSend;
        if (sendDelta == 0) {
            return false;
        }
        boolean burst = arrivalDelta - sendDelta < 0 && arrivalDelta <= BURST_US
                && arrivalUs - curFirstArrival < MAX_BURST_SPAN_US;
        return !burst && sendUs - curFirstSend > GROUP_US;
    }
}
