package io.ams.sfu.auth;

/** A join token that does not let its holder in, with the reason in words a person understands. */
public final class TokenException extends Exception {
    public enum Reason { MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_ROOM, MISSING_CLAIM, REVOKED }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The signaling error code for this reason (docs/SIGNALING.md). */
    public String code() {
        return switch (reason) {
            case EXPIRED -> "token_expired";
            case REVOKED -> "token_revoked";
            default -> "token_invalid";
        };
    }
}
