package io.ams.sfu.access;

/**
 * What access control tells one seated participant's client (the signaling layer turns these into
 * messages). Called with no access-control lock held, from the signaling thread or a gRPC thread.
 */
public interface SeatChannel {
    /** The room was locked or unlocked by {@code by} (message {@code room-locked}). */
    void locked(boolean locked, String by);

    /** {@code by} asks this participant to mute its microphone (message {@code mute-requested}). */
    void askedToMute(String by);

    /**
     * Ends this participant's session for good: out of the room, then told why ({@code error} with
     * {@code code} and {@code words}, then {@code bye}) and disconnected. Idempotent.
     */
    void end(String code, String words);
}
