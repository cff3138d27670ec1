package io.ams.sfu;

import io.ams.sfu.access.AccessControl;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.Role;
import io.ams.sfu.auth.TokenRevocations;
import io.ams.sfu.control.SfuControlService;
import io.ams.sfu.engine.EngineCluster;
import io.ams.sfu.engine.EngineLink;
import io.ams.sfu.engine.Engines;
import io.ams.sfu.metrics.JoinCounters;
import io.ams.sfu.metrics.SidecarMetrics;
import io.ams.sfu.room.RoomContext;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.transport.DtlsIdentity;
import io.ams.sfu.transport.MediaPort;
import io.ams.sfu.transport.TransportConfig;
import io.ams.proto.auth.ControlAuthInterceptor;
import io.ams.proto.auth.ControlExposure;
import io.ams.proto.auth.ControlTokenClient;
import io.ams.proto.metrics.MetricsEndpoint;
import io.grpc.ManagedChannel;
import io.grpc.ServerInterceptors;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFU sidecar: web client and signaling (HTTP/WebSocket), one UDP media port for every
 * participant (ICE, DTLS-SRTP), the rooms, the link to the engine over gRPC, and its own control API.
 * {@link #close()} releases everything it started, in reverse order.
 */
public final class Sidecar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

    /** ice4j and jitsi-utils log through java.util.logging at INFO per socket: keep their warnings only. */
    private static final java.util.logging.Logger[] QUIET = {
        java.util.logging.Logger.getLogger("org.ice4j"), java.util.logging.Logger.getLogger("org.jitsi"),
        java.util.logging.Logger.getLogger("org.jitsi.utils.logging2.LoggerImpl")};

    static {
        for (java.util.logging.Logger l : QUIET) {
            l.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private final SidecarConfig config;
    private final JoinTokens tokens;
    private final AccessControl access;
    private MediaPort mediaPort;
    private ManagedChannel engineChannel;
    private Engines engine;
    private final io.ams.sfu.cluster.ClusterSettings cluster;
    private io.ams.cluster.RedisStore redis;                     // owned, null without a cluster
    private io.ams.sfu.cluster.SidecarClusterMember member;      // owned, null without a cluster
    private io.ams.sfu.cluster.SidecarDrain drain;
    private RoomRegistry rooms;
    private DatagramSocket engineOut;
    private ScheduledExecutorService timer;
    private SignalingServer http;
    private Server grpc;
    private final JoinCounters joins = new JoinCounters();
    private final io.ams.sfu.metrics.ChatCounters chat = new io.ams.sfu.metrics.ChatCounters(
            () -> engine == null ? 0 : engine.recordingTextFailures());
    /** Where the rooms' downlink estimates go: nowhere until {@link #metrics} exist. */
    private volatile LongConsumer estimates = bps -> { };
    private SidecarMetrics metrics;          // made on first use
    private SignalingController controller;
    private io.ams.sfu.mqtt.MqttSignaling mqtt; // owned, null unless serveMqtt
    private io.ams.sfu.content.ContentService documents; // owned, null unless serveDocuments
    private MetricsEndpoint metricsEndpoint; // owned: closed in close()

    private Sidecar(SidecarConfig config, JoinTokens tokens, AccessControl access, io.ams.sfu.cluster.ClusterSettings cluster) {
        this.cluster = cluster;
        this.config = config;
        this.tokens = tokens;
        this.access = access;
    }

    public static Sidecar start(SidecarConfig config) throws IOException {
        return start(config, io.ams.sfu.cluster.ClusterSettings.none());
    }

    /** Starts a sidecar that is part of a cluster ({@code cluster.redisUri()}), or alone ({@link ClusterSettings#none()}). */
    public static Sidecar start(SidecarConfig config, io.ams.sfu.cluster.ClusterSettings cluster) throws IOException {
        JoinTokens tokens = new JoinTokens(JoinTokens.loadOrCreateKey(config.tokenKeyFile()));
        // revoked join tokens are kept next to the key that signs them, so a restart still refuses them
        AccessControl access = new AccessControl(TokenRevocations.open(revokedTokensFile(config), java.time.Clock.systemUTC()));
        Sidecar s = new Sidecar(config, tokens, access, cluster);
        try {
            s.startAll();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startAll() throws IOException {
        if (config.grpcPort() >= 0) {
            String refusal = ControlExposure.refusal("--sfu-grpc-host", config.grpcHost(), config.controlToken() != null,
                    config.insecureControl());
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
        }
        String bind = config.mediaBind() == null ? "0.0.0.0" : config.mediaBind().getHostAddress();
        TransportConfig transport = config.iceTcpPort() == SidecarConfig.ICE_TCP_ON_HTTP_PORT
                ? TransportConfig.sharingTcp(bind, config.mediaPort(), config.advertisedAddresses(),
                        TransportConfig.DEFAULT_CONSENT_TIMEOUT)
                : new TransportConfig(bind, config.mediaPort(), config.advertisedAddresses(),
                        TransportConfig.DEFAULT_CONSENT_TIMEOUT, config.iceTcpPort());
        mediaPort = MediaPort.open(transport, DtlsIdentity.generate());
        if (config.iceServers().sidecarRelays()) {
            mediaPort.useTurnRelays(io.ams.sfu.transport.TurnRelays.of(config.iceServers(),
                    io.ams.sfu.transport.TurnRelays.DEFAULT_TIMEOUT));
        }
        rooms = new RoomRegistry(config.maxRooms());
        engineOut = new DatagramSocket(); // bound now (any address, a free port): the engine pins our RTP to it
        engineOut.setSendBufferSize(1 << 20);
        drain = new io.ams.sfu.cluster.SidecarDrain(() -> rooms.list().size(), cluster.drainGrace());
        if (cluster.clustered()) {
            redis = new io.ams.cluster.RedisStore(cluster.redisUri());
            int rtpPort = engineOut.getLocalPort();
            EngineCluster engines = new EngineCluster(new io.ams.cluster.ClusterView(redis), new io.ams.cluster.ClusterEvents(redis),
                    new EngineCluster.LinkFactory() {
                        private final java.util.Map<EngineLink, ManagedChannel> channels = new java.util.concurrent.ConcurrentHashMap<>();

                        @Override
                        public EngineLink open(io.ams.cluster.EngineRecord e, EngineLink.Listener listener) {
                            ManagedChannel ch = engineChannel(e.grpcAddress());
                            EngineLink link = new EngineLink(ch, config.mix(), listener, rtpPort);
                            channels.put(link, ch);
                            return link;
                        }

                        @Override
                        public void close(EngineLink link) {
                            ManagedChannel ch = channels.remove(link);
                            if (ch != null) {
                                ch.shutdownNow();
                            }
                        }
                    }, rooms, (room, engineId) -> {
                        io.ams.sfu.cluster.SidecarClusterMember m = member;
                        if (m != null) {
                            m.placedOn(room, engineId);
                        }
                    });
            engine = engines;
            member = new io.ams.sfu.cluster.SidecarClusterMember(redis, cluster, drain, new io.ams.sfu.cluster.SidecarClusterMember.Census() {
                @Override
                public java.util.Set<String> rooms() {
                    java.util.Set<String> ids = new java.util.HashSet<>();
                    rooms.list().forEach(r -> ids.add(r.id()));
                    return ids;
                }

                @Override
                public int participants() {
                    return rooms.list().stream().mapToInt(r -> r.peerCount()).sum();
                }
            }, engines::placements);
        } else {
            engineChannel = engineChannel(config.engineTarget());
            engine = new EngineLink(engineChannel, config.mix(), rooms, engineOut.getLocalPort());
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sfu-timer");
            t.setDaemon(true);
            return t;
        });
        rooms.bind(new RoomContext(mediaPort, engine, engineOut, timer, config.mixBindAddress(), config.maxParticipants(),
                config.mix(), config.simulcast(), config.p2p(), config.iceServers(), bps -> estimates.accept(bps)));
        engine.start();
        if (config.grpcPort() >= 0) {
            ControlAuthInterceptor auth = config.controlToken() == null ? ControlAuthInterceptor.open()
                    : ControlAuthInterceptor.requiring(config.controlToken());
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
                    .addService(ServerInterceptors.intercept(control(), auth)).build();
            try {
                grpc.start();
            } catch (IOException e) {
                throw new IOException("cannot listen for the sidecar's gRPC on " + config.grpcHost() + ":" + config.grpcPort()
                        + ": " + e.getMessage(), e);
            }
        }
        io.ams.sfu.cluster.JoinRouter router = member != null ? member : new io.ams.sfu.cluster.LocalJoinRouter(drain);
        controller = new SignalingController(rooms, tokens, access, joins, config.iceServers(), router, chat);
        http = SignalingServer.start(controller, config.httpHost(),
                config.httpPort(),
                config.tlsCert(), config.tlsKey());
        if (transport.tcpShared()) {
            http.shareWithIceTcp(mediaPort.tcpRelayTarget());
            InetAddress httpAt = InetAddress.getByName(config.httpHost());
            mediaPort.announceTcp(http.port(), httpAt.isAnyLocalAddress() ? List.of() : List.of(httpAt.getHostAddress()));
        }
        LOG.info("sidecar listening: web and signaling {}://{}:{}, media UDP port {}, control gRPC {} ({}), engine {}",
                http.tls() ? "https" : "http", config.httpHost(), http.port(), mediaPort.port(),
                grpc == null ? "off" : config.grpcHost() + ":" + grpc.getPort(),
                config.controlToken() != null ? "control token required and sent to the engine" : "no control token",
                cluster.clustered() ? "from the cluster in " + redis.address() + " (this sidecar: '" + cluster.sidecarId()
                        + "' at " + cluster.publicUrl() + ")" : config.engineTarget());
        LOG.info("ICE for clients: {}, ICE-TCP {}", config.iceServers().uris().isEmpty() ? "host candidates only"
                : config.iceServers(), mediaPort.tcpPort() < 0 ? "off"
                : (transport.tcpShared() ? "on the " + (http.tls() ? "HTTPS" : "HTTP") + " port " : "on TCP port ")
                        + mediaPort.tcpPort());
    }

    private SfuControlService control() {
        SfuControlService c = new SfuControlService(rooms, engine, access, tokens);
        c.setDrain(drain);
        return c;
    }

    private ManagedChannel engineChannel(String target) {
        NettyChannelBuilder toEngine = NettyChannelBuilder.forTarget(target).usePlaintext();
        if (config.controlToken() != null) {
            toEngine.intercept(ControlTokenClient.of(config.controlToken()));
        }
        return toEngine.build();
    }

    /** The drain: no new rooms, meetings go on ({@code ams ctl sfu drain}, SIGTERM in a cluster). */
    public io.ams.sfu.cluster.SidecarDrain drain() {
        return drain;
    }

    /** The cluster membership, null for a single sidecar. */
    public io.ams.sfu.cluster.SidecarClusterMember clusterMember() {
        return member;
    }

    /** The cluster settings it was started with. */
    public io.ams.sfu.cluster.ClusterSettings cluster() {
        return cluster;
    }

    /**
     * The sidecar's Prometheus metrics (docs/METRICS.md) in a registry of their own, with the JVM's memory, thread
     * and processor meters; made on first use.
     */
    public synchronized SidecarMetrics metrics() {
        if (metrics != null) {
            return metrics;
        }
        PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(own);
        new JvmThreadMetrics().bindTo(own);
        new ProcessorMetrics().bindTo(own);
        return metrics(own);
    }

    /**
     * The sidecar's metrics, bound to {@code registry} if they do not exist yet (the all-in-one puts them next to
     * the engine's); once made, the same metrics whatever the argument.
     */
    public synchronized SidecarMetrics metrics(PrometheusMeterRegistry registry) {
        if (metrics == null) {
            SidecarMetrics m = new SidecarMetrics(registry, rooms, http.stats(), joins, chat);
            io.ams.sfu.cluster.ClusterMetrics.bind(registry, drain, engine instanceof EngineCluster c ? c : null, member, redis);
            estimates = m::recordDownlinkEstimate;
            metrics = m;
            if (documents != null) {
                io.ams.sfu.content.ContentMetrics.bind(registry, documents);
            }
            if (mqtt != null) {
                io.ams.sfu.mqtt.MqttMetrics.bind(registry, mqtt);
            }
            io.ams.sfu.transport.TurnRelays turn = mediaPort.turnRelays();
            if (turn != null) {
                io.micrometer.core.instrument.FunctionCounter.builder("ams.sfu.turn.relay.candidates", turn,
                        io.ams.sfu.transport.TurnRelays::candidates)
                        .description("relay candidates the sidecar allocated for its own agents").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("ams.sfu.turn.relay.failures", turn,
                        io.ams.sfu.transport.TurnRelays::failures)
                        .description("relay allocations of the sidecar that failed or timed out").register(registry);
                io.micrometer.core.instrument.FunctionCounter.builder("ams.sfu.turn.relay.skipped", turn,
                        io.ams.sfu.transport.TurnRelays::skipped)
                        .description("peers without a sidecar relay candidate because its TURN server had just failed")
                        .register(registry);
            }
        }
        return metrics;
    }

    /**
     * Serves {@link #metrics()} on http://HOST:{@code port}/metrics (HOST: the control address,
     * {@code --sfu-grpc-host}), with the control token required where the sidecar has one. Returns the port bound.
     */
    public synchronized int serveMetrics(int port) throws IOException {
        if (metricsEndpoint != null) {
            throw new IllegalStateException("metrics are served already on port " + metricsEndpoint.port());
        }
        SidecarMetrics m = metrics();
        metricsEndpoint = MetricsEndpoint.start(config.grpcHost(), port, config.controlToken(), m::scrape);
        return metricsEndpoint.port();
    }

    /**
     * Serves the signaling over MQTT too ({@code --mqtt-uri}; docs/SIGNALING.md "MQTT"), through the broker at
     * {@code uri} under {@code prefix}, and publishes the rooms' events there. Returns the transport.
     */
    public synchronized io.ams.sfu.mqtt.MqttSignaling serveMqtt(String uri, String prefix) throws IOException {
        return serveMqtt(uri, prefix, null);
    }

    /**
     * As {@link #serveMqtt(String, String)}; {@code webSocketUrl}: where browsers reach the same broker over MQTT-over-
     * WebSocket ({@code --mqtt-ws-url}), the only broker the page may then connect to (null: no browser uses MQTT).
     */
    public synchronized io.ams.sfu.mqtt.MqttSignaling serveMqtt(String uri, String prefix, String webSocketUrl)
            throws IOException {
        if (mqtt != null) {
            throw new IllegalStateException("MQTT is served already");
        }
        if (webSocketUrl != null) {
            http.allowConnect(webSocketUrl);
        }
        String clientId = "ams-sidecar-" + (cluster.sidecarId() != null ? cluster.sidecarId() : Long.toHexString(
                new java.security.SecureRandom().nextLong()));
        io.ams.sfu.mqtt.MqttSignaling m = io.ams.sfu.mqtt.MqttSignaling.start(uri, prefix, clientId.replaceAll("[^A-Za-z0-9._-]", "-"),
                controller);
        rooms.setEvents((room, type, fields) -> {
            com.fasterxml.jackson.databind.node.ObjectNode e = SignalingServer.message(type);
            e.put("room", room);
            fields.forEach(e::put);
            m.event(room, e);
        });
        mqtt = m;
        if (metrics != null) {
            io.ams.sfu.mqtt.MqttMetrics.bind(metrics.registry(), m);
        }
        return m;
    }

    /**
     * Serves documents (docs/DESIGN.md "Content"): uploads over HTTP, conversion in a child process, pages
     * sealed under {@code settings.dir()}, presenting over signaling, the page in the room's mix.
     */
    public synchronized io.ams.sfu.content.ContentService serveDocuments(io.ams.sfu.content.ContentService.Settings settings)
            throws IOException {
        if (documents != null) {
            throw new IllegalStateException("documents are served already");
        }
        io.ams.sfu.content.ContentService c = new io.ams.sfu.content.ContentService(settings);
        ContentNews news = new ContentNews(rooms, engine, c);
        c.listener(news);
        rooms.setLifecycle(news);
        http.routes(new DocumentRoutes(c, tokens, room -> rooms.get(room) != null), settings.dir().resolve(".uploads"));
        controller.content(c);
        documents = c;
        if (metrics != null) {
            io.ams.sfu.content.ContentMetrics.bind(metrics.registry(), c);
        }
        return c;
    }

    /** The documents, null unless {@link #serveDocuments} was called. */
    public synchronized io.ams.sfu.content.ContentService documents() {
        return documents;
    }

    /** The MQTT transport, null unless {@link #serveMqtt} was called. */
    public synchronized io.ams.sfu.mqtt.MqttSignaling mqtt() {
        return mqtt;
    }

    /** Joins admitted and refused, as the signaling counted them. */
    public JoinCounters joins() {
        return joins;
    }

    /** The configuration it was started with. */
    public SidecarConfig config() {
        return config;
    }

    public int httpPort() {
        return http.port();
    }

    public int mediaPort() {
        return mediaPort.port();
    }

    /** The ICE-TCP port, -1 without {@code --ice-tcp-port}. */
    public int iceTcpPort() {
        return mediaPort.tcpPort();
    }

    public int grpcPort() {
        return grpc == null ? -1 : grpc.getPort();
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    public Engines engine() {
        return engine;
    }

    public JoinTokens tokens() {
        return tokens;
    }

    /** Who may enter which room, who sits there with which role (issue 8 part 4). */
    public AccessControl access() {
        return access;
    }

    /** Where revoked join-token ids are kept: {@code revoked-tokens} next to the token key file. */
    public static java.nio.file.Path revokedTokensFile(SidecarConfig config) {
        return config.tokenKeyFile().resolveSibling("revoked-tokens");
    }

    public SignalingServer signaling() {
        return http;
    }

    /** A participant's link that joins {@code room} as {@code name}, valid for the configured token lifetime. */
    public String joinUrl(String host, String room, String name) {
        return joinUrl(host, room, name, Role.PARTICIPANT);
    }

    /** A link that joins {@code room} as {@code name} with {@code role}, valid for the configured token lifetime. */
    public String joinUrl(String host, String room, String name, Role role) {
        return (http.tls() ? "https" : "http") + "://" + host + ":" + http.port() + "/?room=" + enc(room) + "&name="
                + enc(name) + "&token=" + enc(tokens.issue(room, name, config.tokenTtl(), role).token());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
                metricsEndpoint = null;
            }
        }
        synchronized (this) {
            if (mqtt != null) {
                mqtt.close();
                mqtt = null;
            }
            if (documents != null) {
                documents.close();
            }
        }
        if (http != null) {
            http.close();
        }
        if (grpc != null) {
            grpc.shutdownNow();
        }
        if (member != null) {
            member.close(); // its rooms released in Redis before the rooms close
        }
        if (rooms != null) {
            rooms.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (engineChannel != null) {
            engineChannel.shutdownNow();
            try {
                engineChannel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (engineOut != null) {
            engineOut.close();
        }
        if (mediaPort != null) {
            mediaPort.close();
        }
    }
}
