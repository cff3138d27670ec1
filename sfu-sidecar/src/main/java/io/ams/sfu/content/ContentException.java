package io.ams.sfu.content;

/** A presenting request that is refused: a code for clients ({@code presenter_busy}, {@code no_such_document}...) and words. */
public final class ContentException extends Exception {
    private final String code;

    public ContentException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
