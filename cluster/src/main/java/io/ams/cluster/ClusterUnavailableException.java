package io.ams.cluster;

/** Redis could not be reached or did not answer in time; the caller goes on with what it knew. */
public final class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message) {
        super(message);
    }

    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
