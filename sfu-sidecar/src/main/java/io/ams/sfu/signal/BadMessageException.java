package io.ams.sfu.signal;

/** A signaling message that cannot be acted upon; the client gets error{code, message}. */
public final class BadMessageException extends Exception {
    private final String code;

    public BadMessageException(String message) {
        this("bad_message", message);
    }

    public BadMessageException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
