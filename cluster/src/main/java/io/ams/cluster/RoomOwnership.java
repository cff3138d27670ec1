package io.ams.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.util.Collection;
import java.util.Map;

/**
 * Which sidecar a room's meeting runs on, and which engine mixes it: {@code ams:room:<id>:sidecar} and
 * {@code ams:room:<id>:engine}, each with a {@link #TTL_MS} expiry the owner refreshes while the room exists. Claims
 * are {@code SET NX}, so of two sidecars racing for one room exactly one wins and the other sends its client there.
 * Refresh and release only touch a key whose value is still the caller's (a Lua compare-and-set), so a sidecar that
 * lost a room (its claim expired during a Redis outage and another one took it) can never take it back by accident.
 */
public final class RoomOwnership {
    public static final long TTL_MS = 15_000;

    /** KEYS: the rooms' keys; ARGV[1] the owner, ARGV[2] the TTL. Returns how many were still ours. */
    private static final String REFRESH = """
            local n = 0
            for i, k in ipairs(KEYS) do
              if redis.call('get', k) == ARGV[1] then redis.call('pexpire', k, ARGV[2]); n = n + 1 end
            end
            return n""";
    private static final String RELEASE = """
            if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
            return 0""";

    private final RedisStore store;

    public RoomOwnership(RedisStore store) {
        this.store = store;
    }

    /**
     * Claims {@code room} for {@code sidecarId} unless someone owns it; returns the owner (the caller's id if it won).
     *
     * @throws ClusterUnavailableException while Redis is away
     */
    public String claim(String room, String sidecarId) {
        String key = ClusterKeys.roomSidecar(room);
        for (int attempt = 0; attempt < 3; attempt++) {
            String set = store.call("claim " + room, 1, c -> c.set(key, sidecarId, SetArgs.Builder.nx().px(TTL_MS)));
            if ("OK".equals(set)) {
                return sidecarId;
            }
            String owner = store.call("owner " + room, 1, c -> c.get(key));
            if (owner != null) {
                return owner;
            }
            // expired between the two calls: claim again
        }
        throw new ClusterUnavailableException("room " + room + ": its owner key keeps vanishing");
    }

    /** The sidecar owning {@code room}, null if none. @throws ClusterUnavailableException while Redis is away */
    public String owner(String room) {
        return store.call("owner " + room, 1, c -> c.get(ClusterKeys.roomSidecar(room)));
    }

    /**
     * Gives {@code room} to {@code sidecarId} whoever had it (the owner is known to be gone: its record expired).
     */
    public void takeOver(String room, String sidecarId) {
        store.call("take over " + room, 1, c -> c.set(ClusterKeys.roomSidecar(room), sidecarId, SetArgs.Builder.px(TTL_MS)));
    }

    /**
     * Keeps the caller's rooms (and their engine entries) alive; returns how many were still the caller's (fewer:
     * another sidecar took some while Redis did not hear from us).
     */
    public long refresh(Collection<String> rooms, String sidecarId) {
        if (rooms.isEmpty()) {
            return 0;
        }
        String[] keys = rooms.stream().map(ClusterKeys::roomSidecar).toArray(String[]::new);
        Long n = store.call("refresh rooms", 1, c -> c.eval(REFRESH, ScriptOutputType.INTEGER, keys, sidecarId,
                Long.toString(TTL_MS)));
        return n == null ? 0 : n;
    }

    /** The room ended on {@code sidecarId}: forget it there (only if it is still the caller's). */
    public void release(String room, String sidecarId) {
        store.call("release " + room, 2, c -> {
            c.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {ClusterKeys.roomSidecar(room)}, sidecarId);
            return c.del(ClusterKeys.roomEngine(room));
        });
    }

    /** Records which engine mixes {@code room} (for operators and for another sidecar that takes the room over). */
    public void placedOn(String room, String engineId) {
        store.call("place " + room, 1, c -> c.set(ClusterKeys.roomEngine(room), engineId, SetArgs.Builder.px(TTL_MS)));
    }

    /** Keeps the rooms' engine entries alive. */
    public void refreshPlacements(Map<String, String> roomToEngine) {
        if (roomToEngine.isEmpty()) {
            return;
        }
        store.call("refresh placements", roomToEngine.size(), c -> {
            roomToEngine.forEach((room, engine) -> c.set(ClusterKeys.roomEngine(room), engine, SetArgs.Builder.px(TTL_MS)));
            return null;
        });
    }

    /** The engine recorded for {@code room}, null if none. */
    public String engineOf(String room) {
        return store.call("engine of " + room, 1, c -> c.get(ClusterKeys.roomEngine(room)));
    }
}
