package io.ams.sfu.content;

/**
 * A document of a room as clients see it (signaling message {@code document}): converting (with pages
 * done of total, total 0 while unknown), ready, or failed with a code and words.
 */
public record DocumentInfo(String id, String name, String uploadedBy, String state, int pages, int converted,
        String error, String errorMessage) {
    public static final String CONVERTING = "converting";
    public static final String READY = "ready";
    public static final String FAILED = "failed";

    DocumentInfo progress(int total, int done) {
        return new DocumentInfo(id, name, uploadedBy, CONVERTING, total, done, null, null);
    }

    DocumentInfo ready(int total) {
        return new DocumentInfo(id, name, uploadedBy, READY, total, total, null, null);
    }

    DocumentInfo failed(String code, String words) {
        return new DocumentInfo(id, name, uploadedBy, FAILED, pages, converted, code, words);
    }

    public boolean isReady() {
        return READY.equals(state);
    }
}
