package io.ams.sfu.quality;

import java.util.List;
import java.util.Locale;

/**
 * Scores one direction of one participant's connection, 0..100, E-model-like (after LiveKit's
 * connection-quality scorer; thresholds in docs/DESIGN.md "Connection quality"):
 *
 * <pre>
 *   effective delay = RTT / 2 + 2 x jitter                                  (ms)
 *   delay effect    = effective delay / 40, or (effective delay - 120) / 10 above 160 ms
 *   loss effect     = loss % x weight      weight: video 10, Opus audio 8, divided by 1.5 with FEC
 *   packet score    = 100 - delay effect - loss effect                      (clamped to 0..100)
 *   bitrate score   = 100 - 20 x ln(wanted / achieved)  when the wanted bitrate is known, else 100
 *   stream score    = min(packet score, bitrate score); 0 for a stream that stopped arriving
 *   raw score       = the worst stream's score
 *   score           = 0.8 x raw + 0.2 x previous  when it falls (fast)
 *                     0.4 x raw + 0.6 x previous  when it rises (slow recovery)
 * </pre>
 *
 * So on video 2% loss alone is the edge of EXCELLENT, 6% of GOOD, 8% of POOR. Not thread-safe: one
 * instance per direction per participant, called by the room timer.
 */
public final class QualityScorer {
    public static final double VIDEO_LOSS_WEIGHT = 10;
    public static final double AUDIO_LOSS_WEIGHT = 8;
    public static final double FEC_DIVISOR = 1.5;
    public static final double FALL_WEIGHT = 0.8;
    public static final double RISE_WEIGHT = 0.4;

    private double score = Double.NaN;
    private String lastReason = "";
    private String lastText = "fine";

    /** Score of one stream's window, 0..100. */
    public static double streamScore(StreamWindow w) {
        if (w.silent()) {
            return 0;
        }
        return Math.min(packetScore(w), bitrateScore(w.achievedBits(), w.wantedBits()));
    }

    static double packetScore(StreamWindow w) {
        double lossEffect = 100 * w.lossFraction() * lossWeight(w.video(), w.fec());
        return clamp(100 - delayEffect(effectiveDelayMs(w)) - lossEffect);
    }

    public static double lossWeight(boolean video, boolean fec) {
        double weight = video ? VIDEO_LOSS_WEIGHT : AUDIO_LOSS_WEIGHT;
        return fec ? weight / FEC_DIVISOR : weight;
    }

    static double effectiveDelayMs(StreamWindow w) {
        return (Double.isNaN(w.rttMs()) ? 0 : w.rttMs() / 2) + 2 * w.jitterMs();
    }

    static double delayEffect(double effectiveDelayMs) {
        return effectiveDelayMs > 160 ? (effectiveDelayMs - 120) / 10 : effectiveDelayMs / 40;
    }

    /** LiveKit's bitrate term: GOOD/EXCELLENT edge at 1/2.7 of the wanted bitrate, POOR at 1/20. */
    static double bitrateScore(long achievedBits, long wantedBits) {
        if (wantedBits <= 0) {
            return 100;
        }
        if (achievedBits <= 0) {
            return 0;
        }
        return clamp(100 - 20 * Math.log((double) wantedBits / achievedBits));
    }

    /**
     * Takes one window of every stream of this direction and returns the smoothed quality; an
     * empty list (nothing measured) keeps the previous score, or UNKNOWN before the first one.
     *
     * @param kbps the direction's bitrate in this window, reported as is
     */
    public LinkQuality update(List<StreamWindow> windows, long kbps) {
        if (windows.isEmpty()) {
            return Double.isNaN(score) ? LinkQuality.UNKNOWN
                    : new LinkQuality(score, QualityLevel.of(score), lastReason, lastText, 0, 0, Double.NaN, kbps);
        }
        StreamWindow worst = null;
        double raw = Double.POSITIVE_INFINITY;
        double maxLoss = 0;
        double maxJitter = 0;
        double rtt = Double.NaN;
        for (StreamWindow w : windows) {
            double s = streamScore(w);
            if (s < raw) {
                raw = s;
                worst = w;
            }
            maxLoss = Math.max(maxLoss, w.lossFraction());
            maxJitter = Math.max(maxJitter, w.jitterMs());
            if (!Double.isNaN(w.rttMs())) {
                rtt = Double.isNaN(rtt) ? w.rttMs() : Math.max(rtt, w.rttMs());
            }
        }
        score = Double.isNaN(score) ? raw : raw < score ? FALL_WEIGHT * raw + (1 - FALL_WEIGHT) * score
                : RISE_WEIGHT * raw + (1 - RISE_WEIGHT) * score;
        QualityLevel level = QualityLevel.of(score);
        String reason;
        String text;
        if (level == QualityLevel.EXCELLENT) {
            reason = "";
            text = "fine";
        } else if (raw <= QualityLevel.EXCELLENT_ABOVE) {
            reason = reasonOf(worst);
            text = textOf(reason, worst);
        } else { // this window was fine, the score is still climbing back
            reason = lastReason;
            text = lastText.startsWith("recovering") ? lastText : "recovering (" + lastText + " a moment ago)";
        }
        lastReason = reason;
        lastText = text;
        return new LinkQuality(score, level, reason, text, 100 * maxLoss, maxJitter, rtt, kbps);
    }

    /** The factor that takes the most off this stream's score. */
    static String reasonOf(StreamWindow w) {
        if (w.silent()) {
            return "no_media";
        }
        double loss = 100 * w.lossFraction() * lossWeight(w.video(), w.fec());
        double rttPart = Double.isNaN(w.rttMs()) ? 0 : w.rttMs() / 2;
        double jitterPart = 2 * w.jitterMs();
        double delay = delayEffect(rttPart + jitterPart);
        double bitrate = 100 - bitrateScore(w.achievedBits(), w.wantedBits());
        if (bitrate > loss && bitrate > delay) {
            return "bitrate";
        }
        if (delay > loss) {
            return rttPart >= jitterPart ? "rtt" : "jitter";
        }
        return "loss";
    }

    static String textOf(String reason, StreamWindow w) {
        return switch (reason) {
            case "no_media" -> "not arriving (nothing received for a second)";
            case "bitrate" -> "getting only " + Math.round(100.0 * w.achievedBits() / Math.max(1, w.wantedBits()))
                    + "% of the bitrate sent";
            case "rtt" -> "slow (RTT " + Math.round(w.rttMs()) + " ms)";
            case "jitter" -> "unsteady (jitter " + Math.round(w.jitterMs()) + " ms)";
            default -> "losing " + percent(100 * w.lossFraction()) + " of packets";
        };
    }

    /** "8%", "0.5%", "12%". */
    static String percent(double p) {
        return p >= 9.95 || Math.abs(p - Math.round(p)) < 0.05 ? Math.round(p) + "%" : String.format(Locale.ROOT, "%.1f%%", p);
    }

    private static double clamp(double s) {
        return Math.max(0, Math.min(100, s));
    }
}
