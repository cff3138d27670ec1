package io.ams.sfu.quality;

/**
 * What was measured on one RTP stream over one window (about a second): the input of
 * {@link QualityScorer}.
 *
 * @param video          video (loss weight 10) or audio (Opus, loss weight 8)
 * @param fec            the stream carries forward error correction (Opus in-band FEC): loss weight / 1.5
 * @param expected       packets expected in the window (from sequence numbers)
 * @param lost           packets lost in the window (uplink: before repair by NACK)
 * @param jitterMs       interarrival jitter (RFC 3550 A.8), milliseconds
 * @param rttMs          round-trip time, milliseconds; NaN if unknown
 * @param achievedBits   bits that arrived in the window (0 if unknown)
 * @param wantedBits     bits that should have arrived; 0 = unknown (the bitrate term is left out)
 * @param silent         the stream flowed before but nothing arrived in this window
 */
public record StreamWindow(boolean video, boolean fec, long expected, long lost, double jitterMs, double rttMs,
                           long achievedBits, long wantedBits, boolean silent) {

    public double lossFraction() {
        return expected <= 0 ? 0 : Math.min(1, Math.max(0, lost) / (double) expected);
    }
}
