package io.ams.sfu.room;

import java.util.List;

/**
 * Peer-to-peer for two (docs/DESIGN.md "1:1 calls peer to peer").
 *
 * @param enabled        {@code --p2p on|off}: rooms of two may go peer to peer
 * @param returnMillis   how long a room must be eligible (two who allow it, no recording) before it goes
 *                       peer to peer, the first time and after every return to the server
 * @param connectMillis  a P2P connection not up by then has failed: the call stays on the server
 * @param retryMillis    after a failure the same two are not tried again for this long
 * @param iceServers     STUN/TURN URLs the clients use for their P2P connection ({@code --ice-server})
 */
public record P2pSettings(boolean enabled, long returnMillis, long connectMillis, long retryMillis, List<String> iceServers) {
    public static final long DEFAULT_RETURN_MILLIS = 5000;
    public static final long DEFAULT_CONNECT_MILLIS = 8000;
    public static final long DEFAULT_RETRY_MILLIS = 60_000;

    public P2pSettings {
        iceServers = List.copyOf(iceServers);
        if (returnMillis < 0 || connectMillis < 1000 || retryMillis < 0) {
            throw new IllegalArgumentException("P2P delays out of range: return " + returnMillis + " ms, connect "
                    + connectMillis + " ms (at least 1000), retry " + retryMillis + " ms");
        }
        for (String s : iceServers) {
            if (!s.matches("(stun|stuns|turn|turns):[^\\s]{1,250}")) {
                throw new IllegalArgumentException("ICE server '" + s + "' is not a stun:, stuns:, turn: or turns: URL");
            }
        }
    }

    public static P2pSettings defaults() {
        return new P2pSettings(true, DEFAULT_RETURN_MILLIS, DEFAULT_CONNECT_MILLIS, DEFAULT_RETRY_MILLIS, List.of());
    }

    public static P2pSettings off() {
        return new P2pSettings(false, DEFAULT_RETURN_MILLIS, DEFAULT_CONNECT_MILLIS, DEFAULT_RETRY_MILLIS, List.of());
    }
}
