package io.ams.rtp;

/** Video codecs the engine ingests and produces, with their RTP clock rate (90 kHz for both). */
public enum VideoCodec {
    /** VP8, RTP payload format RFC 7741. */
    VP8("VP8"),
    /** H.264 constrained baseline, RTP payload format RFC 6184, packetization-mode 1. */
    H264("H264");

    public static final int RTP_CLOCK_RATE = 90_000;

    private final String sdpName;

    VideoCodec(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The encoding name as written in SDP {@code a=rtpmap} lines. */
    public String sdpName() {
        return sdpName;
    }
}
