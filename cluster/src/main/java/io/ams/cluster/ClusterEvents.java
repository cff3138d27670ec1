package io.ams.cluster;

import io.lettuce.core.XAddArgs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cluster events for operators and integrations ("room moved to another engine", "engine draining"): appended to
 * the Redis stream {@code ams:events} (capped near {@link #MAX_LENGTH} entries; read it with {@code XRANGE} or
 * {@code XREAD}). Best effort: an event that cannot be written while Redis is away is only logged by the caller.
 */
public final class ClusterEvents {
    public static final long MAX_LENGTH = 10_000;
    private final RedisStore store;

    public ClusterEvents(RedisStore store) {
        this.store = store;
    }

    /** @throws ClusterUnavailableException while Redis is away */
    public void publish(String type, Map<String, String> fields) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("at", Long.toString(System.currentTimeMillis()));
        body.putAll(fields);
        store.call("event " + type, 1, c -> c.xadd(ClusterKeys.EVENTS, XAddArgs.Builder.maxlen(MAX_LENGTH).approximateTrimming(), body));
    }
}
