package io.ams.cluster;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's record in Redis alive: writes it every {@link #PERIOD_MS} with a {@link #TTL_MS} expiry, so a node
 * that dies (kill -9, a lost machine) drops out of the cluster by itself within the TTL; {@link #close()} deletes it
 * at once. While Redis is away the beats fail quietly (RedisStore logs the outage once) and the next one that
 * succeeds puts the record back.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    public static final long PERIOD_MS = 1000;
    public static final long TTL_MS = 5000;

    private final RedisStore store;
    private final String key;
    private final Supplier<Map<String, String>> fields;
    private final ScheduledExecutorService thread;
    private volatile boolean closed;

    private Heartbeat(RedisStore store, String key, Supplier<Map<String, String>> fields) {
        this.store = store;
        this.key = key;
        this.fields = fields;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Beats for an engine: {@code record} is asked for the current state at every beat. */
    public static Heartbeat engine(RedisStore store, Supplier<EngineRecord> record) {
        EngineRecord first = record.get();
        Heartbeat h = new Heartbeat(store, ClusterKeys.engine(first.id()), () -> record.get().toFields());
        h.start();
        return h;
    }

    /** Beats for a sidecar. */
    public static Heartbeat sidecar(RedisStore store, Supplier<SidecarRecord> record) {
        SidecarRecord first = record.get();
        Heartbeat h = new Heartbeat(store, ClusterKeys.sidecar(first.id()), () -> record.get().toFields());
        h.start();
        return h;
    }

    private void start() {
        thread.scheduleWithFixedDelay(this::beatSafely, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Writes the record now (e.g. right after the draining flag changed) instead of at the next beat. */
    public void beatNow() {
        if (!closed) {
            try {
                thread.execute(this::beatSafely);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void beatSafely() {
        if (closed) {
            return;
        }
        try {
            Map<String, String> f = fields.get();
            store.call("heartbeat", 2, c -> {
                c.hset(key, f);
                return c.pexpire(key, TTL_MS);
            });
        } catch (ClusterUnavailableException e) {
            // logged by the store once per outage
        } catch (RuntimeException e) {
            LOG.warn("cluster: heartbeat for {} failed", key, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
            store.call("leave", 1, c -> c.del(key));
        } catch (ClusterUnavailableException e) {
            LOG.info("cluster: could not remove {} from Redis ({}); it expires within {} ms", key, e.getMessage(), TTL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
