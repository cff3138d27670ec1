package io.ams.sfu.quality;

/**
 * The quality of one direction (uplink or downlink) of one participant, as sent to clients and
 * the control API. {@code text} is in plain words and fits after "your upload is" or "Alice's
 * download is": "fine", "losing 8% of packets", "slow (RTT 450 ms)".
 *
 * @param score       smoothed 0..100; NaN when {@link QualityLevel#UNKNOWN}
 * @param reason      what lowers the score most: "" (nothing), "loss", "rtt", "jitter", "bitrate",
 *                    "no_media" (nothing arrives), "no_data" (nothing measured yet)
 * @param lossPercent packets lost in the last window (uplink: before repair), percent
 * @param rttMs       round-trip time; NaN if unknown
 * @param kbps        bitrate in the last window (uplink: received; downlink: sent)
 */
public record LinkQuality(double score, QualityLevel level, String reason, String text, double lossPercent,
                          double jitterMs, double rttMs, long kbps) {

    public static final LinkQuality UNKNOWN = new LinkQuality(Double.NaN, QualityLevel.UNKNOWN, "no_data",
            "not measured yet", 0, 0, Double.NaN, 0);

    /** The score rounded for display, -1 when unknown. */
    public int roundedScore() {
        return Double.isNaN(score) ? -1 : (int) Math.round(score);
    }

    /** Equal as a client would see it (rounded numbers): decides whether a new message is worth sending. */
    public boolean sameAs(LinkQuality o) {
        return o != null && level == o.level && reason.equals(o.reason) && text.equals(o.text)
                && roundedScore() == o.roundedScore();
    }
}
