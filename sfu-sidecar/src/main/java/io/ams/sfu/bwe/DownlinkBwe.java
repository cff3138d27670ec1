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
    /** Most padding sent after one frame (about 60 packets): a probe never floods the link at once. */
    static final int MAX_PADDING_BURST = 16_000;

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
    private boolean probing;
    private long[] meteredBytes = new long[3];
    private long meteredAtNanos = Long.MIN_VALUE;
    private final double[] slotBps = new double[3];
    private ProbeController.Probe activeProbe;
    private long probeEndsMs;
    private long probeStartNanos;
    private long mixOnlyEpisodes;
    private long probeBytesAtStart;

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

    /** The SSRCs of this receiver's main and mix slots (for {@link #measuredRequest}). */
    public void setSlots(long mainSsrc, long mixSsrc) {
        stamper.setSlots(mainSsrc, mixSsrc);
    }

    /**
     * Whether the caller sends padding for the probes {@link #activeProbe} asks for. Off by default: then
     * the probe controller does not run (stats say "off") and no packet is marked as a probe.
     */
    public synchronized void setProbing(boolean on) {
        this.probing = on;
    }

    /**
     * What this receiver is offered: audio at the rate it has been using (measured from what went out,
     * smoothed over about 2 s; probe padding not counted), the mix at the engine's target bitrate while it
     * flows ({@code mixTargetBps}; measured when unknown: a keyframe burst must not count as its cost), and
     * {@code main} (the main speaker's live layers with their received bitrates; null when nobody is shown).
     */
    public synchronized DownlinkAllocator.Request request(DownlinkAllocator.Source main, long mixTargetBps, long nowNanos) {
        long[] now = stamper.bytesSent();
        if (meteredAtNanos != Long.MIN_VALUE && nowNanos - meteredAtNanos >= 500_000_000L) {
            double dt = (nowNanos - meteredAtNanos) / 1e9;
            for (int i = 0; i < 3; i++) {
                double bps = (now[i] - meteredBytes[i]) * 8 / dt;
                slotBps[i] = slotBps[i] == 0 ? bps : 0.75 * slotBps[i] + 0.25 * bps;
            }
        }
        if (meteredAtNanos == Long.MIN_VALUE || nowNanos - meteredAtNanos >= 500_000_000L) {
            meteredBytes = now;
            meteredAtNanos = nowNanos;
        }
        long mix = mixTargetBps > 0 && slotBps[1] > 0 ? mixTargetBps : (long) slotBps[1];
        return new DownlinkAllocator.Request((long) slotBps[2], mix, main, java.util.List.of());
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
        DownlinkAllocator.Allocation before = allocator.last();
        DownlinkAllocator.Allocation a = allocator.allocate(estimate, r, nowMs);
        if (a.mixOnly() && (before == null || !before.mixOnly())) {
            mixOnlyEpisodes++;
        }
        if (activeProbe != null && nowMs >= probeEndsMs) {
            activeProbe = null;
            stamper.setProbeCluster(TransportSeqStamper.NO_CLUSTER);
        }
        if (probing && known && stamper.extensionId() > 0) {
            ProbeController.Probe p = probes.update(estimate, a.wantedBps(), nowMs, a.mixOnly());
            if (p != null) {
                activeProbe = p;
                probeEndsMs = nowMs + p.durationMs();
                probeStartNanos = nowNanos;
                probeBytesAtStart = stamper.totalBytes();
                stamper.setProbeCluster(p.clusterId()); // everything sent in the window is measured, media and padding
            }
        }
        return a;
    }

    /**
     * The probe being sent now, or null. While one runs every packet sent to this receiver belongs to its
     * cluster; the caller adds {@link #paddingDue} bytes of padding so that the total reaches its bitrate.
     */
    public synchronized ProbeController.Probe activeProbe() {
        return activeProbe;
    }

    /** Whether a probe is being sent now. */
    public synchronized boolean probingNow() {
        return activeProbe != null;
    }

    /**
     * Padding bytes to send now so that everything sent since the active probe began reaches its bitrate
     * one frame interval (34 ms) ahead: the caller pads only after a frame's last packet. 0 without a probe.
     */
    public synchronized int paddingDue(long nowNanos) {
        ProbeController.Probe p = activeProbe;
        if (p == null || nowNanos / 1_000_000 >= probeEndsMs) {
            return 0;
        }
        long aheadMs = Math.min(p.durationMs(), (nowNanos - probeStartNanos) / 1_000_000 + 34);
        long target = p.bitrateBps() * aheadMs / 8000;
        long due = target - (stamper.totalBytes() - probeBytesAtStart);
        return (int) Math.max(0, Math.min(MAX_PADDING_BURST, due));
    }

    /** Packets stamped from now on belong to probe cluster {@code clusterId} (call {@link #endProbePackets} after). */
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
                a != null && a.mixOnly(), probing ? probes.describe(nowMs) : "off", estimator.usage().name().toLowerCase(Locale.ROOT),
                estimator.lossFraction(), estimator.rttMs(), Double.isNaN(acked) ? 0 : (long) acked,
                Double.isNaN(remb) ? 0 : (long) remb, feedbackPackets, refused, replayed, reordered, stamper.stamped(),
                probes.probes(), stamper.paddingBytes(), mixOnlyEpisodes);
    }
}
