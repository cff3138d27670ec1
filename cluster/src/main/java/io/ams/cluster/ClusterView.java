package io.ams.cluster;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Reads the live nodes from Redis: every record whose heartbeat has not expired. */
public final class ClusterView {
    private final RedisStore store;

    public ClusterView(RedisStore store) {
        this.store = store;
    }

    /** The engines alive now, in key order. @throws ClusterUnavailableException while Redis is away */
    public List<EngineRecord> engines() {
        return read(ClusterKeys.ENGINE_PREFIX, EngineRecord::fromFields);
    }

    /** The sidecars alive now. @throws ClusterUnavailableException while Redis is away */
    public List<SidecarRecord> sidecars() {
        return read(ClusterKeys.SIDECAR_PREFIX, SidecarRecord::fromFields);
    }

    /** The sidecar {@code id} if it is alive now (one round trip). @throws ClusterUnavailableException while Redis is away */
    public java.util.Optional<SidecarRecord> sidecar(String id) {
        Map<String, String> fields = store.call("read sidecar " + id, 1, c -> c.hgetall(ClusterKeys.sidecar(id)));
        return fields.isEmpty() ? java.util.Optional.empty() : java.util.Optional.ofNullable(SidecarRecord.fromFields(id, fields));
    }

    private <T> List<T> read(String prefix, BiFunction<String, Map<String, String>, T> parse) {
        List<String> keys = store.call("scan " + prefix + "*", 1, c -> scan(c, prefix + "*"));
        List<T> out = new ArrayList<>();
        for (String k : keys) {
            Map<String, String> fields = store.call("read " + k, 1, c -> c.hgetall(k));
            T r = fields.isEmpty() ? null : parse.apply(k.substring(prefix.length()), fields);
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    private static List<String> scan(RedisCommands<String, String> c, String match) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(match).limit(500);
        do {
            KeyScanCursor<String> page = c.scan(cursor, args);
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        keys.sort(String::compareTo);
        return keys;
    }
}
