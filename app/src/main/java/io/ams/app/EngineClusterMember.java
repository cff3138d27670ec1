package io.ams.app;

import io.ams.cluster.ClusterEvents;
import io.ams.cluster.ClusterUnavailableException;
import io.ams.cluster.ClusterView;
import io.ams.cluster.EngineRecord;
import io.ams.cluster.Heartbeat;
import io.ams.cluster.RedisStore;
import io.ams.engine.Engine;
import io.ams.engine.EngineLoad;
import io.ams.engine.control.MixerService;
import io.ams.proto.v1.Backend;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine's membership of a cluster ({@code ams engine --redis-uri}): its record in Redis with a heartbeat
 * (address, backend, capacity, load, draining), and the drain guard that refuses to drain the last engine that takes
 * rooms. Owns the Redis connection and the heartbeat; {@link #close()} leaves the cluster.
 */
final class EngineClusterMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineClusterMember.class);
    private final RedisStore store;
    private final Heartbeat heartbeat;

    private EngineClusterMember(RedisStore store, Heartbeat heartbeat) {
        this.store = store;
        this.heartbeat = heartbeat;
    }

    static EngineClusterMember join(Engine engine, String redisUri, String id, String grpcAddress, double capacity) {
        RedisStore store = new RedisStore(redisUri);
        String backend = engine.rooms().backend() == Backend.GPU ? "gpu" : "cpu";
        String device = engine.rooms().backendReason();
        engine.service().setClusterInfo(new MixerService.ClusterInfo(store.address(), id, capacity));
        ClusterView view = new ClusterView(store);
        engine.rooms().drain().setGuard(() -> {
            try {
                long others = view.engines().stream().filter(e -> !e.id().equals(id) && !e.draining()).count();
                return others > 0 ? null : "no other engine in the cluster (" + store.address() + ") takes rooms";
            } catch (ClusterUnavailableException e) {
                return "Redis is unreachable, so no other engine is known to take the rooms (" + e.getMessage() + ")";
            }
        });
        Heartbeat heartbeat = Heartbeat.engine(store, () -> new EngineRecord(id, grpcAddress, backend, device, capacity,
                EngineLoad.of(engine.rooms().list()), engine.rooms().size(), engine.rooms().drain().draining()));
        EngineClusterMember m = new EngineClusterMember(store, heartbeat);
        ClusterEvents events = new ClusterEvents(store);
        engine.onDrainStart(() -> {
            heartbeat.beatNow();
            try {
                events.publish("engine-draining", Map.of("engine", id, "rooms", Integer.toString(engine.rooms().size())));
            } catch (ClusterUnavailableException e) {
                LOG.info("cluster: event engine-draining not recorded: {}", e.getMessage());
            }
        });
        LOG.info("cluster: engine '{}' registers in {} as {} ({} backend, capacity {} room-equivalents), heartbeat every {} ms",
                id, store.address(), grpcAddress, backend, capacity, Heartbeat.PERIOD_MS);
        return m;
    }

    @Override
    public void close() {
        heartbeat.close();
        store.close();
    }
}
