/**
 * The sidecar's Prometheus metrics (docs/METRICS.md, {@code ams_sfu_*}): {@link io.ams.sfu.metrics.SidecarMetrics}
 * binds them to a registry (its own for {@code ams sidecar --metrics-port}, the engine's in the all-in-one), reading
 * the rooms' {@code RoomRegistry.census()}, the signaling server's counters and the
 * {@link io.ams.sfu.metrics.JoinCounters} at scrape time; nothing here runs on the packet path.
 */
package io.ams.sfu.metrics;
