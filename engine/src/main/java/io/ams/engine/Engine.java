package io.ams.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.control.DestinationPolicy;
import io.ams.engine.control.MixerService;
import io.ams.engine.room.RoomManager;
import io.ams.proto.auth.ControlAuthInterceptor;
import io.ams.proto.auth.ControlExposure;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

/**
 * An engine process: the rooms, their media ports and the gRPC control server.
 * {@link #start(EngineConfig)} opens everything; {@link #close()} deletes every room (freeing
 * their native buffers) and stops the server.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private final RoomManager rooms;     // owned: closed in close()
    private final MixerService service;
    private final Server server;         // owned: shut down in close(); null when not listening

    private Engine(EngineConfig config, RoomManager rooms, MixerService service, Server server) {
        this.config = config;
        this.rooms = rooms;
        this.service = service;
        this.server = server;
        watchDrain();
    }

    /**
     * Starts the rooms manager and the gRPC server on {@code config.bindHost():grpcPort()}. With a
     * control token every call (reflection included) must carry it; a non-loopback address without
     * one is refused unless the config says insecure ({@link ControlExposure}).
     */
    public static Engine start(EngineConfig config) throws IOException {
        ControlSecurity security = config.security();
        String refusal = ControlExposure.refusal("--bind", config.bindHost(), security.token() != null,
                security.insecure());
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        ControlAuthInterceptor auth = security.token() == null ? ControlAuthInterceptor.open()
                : ControlAuthInterceptor.requiring(security.token());
        RoomManager rooms = new RoomManager(config);
        MixerService service = new MixerService(rooms, new DestinationPolicy(security.allowDestinations()), auth);
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress(config.bindHost(), config.grpcPort()))
                // SetContent carries a page picture of up to StillPicture.MAX_BYTES
                .maxInboundMessageSize(io.ams.engine.compose.StillPicture.MAX_BYTES + 64 * 1024)
                .addService(ServerInterceptors.intercept(service, auth))
                .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            rooms.close();
            throw new IOException("cannot listen for gRPC on " + config.bindHost() + ":" + config.grpcPort()
                    + ": " + e.getMessage(), e);
        }
        Engine engine = new Engine(config, rooms, service, server);
        LOG.info("engine listening: gRPC {}:{} ({}), media {} ports {}, RTP destinations {}, backend {} ({})",
                config.bindHost(), server.getPort(), auth.authenticating() ? "control token required"
                        : "no authentication" + (security.insecure() ? ": --insecure-control" : ", loopback"),
                config.mediaHost(), config.anyMediaPort() ? "any" : config.mediaPortMin() + ".." + config.mediaPortMax(),
                security.allowDestinations() + " and callers' own addresses", rooms.backend(), rooms.backendReason());
        if (security.insecure() && security.token() == null && !ControlExposure.isLoopback(config.bindHost())) {
            LOG.warn("--insecure-control: anyone who reaches {}:{} controls this engine", config.bindHost(),
                    server.getPort());
        }
        return engine;
    }

    /** An engine without a network gRPC server, for the in-process transport (tests, embedding). */
    public static Engine startEmbedded(EngineConfig config) {
        return startEmbedded(config, null);
    }

    /**
     * As above, with {@code device} as the device backend of new outputs (see
     * {@link RoomManager#RoomManager(EngineConfig, io.ams.engine.backend.BackendPolicy.DeviceBackends)}).
     */
    public static Engine startEmbedded(EngineConfig config, io.ams.engine.backend.BackendPolicy.DeviceBackends device) {
        RoomManager rooms = new RoomManager(config, device);
        return new Engine(config, rooms, new MixerService(rooms), null);
    }

    /** The gRPC port actually bound (useful when the config asked for 0). */
    public int grpcPort() {
        return server == null ? -1 : server.getPort();
    }

    public EngineConfig config() {
        return config;
    }

    public RoomManager rooms() {
        return rooms;
    }

    private io.ams.engine.metrics.EngineMetrics metrics;      // made on first use
    private io.ams.proto.metrics.MetricsEndpoint metricsEndpoint; // owned: closed in close()

    /** The engine's Prometheus metrics (docs/METRICS.md). */
    public synchronized io.ams.engine.metrics.EngineMetrics metrics() {
        if (metrics == null) {
            metrics = new io.ams.engine.metrics.EngineMetrics(rooms, service);
        }
        return metrics;
    }

    /**
     * Serves {@link #metrics()} on http://HOST:{@code port}/metrics (HOST: the control address), with the
     * control token required where the engine has one. Returns the port bound.
     */
    public synchronized int serveMetrics(int port) throws IOException {
        if (metricsEndpoint != null) {
            throw new IllegalStateException("metrics are served already on port " + metricsEndpoint.port());
        }
        io.ams.engine.metrics.EngineMetrics m = metrics();
        metricsEndpoint = io.ams.proto.metrics.MetricsEndpoint.start(config.bindHost(), port, config.security().token(),
                m::scrape, () -> rooms.drain().draining() ? "draining: taking no new rooms" : null);
        return metricsEndpoint.port();
    }

    /** The gRPC service, to register on another server (e.g. an in-process one). */
    public MixerService service() {
        return service;
    }

    private final java.util.List<Runnable> drainListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Run when a drain starts (the cluster registration tells the sidecars at once). */
    public void onDrainStart(Runnable r) {
        drainListeners.add(r);
    }

    private void watchDrain() {
        rooms.drain().onStart(() -> {
            drainListeners.forEach(Runnable::run);
            Thread t = new Thread(() -> {
                try {
                    rooms.drain().awaitDone();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                LOG.info("drain finished: stopping");
                close();
            }, "engine-drain");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * Drains (no new rooms; the cluster moves the rooms away) and blocks until no room is left or the grace has
     * passed, then closes: what SIGTERM does to an engine in a cluster.
     */
    public void drainAndClose(String why) throws InterruptedException {
        rooms.drain().start(true, why);
        rooms.drain().awaitDone();
        close();
    }

    public void awaitTermination() throws InterruptedException {
        if (server != null) {
            server.awaitTermination();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
                metricsEndpoint = null;
            }
        }
        if (server != null) {
            server.shutdown();
        }
        rooms.close();
        if (server != null) {
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("engine stopped");
    }
}
