package io.ams.sfu.cluster;

import io.ams.cluster.RedisStore;
import io.ams.sfu.engine.EngineCluster;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The sidecar's cluster meters (docs/METRICS.md): drain state always; moves, redirects and Redis with a cluster. */
public final class ClusterMetrics {
    private ClusterMetrics() {
    }

    /** {@code engines}, {@code member} and {@code redis} null for a single sidecar. */
    public static void bind(MeterRegistry registry, SidecarDrain drain, EngineCluster engines, SidecarClusterMember member,
                            RedisStore redis) {
        Gauge.builder("ams.sfu.draining", drain, d -> d.draining() ? 1 : 0)
                .description("1 while the sidecar drains (takes no new rooms; /healthz answers 503)").register(registry);
        if (engines == null) {
            return;
        }
        FunctionCounter.builder("ams.sfu.mix.moves", engines, EngineCluster::movesLost).tag("reason", "engine_lost")
                .description("rooms whose mix moved to another engine").register(registry);
        FunctionCounter.builder("ams.sfu.mix.moves", engines, EngineCluster::movesDraining).tag("reason", "engine_draining")
                .description("rooms whose mix moved to another engine").register(registry);
        Gauge.builder("ams.sfu.cluster.engines", engines, e -> e.engines().size())
                .description("engines of the cluster this sidecar links to").register(registry);
        FunctionCounter.builder("ams.sfu.cluster.redirects", member, SidecarClusterMember::redirects)
                .description("joins sent to the sidecar the room runs on").register(registry);
        FunctionCounter.builder("ams.sfu.cluster.local.joins", member, SidecarClusterMember::localFallbacks)
                .description("joins kept here because Redis could not be asked").register(registry);
        Gauge.builder("ams.sfu.cluster.redis.up", redis, r -> r.available() ? 1 : 0)
                .description("1 while Redis answers").register(registry);
        FunctionCounter.builder("ams.sfu.cluster.redis.failures", redis, RedisStore::failures)
                .description("Redis calls that failed (unreachable or too slow)").register(registry);
    }
}
