package io.ams.sfu.transport;

/**
 * A last edit of every plain RTP packet a peer's transport sends, just before SRTP protection
 * (send-side bandwidth estimation stamps its transport-wide sequence numbers here, see
 * {@code io.ams.sfu.bwe.TransportSeqStamper}). Called on whichever thread sends, possibly several at
 * once; must be thread-safe, must not block and must not throw.
 */
public interface RtpSendHook {
    /** The most a hook may grow a packet by. */
    int MAX_GROWTH = 16;

    /**
     * Writes the packet {@code src[off, off+len)}, possibly changed, into {@code dst} from index 0
     * ({@code dst} holds at least {@code len + MAX_GROWTH} bytes).
     *
     * @return the length written, or -1 to send the packet unchanged
     */
    int rewrite(byte[] src, int off, int len, byte[] dst, long nowNanos);
}
