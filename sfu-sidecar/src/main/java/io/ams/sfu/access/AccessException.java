package io.ams.sfu.access;

/**
 * A refused admission or host action, in words a person can act on. {@code code} is the signaling
 * error code (docs/SIGNALING.md); {@code kind} decides the gRPC status (docs/SECURITY.md).
 */
public final class AccessException extends Exception {
    /** NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED as gRPC names them; REFUSED: a join that is not admitted. */
    public enum Kind { NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED, REFUSED }

    private final Kind kind;
    private final String code;

    public AccessException(Kind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }
}
