package io.ams.engine;

/**
 * A control-path error with a kind the gRPC layer maps to a status, and a message a person can
 * act on ("room 'r1' does not exist"). The media path never throws these.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in gRPC status terms. */
    public enum Kind {
        NOT_FOUND,
        ALREADY_EXISTS,
        INVALID_ARGUMENT,
        RESOURCE_EXHAUSTED,
        FAILED_PRECONDITION,
        PERMISSION_DENIED,
        INTERNAL
    }

    private final Kind kind;

    public EngineException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static EngineException notFound(String what, String id) {
        return new EngineException(Kind.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static EngineException alreadyExists(String what, String id) {
        return new EngineException(Kind.ALREADY_EXISTS, what + " '" + id + "' already exists");
    }

    public static EngineException invalid(String message) {
        return new EngineException(Kind.INVALID_ARGUMENT, message);
    }
}
