package io.ams.engine.egress;

import java.util.List;

import io.ams.proto.v1.Destination;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.RtpPayload;

/**
 * Where an output's encoded frames go. Called on the output's tick thread only. A sink never
 * throws on the media path: failures are counted in {@link #errors()}.
 */
public interface Sink extends AutoCloseable {
    String id();

    /**
     * Sends one encoded frame; {@code payloads} is the frame packetized once for all RTP sinks
     * (shared, read-only; null when no sink of the output needs RTP).
     */
    void send(EncodedFrame frame, List<RtpPayload> payloads);

    /** True when this sink consumes RTP payloads. */
    boolean wantsRtp();

    long errors();

    Destination describe();

    @Override
    void close();
}
