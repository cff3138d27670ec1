package io.ams.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sidecar tells the cluster about itself (the hash {@code ams:sidecar:<id>}, with the same heartbeat as an
 * engine's).
 *
 * @param publicUrl the base URL its web client is reached at (where clients are sent for rooms it owns)
 * @param draining it takes no new rooms; its meetings go on until they end
 */
public record SidecarRecord(String id, String publicUrl, int rooms, int participants, boolean draining) {

    public SidecarRecord {
        if (id == null || id.isBlank() || id.contains(":")) {
            throw new IllegalArgumentException("sidecar id must be non-empty without ':' (" + id + ")");
        }
        if (publicUrl == null || publicUrl.isBlank()) {
            throw new IllegalArgumentException("sidecar " + id + " has no public URL");
        }
    }

    Map<String, String> toFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("url", publicUrl);
        m.put("rooms", Integer.toString(rooms));
        m.put("participants", Integer.toString(participants));
        m.put("draining", Boolean.toString(draining));
        return m;
    }

    static SidecarRecord fromFields(String id, Map<String, String> m) {
        try {
            return new SidecarRecord(id, m.get("url"), Integer.parseInt(m.get("rooms")), Integer.parseInt(m.get("participants")),
                    Boolean.parseBoolean(m.get("draining")));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
