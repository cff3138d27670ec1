package io.ams.rtp;

import java.util.Objects;

/**
 * One RTP payload made by a {@link Packetizer}, ready to be put behind a 12-byte RTP header.
 * Each destination writes its own header (SSRC, payload type, sequence number); the timestamp
 * is the frame's. Payloads are immutable once made and may be shared by many destinations.
 *
 * @param data   the payload bytes (payload descriptor / NAL header included)
 * @param marker the RTP marker bit: true on the last packet of a frame
 */
public record RtpPayload(byte[] data, boolean marker) {
    public RtpPayload {
        Objects.requireNonNull(data, "data");
    }
}
