package io.ams.cluster;

/** The cluster's Redis key names (docs/DESIGN.md "Many machines"); one place, so the layout is documented once. */
final class ClusterKeys {
    static final String ENGINE_PREFIX = "ams:engine:";
    static final String SIDECAR_PREFIX = "ams:sidecar:";
    static final String ROOM_PREFIX = "ams:room:";
    static final String EVENTS = "ams:events";

    private ClusterKeys() {
    }

    static String engine(String id) {
        return ENGINE_PREFIX + id;
    }

    static String sidecar(String id) {
        return SIDECAR_PREFIX + id;
    }

    /** Which sidecar owns the room (its meeting runs there). */
    static String roomSidecar(String room) {
        return ROOM_PREFIX + room + ":sidecar";
    }

    /** Which engine mixes the room (written by the owning sidecar). */
    static String roomEngine(String room) {
        return ROOM_PREFIX + room + ":engine";
    }
}
