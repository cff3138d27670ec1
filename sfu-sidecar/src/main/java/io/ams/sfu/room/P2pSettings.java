package io.ams.sfu.room;

/**
 * Peer-to-peer for two (docs/DESIGN.md "1:1 calls peer to peer").
 *
 * @param enabled        {@code --p2p on|off}: rooms of two may go peer to peer
 * @param returnMillis   how long a room must be eligible (two who allow it, no recording) before it goes
 *                       peer to peer, the first time and after every return to the server
 * @param connectMillis  a P2P connection not up by then has failed: the call stays on the server
 * @param retryMillis    after a failure the same two are not tried again for this long
 *
 * <p>The STUN/TURN servers of the P2P connection are the sidecar's ({@link RoomContext#iceServers()}).
 */
public record P2pSettings(boolean enabled, long returnMillis, long connectMillis, long retryMillis) {
    public static final long DEFAULT_RETURN_MILLIS = 5000;
    public static final long DEFAULT_CONNECT_MILLIS = 8000;
    public static final long DEFAULT_RETRY_MILLIS = 60_000;

    public P2pSettings {
        if (returnMillis < 0 || connectMillis < 1000 || retryMillis < 0) {
            throw new IllegalArgumentException("P2P delays out of range: return " + returnMillis + " ms, connect "
                    + connectMillis + " ms (at least 1000), retry " + retryMillis + " ms");
        }
    }

    public static P2pSettings defaults() {
        return new P2pSettings(true, DEFAULT_RETURN_MILLIS, DEFAULT_CONNECT_MILLIS, DEFAULT_RETRY_MILLIS);
    }

    public static P2pSettings off() {
        return new P2pSettings(false, DEFAULT_RETURN_MILLIS, DEFAULT_CONNECT_MILLIS, DEFAULT_RETRY_MILLIS);
    }
}
