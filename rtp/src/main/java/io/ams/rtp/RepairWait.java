package io.ams.rtp;

import java.util.concurrent.TimeUnit;

/**
 * How long a {@link ReorderBuffer} holds packets behind a gap so that a retransmission asked for
 * by NACK can still land in order: about one round trip of the sender's uplink plus a margin.
 *
 * <p>The gap is seen (and NACKed by the sidecar) when the first packet after it arrives, which is
 * when the reorder buffer starts holding; the repair arrives about one RTT later. The wait is
 * {@code 1.5 x RTT + 20 ms}, bounded to {@value #MIN_WAIT_MILLIS}..{@value #MAX_WAIT_MILLIS} ms:
 * the half RTT and 20 ms cover jitter and the sender's own delay in answering; the lower bound
 * is the wait without any RTT known (plain reordering); the upper bound keeps a tile from
 * freezing for long when repair never comes (its last picture stays in the mix meanwhile, the
 * mixer never waits for an input). Only a packet stream with a gap is held: without loss the
 * wait adds no delay.
 *
 * <p>RTT values outside 0..{@value #MAX_RTT_MILLIS} ms are not believed: {@link #clampRtt} bounds them.
 */
public final class RepairWait {
    /** The wait with no RTT known, and the least wait. */
    public static final int MIN_WAIT_MILLIS = 40;
    /** The longest wait, whatever the RTT. */
    public static final int MAX_WAIT_MILLIS = 400;
    /** The largest RTT taken as given; larger (and negative) values are clamped. */
    public static final int MAX_RTT_MILLIS = 5000;
    private static final int MARGIN_MILLIS = 20;

    private RepairWait() {
    }

    /** {@code rttMillis} bounded to 0..{@value #MAX_RTT_MILLIS}. */
    public static int clampRtt(long rttMillis) {
        return (int) Math.max(0, Math.min(MAX_RTT_MILLIS, rttMillis));
    }

    /** The wait in milliseconds for an uplink with this RTT (0: unknown). */
    public static int waitMillis(int rttMillis) {
        long rtt = clampRtt(rttMillis);
        long wait = rtt == 0 ? MIN_WAIT_MILLIS : rtt + rtt / 2 + MARGIN_MILLIS;
        return (int) Math.max(MIN_WAIT_MILLIS, Math.min(MAX_WAIT_MILLIS, wait));
    }

    /** {@link #waitMillis} in nanoseconds. */
    public static long waitNanos(int rttMillis) {
        return TimeUnit.MILLISECONDS.toNanos(waitMillis(rttMillis));
    }
}
