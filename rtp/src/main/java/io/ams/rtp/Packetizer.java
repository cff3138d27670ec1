package io.ams.rtp;

import io.ams.rtp.h264.H264Packetizer;
import io.ams.rtp.vp8.Vp8Packetizer;

import java.util.List;

/**
 * Splits an encoded frame into RTP payloads of at most {@code maxPayload} bytes, the last one
 * with the marker bit. Packetize once, send to many: each destination puts its own 12-byte
 * header (SSRC, payload type, sequence number; timestamp = the frame's) in front of the same
 * payloads. Not thread-safe (a VP8 packetizer counts PictureIDs): one encoder thread owns it.
 */
public interface Packetizer {
    /** Default payload limit: fits a 1500-byte MTU with IP/UDP/SRTP/header-extension overhead. */
    int DEFAULT_MAX_PAYLOAD = 1200;

    /** The payloads of {@code frame}, in sending order; empty for an empty frame. */
    List<RtpPayload> packetize(EncodedFrame frame);

    /** A new packetizer for {@code codec} with the given payload limit. */
    static Packetizer forCodec(VideoCodec codec, int maxPayload) {
        switch (codec) {
            case VP8:
                return new Vp8Packetizer(maxPayload);
            case H264:
                return new H264Packetizer(maxPayload);
            default:
                throw new IllegalArgumentException("no packetizer for " + codec);
        }
    }

    /** A new packetizer for {@code codec} with {@link #DEFAULT_MAX_PAYLOAD}. */
    static Packetizer forCodec(VideoCodec codec) {
        return forCodec(codec, DEFAULT_MAX_PAYLOAD);
    }
}
