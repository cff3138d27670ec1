package io.ams.engine.backend;

/**
 * The hardware behind a {@link MixBackend} failed (a CUDA error, device out of memory, a lost
 * device): the backend cannot mix any more, and its output continues on the CPU. The message
 * names what failed; the cause, where there is one, is the backend's own exception.
 */
public final class BackendFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendFault(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendFault(String message) {
        super(message);
    }
}
