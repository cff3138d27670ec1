package io.ams.sfu.transport;

/**
 * Where a room's media path hands what it sends one participant: plain RTP and RTCP, protected and sent by
 * the participant's {@link PeerTransport}. The relay stages see only this, so they can be tested without ICE
 * and DTLS. Implementations never throw: a packet that cannot go out is counted and {@code false} returned.
 */
public interface MediaSink {
    /** Sends one plain RTP packet; false if it did not go out. */
    boolean sendRtp(byte[] b, int off, int len);

    /** Sends one plain (compound) RTCP packet; false if it did not go out. */
    boolean sendRtcp(byte[] b, int off, int len);
}
