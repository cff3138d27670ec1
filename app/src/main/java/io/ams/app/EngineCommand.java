package io.ams.app;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.app.ApiText.PortRange;
import io.ams.engine.ControlSecurity;
import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.EngineConfig.BackendChoice;
import io.ams.engine.control.Cidr;
import io.ams.proto.auth.ControlToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ams engine}: starts an {@link Engine} and runs until SIGINT/SIGTERM, when a shutdown
 * hook closes it (rooms deleted, native buffers freed, gRPC server stopped).
 */
@Command(name = "engine", description = "Run the mixing engine (gRPC control server and RTP media ports).")
public final class EngineCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address for gRPC and media ports (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String bind;

    @Option(names = "--grpc-port", paramLabel = "PORT", defaultValue = "50051",
            description = "gRPC control port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--media-host", paramLabel = "HOST",
            description = "Host told to RTP senders (default: the bind address; with 0.0.0.0 the first "
                    + "non-loopback address).")
    String mediaHost;

    @Option(names = "--media-ports", paramLabel = "MIN-MAX", defaultValue = "40000-40999",
            description = "UDP ports for participants' RTP, or 'any' (default: ${DEFAULT-VALUE}).")
    PortRange mediaPorts;

    @Option(names = "--backend", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
            description = "Compositing backend (default: ${DEFAULT-VALUE}).")
    BackendChoice backend;

    @Option(names = "--record-dir", paramLabel = "DIR", defaultValue = "recordings",
            description = "Directory for recordings (default: ${DEFAULT-VALUE}).")
    Path recordDir;

    @Option(names = "--master-key-file", paramLabel = "FILE",
            description = "The key that seals every recording (made there, mode 0600, on first use; default: "
                    + "DIR/master.key). Keep it on another volume or a secrets mount so that a copy of the record "
                    + "directory cannot be read; export with 'ams recording export --key-file FILE'.")
    Path masterKeyFile;

    @Option(names = "--control-token-file", paramLabel = "FILE",
            description = "Require this bearer token on every gRPC call (a random one is written there, mode 0600, "
                    + "if the file is missing); AMS_CONTROL_TOKEN gives the token itself. Needed beyond loopback.")
    Path controlTokenFile;

    @Option(names = "--insecure-control",
            description = "Allow --bind beyond loopback without a control token: anyone who reaches the port "
                    + "controls the engine.")
    boolean insecureControl;

    @Option(names = "--allow-destinations", paramLabel = "CIDR[,CIDR...]", defaultValue = "127.0.0.0/8,::1/128",
            description = "Where RTP destinations (AddDestination) may point, besides the calling client's own "
                    + "address (default: ${DEFAULT-VALUE}).")
    String allowDestinations;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Serve Prometheus metrics on http://BIND:PORT/metrics (docs/METRICS.md); with a control token "
                    + "the scrape must carry it as a bearer token. 0 (default): no metrics endpoint.")
    int metricsPort;

    @Option(names = "--redis-uri", paramLabel = "URI",
            description = "Join the cluster whose state is in this Redis (redis://HOST:PORT[/DB], rediss:// for TLS): "
                    + "register with a heartbeat so sidecars place rooms here; SIGTERM then drains. Default: a single "
                    + "engine, no Redis.")
    String redisUri;

    @Option(names = "--engine-id", paramLabel = "ID",
            description = "This engine's id in the cluster (default: HOSTNAME-GRPCPORT).")
    String engineId;

    @Option(names = "--advertise-grpc", paramLabel = "HOST:PORT",
            description = "Where sidecars dial this engine's gRPC (default: the media host and the gRPC port).")
    String advertiseGrpc;

    @Option(names = "--capacity", paramLabel = "N",
            description = "720p30 room-equivalents this engine holds, for placement (default: measured at start-up "
                    + "with the VP8 encoder).")
    Double capacity;

    @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "120s",
            description = "How long a drain (ams ctl drain, SIGTERM in a cluster) waits for the rooms to move before "
                    + "the engine exits anyway (default: ${DEFAULT-VALUE}; e.g. 90s, 5m).")
    String drainGrace;

    @Override
    public Integer call() throws IOException, InterruptedException {
        EngineConfig config = config();
        MetricsFlag.check(spec.commandLine(), metricsPort);
        Engine engine = Engine.start(config);
        if (metricsPort > 0) {
            try {
                engine.serveMetrics(metricsPort);
            } catch (IOException e) {
                engine.close();
                throw e;
            }
        }
        engine.rooms().drain().setGrace(DurationFlag.parse(spec.commandLine(), "--drain-grace", drainGrace));
        EngineClusterMember member = null;
        if (redisUri != null) {
            String id = engineId != null ? engineId : hostName() + "-" + engine.grpcPort();
            String address = advertiseGrpc != null ? advertiseGrpc : hostForUrl(config.mediaHost()) + ":" + engine.grpcPort();
            double cap = capacity != null ? capacity : io.ams.engine.EngineLoad.measureCpuCapacity(1500);
            try {
                member = EngineClusterMember.join(engine, redisUri, id, address, cap);
            } catch (IllegalArgumentException e) {
                engine.close();
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        EngineClusterMember cluster = member;
        AtomicBoolean closed = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    if (cluster != null) {
                        LOG.info("SIGTERM in a cluster: draining first (at most {})", drainGrace);
                        engine.drainAndClose("SIGTERM");
                        cluster.close();
                    } else {
                        LOG.info("shutting down");
                        engine.close();
                    }
                } catch (InterruptedException e) {
                    engine.close();
                }
            }
        }, "ams-engine-shutdown"));
        spec.commandLine().getOut().printf("ams engine listening: gRPC %s:%d (%s), RTP media %s ports %s, backend %s, "
                        + "recordings in %s (Ctrl-C to stop)%n", hostForUrl(config.bindHost()), engine.grpcPort(),
                config.security().token() == null ? "no control token" : "control token required"
                        + (controlTokenFile == null ? ", from AMS_CONTROL_TOKEN" : ", in " + controlTokenFile.toAbsolutePath()),
                config.mediaHost(), mediaPorts, ApiText.backend(engine.rooms().backend()),
                config.recordDir().toAbsolutePath());
        if (metricsPort > 0) {
            spec.commandLine().getOut().printf("metrics: %s%n", MetricsFlag.url(config.bindHost(), metricsPort));
        }
        spec.commandLine().getOut().flush();
        if (cluster != null) {
            spec.commandLine().getOut().printf("cluster: registered in %s; ams ctl drain (or SIGTERM) moves its rooms away"
                    + " and exits%n", redisUri.replaceFirst("//[^@/]*@", "//"));
            spec.commandLine().getOut().flush();
        }
        engine.awaitTermination();
        if (cluster != null && closed.compareAndSet(false, true)) {
            cluster.close(); // drained (ams ctl drain): leave the cluster before exiting
        }
        return Ams.EXIT_OK;
    }

    /** The engine configuration from the flags; usage errors for inconsistent ones. */
    EngineConfig config() {
        String host = mediaHost;
        if (host == null || host.isBlank()) {
            host = isWildcard(bind) ? firstNonLoopbackAddress().orElseThrow(() -> new ParameterException(
                    spec.commandLine(), "--media-host is required with --bind " + bind
                            + ": no non-loopback address found to tell RTP senders")) : bind;
            if (isWildcard(bind)) {
                LOG.info("--media-host not given: telling RTP senders {} (first non-loopback address)", host);
            }
        } else if (isWildcard(host)) {
            throw new ParameterException(spec.commandLine(),
                    "--media-host " + host + " is a wildcard; give an address RTP senders can reach");
        }
        List<Cidr> allowed;
        try {
            allowed = Cidr.parseList(allowDestinations);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--allow-destinations: " + e.getMessage(), e);
        }
        ControlToken token = ControlTokens.forServer(spec.commandLine(), controlTokenFile);
        ControlTokens.checkExposure(spec.commandLine(), "--bind", bind, token, insecureControl);
        try {
            return new EngineConfig(bind, grpcPort, host, mediaPorts.min(), mediaPorts.max(), backend, recordDir,
                    new ControlSecurity(token, insecureControl, allowed), masterKeyFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    static boolean isWildcard(String address) {
        try {
            return InetAddress.getByName(address).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The first up, non-loopback address; IPv4 preferred. */
    static Optional<String> firstNonLoopbackAddress() {
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
                        found.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            LOG.debug("cannot list network interfaces", e);
        }
        return found.stream().filter(a -> a instanceof Inet4Address).findFirst()
                .or(() -> found.stream().findFirst())
                .map(a -> a.getHostAddress().replaceFirst("%.*$", ""));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(':', '-');
        } catch (UnknownHostException e) {
            return "engine";
        }
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
