package io.ams.engine.atrest;

import java.io.IOException;

/** A sealed file that cannot be (fully) opened: wrong key, edited, reordered, missing or cut chunks. */
public final class SealedFileException extends IOException {
    /** What is wrong, for callers that act on it (export refuses all but {@link #TRUNCATED} and {@link #UNFINISHED}). */
    public enum Problem { NOT_SEALED, WRONG_KEY, TAMPERED, MISSING_CHUNK, TRUNCATED, UNFINISHED }

    private final Problem problem;
    private final long chunk;

    public SealedFileException(Problem problem, long chunk, String message) {
        super(message);
        this.problem = problem;
        this.chunk = chunk;
    }

    public Problem problem() {
        return problem;
    }

    /** The chunk concerned, -1 for the header. */
    public long chunk() {
        return chunk;
    }
}
