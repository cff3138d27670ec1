package io.ams.sfu.cluster;

import java.time.Duration;

/**
 * The sidecar's part in a cluster (issue 11): {@code redisUri} null for a single sidecar (the default, nothing of
 * Redis runs). {@code publicUrl}: the base URL clients reach this sidecar's web client at (other sidecars send a
 * room's participants there). {@code drainGrace}: how long a drained sidecar keeps its meetings before it exits.
 */
public record ClusterSettings(String redisUri, String sidecarId, String publicUrl, Duration drainGrace) {
    public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofHours(1);

    public ClusterSettings {
        if (redisUri != null && (publicUrl == null || !publicUrl.matches("https?://[^/\\s]+/?"))) {
            throw new IllegalArgumentException("--public-url must be the base URL clients reach this sidecar at, like "
                    + "https://sfu-1.example.com:8443 (got " + publicUrl + ")");
        }
        if (drainGrace == null) {
            drainGrace = DEFAULT_DRAIN_GRACE;
        }
        if (publicUrl != null && publicUrl.endsWith("/")) {
            publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
        }
    }

    public static ClusterSettings none() {
        return new ClusterSettings(null, null, null, DEFAULT_DRAIN_GRACE);
    }

    public boolean clustered() {
        return redisUri != null;
    }
}
