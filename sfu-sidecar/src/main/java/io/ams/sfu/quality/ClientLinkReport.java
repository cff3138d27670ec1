package io.ams.sfu.quality;

import java.util.List;

/**
 * The quality of what one participant receives over a peer-to-peer call, from its own stats (message
 * {@code p2p-stats}, field {@code link}, docs/SIGNALING.md): no media reaches the server then, so the network
 * analyzer has nothing to measure, and the participant list and {@code ams ctl sfu get} would go blank.
 * The client sends cumulative counters of its P2P connection's inbound streams (packets received and lost,
 * bytes) with the worst jitter and the pair's RTT; each {@link #window} scores the difference to the
 * previous one with the analyzer's own {@link QualityScorer}. What a participant receives directly is both
 * its downlink and the other's uplink.
 *
 * <p>Values are checked: negative, non-finite or shrinking counters are refused (counted by the caller), a
 * shrinking one starts the counting over (the client's connection was replaced). Thread-safe: reports come
 * from the participant's signaling lane, windows from the room timer.
 */
public final class ClientLinkReport {
    /** A report older than this no longer describes the call. */
    public static final long FRESH_NANOS = 3_000_000_000L;

    private final QualityScorer scorer = new QualityScorer();
    private long received = -1;
    private long lost;
    private long bytes;
    private double jitterMs;
    private double rttMs = Double.NaN;
    private long reportNanos;
    private long windowReceived = -1;
    private long windowLost;
    private long windowBytes;
    private long windowNanos;
    private LinkQuality last = LinkQuality.UNKNOWN;

    /**
     * One report; false (nothing changes) for values that make no sense.
     *
     * @param jitterMs the worst interarrival jitter of its inbound streams; {@code rttMs} NaN when unknown
     */
    public synchronized boolean onReport(long packetsReceived, long packetsLost, long bytesReceived, double jitterMs,
                                         double rttMs, long nowNanos) {
        if (packetsReceived < 0 || packetsLost < 0 || bytesReceived < 0 || !Double.isFinite(jitterMs) || jitterMs < 0
                || rttMs < 0 || Double.isInfinite(rttMs)) {
            return false;
        }
        if (packetsReceived < received || bytesReceived < bytes) {
            windowReceived = -1; // a new connection: its counters start again
        }
        received = packetsReceived;
        lost = packetsLost;
        bytes = bytesReceived;
        this.jitterMs = jitterMs;
        this.rttMs = rttMs;
        reportNanos = nowNanos;
        return true;
    }

    /** Packets received over the direct path as last reported, -1 before a report. */
    public synchronized long packetsReceived() {
        return received;
    }

    /** Whether a report came within {@link #FRESH_NANOS}. */
    public synchronized boolean fresh(long nowNanos) {
        return received >= 0 && nowNanos - reportNanos < FRESH_NANOS;
    }

    /**
     * The quality of what the participant received since the previous call (the room calls it about once a
     * second); the previous reading while no new report came, UNKNOWN before the first two reports and once
     * none came for {@link #FRESH_NANOS}.
     */
    public synchronized LinkQuality window(long nowNanos) {
        if (!fresh(nowNanos)) {
            return LinkQuality.UNKNOWN;
        }
        if (windowReceived < 0) {
            windowReceived = received;
            windowLost = lost;
            windowBytes = bytes;
            windowNanos = reportNanos;
            return last;
        }
        if (reportNanos == windowNanos) {
            return last; // nothing new
        }
        long got = received - windowReceived;
        long missing = Math.max(0, lost - windowLost); // packetsLost may go down (late packets): no negative loss
        double seconds = Math.max(0.1, (reportNanos - windowNanos) / 1e9);
        long kbps = Math.round((bytes - windowBytes) * 8 / seconds / 1000);
        StreamWindow w = got + missing == 0
                ? new StreamWindow(true, false, 0, 0, 0, rttMs, 0, 0, true)
                : new StreamWindow(true, false, got + missing, missing, jitterMs, rttMs, 0, 0, false);
        windowReceived = received;
        windowLost = lost;
        windowBytes = bytes;
        windowNanos = reportNanos;
        last = scorer.update(List.of(w), kbps);
        return last;
    }
}
