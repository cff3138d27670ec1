package io.ams.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection a node keeps to the cluster's Redis (Lettuce, synchronous commands, one shared connection).
 * Every call has a short deadline and fails fast while Redis is away, so a node never waits on Redis for long: the
 * callers treat {@link ClusterUnavailableException} as "go on alone with what you knew" (DESIGN.md section 11).
 * The connection is made on first use and made again at most once a second after a failure; the transition to
 * unreachable and back is logged once each, with the consequence.
 */
public final class RedisStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
    /** How long one command may take; Redis answers in well under a millisecond on a LAN. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final long RECONNECT_INTERVAL_MS = 1000;

    private final RedisURI uri;
    private final String shown;
    private final RedisClient client;
    private StatefulRedisConnection<String, String> connection; // guarded by this
    private long lastConnectAttempt;                            // guarded by this
    private volatile boolean available = true;
    private boolean closed;                                     // guarded by this
    private volatile String lastError = "";
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * {@code uri}: {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS (Lettuce's syntax).
     *
     * @throws IllegalArgumentException for a URI Lettuce cannot read, naming it
     */
    public RedisStore(String uri) {
        try {
            this.uri = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--redis-uri " + uri + ": " + e.getMessage(), e);
        }
        this.uri.setTimeout(COMMAND_TIMEOUT);
        this.shown = (this.uri.isSsl() ? "rediss://" : "redis://") + this.uri.getHost() + ":" + this.uri.getPort()
                + (this.uri.getDatabase() != 0 ? "/" + this.uri.getDatabase() : "");
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while disconnected, fail at once instead of queueing commands for a Redis that may be gone
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
    }

    /** The address, without credentials, for logs and status. */
    public String address() {
        return shown;
    }

    /** False since the last call that failed to reach Redis, until one succeeds. */
    public boolean available() {
        return available;
    }

    public String lastError() {
        return lastError;
    }

    /** Commands sent (each one round trip; the figure docs/BENCHMARKS.md reports per join). */
    public long roundTrips() {
        return roundTrips.get();
    }

    /** Calls that failed to reach Redis. */
    public long failures() {
        return failures.get();
    }

    /**
     * Runs {@code commands} ({@code trips}: how many commands it sends, for {@link #roundTrips}).
     *
     * @throws ClusterUnavailableException when Redis cannot be reached or does not answer within the deadline
     */
    public <T> T call(String what, int trips, Function<RedisCommands<String, String>, T> commands) {
        RedisCommands<String, String> c = commands();
        roundTrips.addAndGet(trips);
        try {
            T result = commands.apply(c);
            up();
            return result;
        } catch (RedisException e) {
            throw down(what, e);
        }
    }

    private synchronized RedisCommands<String, String> commands() {
        if (closed) {
            throw new ClusterUnavailableException("the Redis connection to " + shown + " is closed");
        }
        if (connection != null && connection.isOpen()) {
            return connection.sync();
        }
        long now = System.currentTimeMillis();
        if (connection == null && now - lastConnectAttempt < RECONNECT_INTERVAL_MS && !available) {
            throw new ClusterUnavailableException("Redis at " + shown + " unreachable: " + lastError);
        }
        if (connection == null) {
            lastConnectAttempt = now;
            try {
                connection = client.connect(uri);
            } catch (RedisException e) {
                throw down("connect", e);
            }
        }
        return connection.sync();
    }

    private void up() {
        if (!available) {
            available = true;
            lastError = "";
            LOG.info("cluster: Redis at {} reachable again: sharing this node's state again", shown);
        }
    }

    private ClusterUnavailableException down(String what, RuntimeException e) {
        failures.incrementAndGet();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (available) {
            LOG.warn("cluster: Redis at {} unreachable ({}: {}): this node goes on alone with what it knew (its meetings go on,"
                    + " new rooms are placed locally); retrying every second", shown, what, msg);
        }
        available = false;
        lastError = msg;
        return new ClusterUnavailableException("Redis at " + shown + " unreachable (" + what + "): " + msg, e);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null) {
            connection.close();
            connection = null;
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
