package io.ams.sfu.content;

/** A document that cannot be converted, with a code for clients and words for people. */
public final class ConversionException extends Exception {
    private final String code;

    public ConversionException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
