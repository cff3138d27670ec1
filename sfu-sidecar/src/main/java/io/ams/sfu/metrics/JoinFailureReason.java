package io.ams.sfu.metrics;

import java.util.Locale;

/**
 * Why a join did not end with media flowing, as the join path tells them apart: the signaling refusal
 * (docs/SIGNALING.md error codes) or the media connection that failed before it was ever ready. The
 * {@link #label()} is the {@code reason} label of {@code ams_sfu_join_failures_total}.
 */
public enum JoinFailureReason {
    /** The token is not one of ours: malformed, bad signature, missing claims, another room (token_invalid). */
    BAD_TOKEN,
    /** The token expired (token_expired). */
    TOKEN_EXPIRED,
    /** The token was revoked: a removed participant's, or one an operator revoked (token_revoked). */
    TOKEN_REVOKED,
    /** The room is locked and the token is new to it (room_locked). */
    ROOM_LOCKED,
    /** The room has its maximum of participants, or the server its maximum of rooms (room_full). */
    ROOM_FULL,
    /** The join message itself was wrong: no room or token, an invalid room id, a second join (bad_message, room_unknown). */
    BAD_REQUEST,
    /** The server failed to open the room (internal). */
    INTERNAL,
    /** A new room while the sidecar drains and no other sidecar takes it (server_draining). */
    DRAINING,
    /** Admitted, but ICE never completed (no candidate pair worked, or none in time). */
    ICE_FAILED,
    /** Admitted and ICE completed, but the DTLS handshake failed or did not finish in time. */
    DTLS_FAILED;

    /** The Prometheus label value: the name in lower case, e.g. {@code bad_token}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason for a join refused with signaling error {@code code}; unknown codes are {@link #INTERNAL}. */
    public static JoinFailureReason ofCode(String code) {
        return switch (code) {
            case "token_invalid" -> BAD_TOKEN;
            case "token_expired" -> TOKEN_EXPIRED;
            case "token_revoked" -> TOKEN_REVOKED;
            case "room_locked" -> ROOM_LOCKED;
            case "room_full" -> ROOM_FULL;
            case "bad_message", "room_unknown" -> BAD_REQUEST;
            case "server_draining" -> DRAINING;
            default -> INTERNAL;
        };
    }
}
