package io.ams.sfu.bwe;

/**
 * The downlink estimate for one receiver, GCC-style: the delay-based rate ({@link InterArrival},
 * {@link TrendlineEstimator}, {@link AimdRateControl}) capped by the loss-based rate
 * ({@link LossBasedControl}) and by the receiver's REMB when it sends one; probe results
 * ({@link ProbeBitrateEstimator}) lift the delay-based rate at once. When no transport-cc feedback came
 * for 2 s but REMB did, the REMB value is the estimate (fallback when transport-cc is not negotiated).
 * Times: {@code nowMs} is our clock; packet times come with the results. Not thread-safe.
 */
final class SendSideEstimator {
    /** Where the estimate comes from. */
    enum Source { NONE, TRANSPORT_CC, REMB }

    private static final long FEEDBACK_FRESH_MS = 2000;
    private static final long REMB_FRESH_MS = 5000;

    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator();
    private final AimdRateControl aimd;
    private final LossBasedControl loss = new LossBasedControl();
    private final AckedBitrate acked = new AckedBitrate();
    private final ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
    private final double minBps;
    private final double maxBps;
    private final long[] rtts = new long[8];
    private int rttCount;
    private long lastFeedbackMs = Long.MIN_VALUE / 2;
    private long lastRembMs = Long.MIN_VALUE / 2;
    private double rembBps = Double.NaN;
    private double lastProbeBps = Double.NaN;
    private BandwidthUsage usage = BandwidthUsage.NORMAL;

    SendSideEstimator(double startBps, double minBps, double maxBps) {
        this.aimd = new AimdRateControl(startBps, minBps, maxBps);
        this.minBps = minBps;
        this.maxBps = maxBps;
    }

    /** One feedback's new results, in sequence order. */
    void onFeedback(SendHistory.Resolution r, long nowMs) {
        lastFeedbackMs = nowMs;
        boolean overused = false;
        long newestSendUs = Long.MIN_VALUE;
        double probe = Double.NaN;
        for (SendHistory.PacketResult p : r.results()) {
            newestSendUs = Math.max(newestSendUs, p.sendUs());
            if (!p.received()) {
                continue;
            }
            acked.add(p.arrivalUs(), p.size());
            double pr = probes.onPacket(p);
            if (!Double.isNaN(pr)) {
                probe = Double.isNaN(probe) ? pr : Math.max(probe, pr);
            }
            InterArrival.Deltas d = interArrival.add(p.sendUs(), p.arrivalUs());
            if (d != null) {
                BandwidthUsage u = trendline.update(d.arrivalDeltaUs() / 1000.0, d.sendDeltaUs() / 1000.0,
                        d.arrivalUs() / 1000);
                overused |= u == BandwidthUsage.OVERUSING;
                usage = u;
            }
        }
        if (newestSendUs != Long.MIN_VALUE) {
            long rtt = nowMs - newestSendUs / 1000;
            if (rtt >= 0 && rtt < 10_000) {
                rtts[rttCount++ % rtts.length] = rtt;
                aimd.setRttMs(rttMs());
            }
        }
        if (!Double.isNaN(probe)) {
            lastProbeBps = probe;
            if (probe > aimd.bitrate() && !overused) {
                aimd.setEstimate(probe, nowMs);
            }
            if (!overused) {
                loss.onProbe(probe);
            }
        }
        if (!r.results().isEmpty()) {
            aimd.update(overused ? BandwidthUsage.OVERUSING : usage, acked.bps(), nowMs);
        }
        loss.onFeedback(r.newlyLost(), r.newlyReceived(), targetBps(nowMs), rttMs(), nowMs);
    }

    void onRemb(double bps, long nowMs) {
        if (bps > 0 && !Double.isInfinite(bps)) {
            rembBps = bps;
            lastRembMs = nowMs;
        }
    }

    Source source(long nowMs) {
        if (nowMs - lastFeedbackMs <= FEEDBACK_FRESH_MS) {
            return Source.TRANSPORT_CC;
        }
        return nowMs - lastRembMs <= REMB_FRESH_MS ? Source.REMB : Source.NONE;
    }

    /** The target send rate to this receiver in bits per second. */
    double targetBps(long nowMs) {
        Source s = source(nowMs);
        if (s == Source.REMB) { // what the receiver claims, kept within the bounds like every other estimate
            return Math.min(Math.max(rembBps, minBps), maxBps);
        }
        double t = Math.min(aimd.bitrate(), loss.capBps());
        if (!Double.isNaN(rembBps) && nowMs - lastRembMs <= REMB_FRESH_MS) {
            t = Math.min(t, rembBps);
        }
        return Math.max(t, minBps);
    }

    long rttMs() {
        if (rttCount == 0) {
            return 100;
        }
        long min = Long.MAX_VALUE;
        for (int i = 0; i < Math.min(rttCount, rtts.length); i++) {
            min = Math.min(min, rtts[i]);
        }
        return min;
    }

    BandwidthUsage usage() {
        return usage;
    }

    double ackedBps() {
        return acked.bps();
    }

    double lossFraction() {
        return loss.lastLoss();
    }

    double rembBps() {
        return rembBps;
    }

    double lastProbeBps() {
        return lastProbeBps;
    }

    double thresholdMs() {
        return trendline.detector().thresholdMs();
    }

    long groupResets() {
        return interArrival.resets();
    }
}
