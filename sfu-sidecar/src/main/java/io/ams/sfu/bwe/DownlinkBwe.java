package io.ams.sfu.bwe;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.sfu.transport.RtpSendHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Send-side bandwidth estimation and allocation for one receiving peer: the whole pipeline of this package
 * behind four calls for the room. The graph:
 * <pre>
 *   transport (every RTP packet) -&gt; {@link #sendHook()} = TransportSeqStamper -&gt; SendHistory
 *   RTCP transport-cc            -&gt; {@link #onTransportFeedback} -&gt; FeedbackAdapter -&gt; SendSideEstimator
 *   RTCP REMB                    -&gt; {@link #onRemb} -&gt; SendSideEstimator (cap, or the estimate without transport-cc)
 *   room timer (100 ms)          -&gt; {@link #allocate} -&gt; DownlinkAllocator -&gt; ProbeController
 * </pre>
 * Stamping starts with {@link #enableTransportCc} once the answer accepted the extension on the sections
 * we send. Bad feedback is counted in {@link #stats}, logged once per burst, and changes nothing.
 *
 * <p>Threads: the stamper runs on every sending thread (it locks only the history); the other calls may
 * come from the receive thread and the timer and are synchronized here. Never throws on media input.
 */
public final class DownlinkBwe {
    private static final Logger LOG = LoggerFactory.getLogger(DownlinkBwe.class);
    /** Where the estimate starts before any feedback (LAN-friendly; the first overuse corrects it). */
    public static final long START_BPS = 1_000_000;
    public static final long MIN_BPS = 50_000;
    public static final long MAX_BPS = 50_000_000;

    private final String label;
    private final SendHistory history = new SendHistory();
    private final TransportSeqStamper stamper = new TransportSeqStamper(history);
    private final FeedbackAdapter adapter = new FeedbackAdapter(history);
    private final SendSideEstimator estimator = new SendSideEstimator(START_BPS, MIN_BPS, MAX_BPS);
    private final DownlinkAllocator allocator = new DownlinkAllocator();
    private final ProbeController probes = new ProbeController();
    private final BurstLog badLog = new BurstLog(LOG);
    private long feedbackPackets;
    private long refused;
    private long replayed;
    private long reordered;
    private ProbeController.Probe activeProbe;
    private long probeEndsMs;

    /** @param label names the receiver in logs ("room/p1") */
    public DownlinkBwe(String label) {
        this.label = label;
    }

    /** The hook to install on the receiver's transport ({@code PeerTransport.setRtpSendHook}). */
    public RtpSendHook sendHook() {
        return stamper;
    }

    /** Stamps our transport-wide numbers with extension {@code id} from now on (-1 stops). */
    public void enableTransportCc(int id) {
        stamper.setExtensionId(id);
    }

    public boolean transportCcEnabled() {
        return stamper.extensionId() > 0;
    }

    /** The receiver's transport-cc feedback about what we sent it. */
    public synchronized void onTransportFeedback(RtcpPacket.TransportCc fb, long nowNanos) {
        long nowMs = nowNanos / 1_000_000;
        feedbackPackets++;
        FeedbackAdapter.Outcome o;
        try {
            o = adapter.apply(fb, nowMs);
        } catch (RuntimeException e) { // belt and braces: nothing about feedback may stop the room
            refused++;
            badLog.warn(nowMs, "{}: transport-cc feedback failed: {}", label, e.toString());
            return;
        }
        if (o.refused()) {
            refused++;
            badLog.warn(nowMs, "{}: transport-cc feedback refused: {}", label, o.refusal());
            return;
        }
        if (o.reordered()) {
            reordered++;
        }
        if (o.replay()) {
            replayed++;
            badLog.warn(nowMs, "{}: transport-cc feedback {} told nothing new (replayed?)", label, fb);
            return;
        }
        estimator.onFeedback(o.resolution(), nowMs);
    }

    /** The receiver's REMB (draft-alvestrand-rmcat-remb). */
    public synchronized void onRemb(long bps, long nowNanos) {
        estimator.onRemb(bps, nowNanos / 1_000_000);
    }

    /** The current estimate in bits per second, 0 while nothing is known. */
    public synchronized long estimateBps(long nowNanos) {
        long nowMs = nowNanos / 1_000_000;
        return estimator.source(nowMs) == SendSideEstimator.Source.NONE ? 0 : (long) estimator.targetBps(nowMs);
    }

    /**
     * Fits {@code r} into the estimate and lets the probe controller decide whether to probe. Without any
     * estimate yet everything is allocated as asked (nothing is known to be too much).
     */
    public synchronized DownlinkAllocator.Allocation allocate(DownlinkAllocator.Request r, long nowNanos) {
        long nowMs = nowNanos / 1_000_000;
        boolean known = estimator.source(nowMs) != SendSideEstimator.Source.NONE;
        long estimate = known ? (long) estimator.targetBps(nowMs) : Long.MAX_VALUE / 4;
        DownlinkAllocator.Allocation a = allocator.allocate(estimate, r, nowMs);
        if (activeProbe != null && nowMs >= probeEndsMs) {
            activeProbe = null;
            stamper.setProbeCluster(TransportSeqStamper.NO_CLUSTER);
        }
        if (known && stamper.extensionId() > 0) {
            ProbeController.Probe p = probes.update(estimate, a.wantedBps(), nowMs);
            if (p != null) {
                activeProbe = p;
                probeEndsMs = nowMs + p.durationMs();
            }
        }
        return a;
    }

    /**
     * The probe being sent now, or null: the caller adds padding so that everything sent to this receiver
     * reaches {@code bitrateBps} until it ends, and marks those packets through {@link #beginProbePackets}.
     */
    public synchronized ProbeController.Probe activeProbe() {
        return activeProbe;
    }

    /** Packets stamped from now on belong to the active probe's cluster (call {@link #endProbePackets} after). */
    public void beginProbePackets(int clusterId) {
        stamper.setProbeCluster(clusterId);
    }

    public void endProbePackets() {
        stamper.setProbeCluster(TransportSeqStamper.NO_CLUSTER);
    }

    public synchronized BweStats stats(long nowNanos) {
        long nowMs = nowNanos / 1_000_000;
        SendSideEstimator.Source src = estimator.source(nowMs);
        DownlinkAllocator.Allocation a = allocator.last();
        String layer = a == null || a.mainLayer() == null ? "none" : a.mainLayer().rid();
        double acked = estimator.ackedBps();
        double remb = estimator.rembBps();
        return new BweStats(src == SendSideEstimator.Source.NONE ? 0 : (long) estimator.targetBps(nowMs),
                src.name().toLowerCase(Locale.ROOT).replace('_', '-'), a == null ? 0 : a.allocatedBps(), layer,
                a != null && a.mixOnly(), probes.describe(nowMs), estimator.usage().name().toLowerCase(Locale.ROOT),
                estimator.lossFraction(), estimator.rttMs(), Double.isNaN(acked) ? 0 : (long) acked,
                Double.isNaN(remb) ? 0 : (long) remb, feedbackPackets, refused, replayed, reordered, stamper.stamped(),
                probes.probes());
    }
}
