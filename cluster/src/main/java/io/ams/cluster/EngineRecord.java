package io.ams.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an engine tells the cluster about itself (the hash {@code ams:engine:<id>}, refreshed every
 * {@link Heartbeat#PERIOD_MS} and gone {@link Heartbeat#TTL_MS} after the engine stops refreshing it).
 *
 * @param grpcAddress where sidecars dial its control API, HOST:PORT
 * @param backend "cpu" or "gpu" (what its rooms mix on)
 * @param device the GPU's name, or the CPU's description
 * @param capacity how many 720p30 room-equivalents it holds (measured at start-up or configured)
 * @param load the room-equivalents it runs now
 * @param draining it takes no new rooms and its rooms are being moved away
 */
public record EngineRecord(String id, String grpcAddress, String backend, String device, double capacity, double load,
                           int rooms, boolean draining) {

    public EngineRecord {
        if (id == null || id.isBlank() || id.contains(":")) {
            throw new IllegalArgumentException("engine id must be non-empty without ':' (" + id + ")");
        }
        if (grpcAddress == null || grpcAddress.isBlank()) {
            throw new IllegalArgumentException("engine " + id + " has no gRPC address");
        }
    }

    public boolean gpu() {
        return "gpu".equals(backend);
    }

    /** Load over capacity (1 = full); an engine that says it has no capacity counts as full. */
    public double loadRatio() {
        return capacity <= 0 ? Double.POSITIVE_INFINITY : load / capacity;
    }

    public EngineRecord withDraining(boolean d) {
        return new EngineRecord(id, grpcAddress, backend, device, capacity, load, rooms, d);
    }

    Map<String, String> toFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("address", grpcAddress);
        m.put("backend", backend);
        m.put("device", device == null ? "" : device);
        m.put("capacity", Double.toString(capacity));
        m.put("load", Double.toString(load));
        m.put("rooms", Integer.toString(rooms));
        m.put("draining", Boolean.toString(draining));
        return m;
    }

    /** From the hash; null for one that is incomplete or unreadable (written by something else, or half expired). */
    static EngineRecord fromFields(String id, Map<String, String> m) {
        try {
            return new EngineRecord(id, m.get("address"), m.getOrDefault("backend", "cpu"), m.getOrDefault("device", ""),
                    Double.parseDouble(m.get("capacity")), Double.parseDouble(m.get("load")),
                    Integer.parseInt(m.getOrDefault("rooms", "0")), Boolean.parseBoolean(m.get("draining")));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
