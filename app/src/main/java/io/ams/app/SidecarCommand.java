package io.ams.app;

import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.signal.HostAddresses;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ams sidecar}: the WebRTC edge alone, linked to an engine elsewhere. */
@Command(name = "sidecar", mixinStandardHelpOptions = true,
        description = "Run the SFU sidecar (web client, signaling, WebRTC media, relay) against an engine.")
public final class SidecarCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SidecarOptions options;

    @Option(names = "--engine", paramLabel = "HOST:PORT", defaultValue = "localhost:50051",
            description = "gRPC address of the engine (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--redis-uri", paramLabel = "URI",
            description = "Join the cluster whose state is in this Redis (redis://HOST:PORT[/DB]): rooms are mixed on the "
                    + "engines registered there (not --engine), a room's participants meet on one sidecar (others send "
                    + "them here or there), SIGTERM drains. Needs --public-url. Default: a single sidecar, no Redis.")
    String redisUri;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "The base URL clients reach this sidecar's web client at, e.g. https://sfu-1.example.com:8443 "
                    + "(other sidecars send a room's participants here).")
    String publicUrl;

    @Option(names = "--sidecar-id", paramLabel = "ID", description = "This sidecar's id in the cluster (default: HOST-HTTPPORT"
            + " of --public-url).")
    String sidecarId;

    @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "1h",
            description = "How long a drained sidecar (ams ctl sfu drain, SIGTERM in a cluster) keeps its meetings before "
                    + "it exits anyway (default: ${DEFAULT-VALUE}).")
    String drainGrace;

    @Override
    public Integer call() throws Exception {
        SidecarConfig config = options.config(spec.commandLine(), "0.0.0.0", engine);
        SelfSignedTls selfSigned = options.selfSignedTls(config);
        if (selfSigned != null) {
            config = config.withTls(selfSigned.certFile(), selfSigned.keyFile());
        }
        io.ams.sfu.cluster.ClusterSettings cluster;
        try {
            String id = sidecarId;
            if (id == null && publicUrl != null) {
                java.net.URI u = java.net.URI.create(publicUrl);
                id = (u.getHost() + "-" + (u.getPort() < 0 ? u.getScheme() : u.getPort())).replace(':', '-');
            }
            cluster = new io.ams.sfu.cluster.ClusterSettings(redisUri, id, publicUrl,
                    DurationFlag.parse(spec.commandLine(), "--drain-grace", drainGrace));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(config, cluster);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (options.metricsPort > 0) {
            try {
                sidecar.serveMetrics(options.metricsPort);
            } catch (java.io.IOException e) {
                sidecar.close();
                throw e;
            }
        }
        options.serveMqtt(spec.commandLine(), sidecar);
        options.serveContent(spec.commandLine(), sidecar);
        CountDownLatch stop = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (cluster.clustered() && !closing.get()) {
                sidecar.drain().start("SIGTERM");
                try {
                    sidecar.drain().awaitDone();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (closing.compareAndSet(false, true)) {
                sidecar.close();
            }
            stop.countDown();
        }, "ams-sidecar-shutdown"));
        Thread drained = new Thread(() -> {
            try {
                sidecar.drain().awaitDone();
            } catch (InterruptedException e) {
                return;
            }
            if (closing.compareAndSet(false, true)) {
                sidecar.close();
            }
            stop.countDown();
        }, "ams-sidecar-drain");
        drained.setDaemon(true);
        drained.start();
        boolean tls = sidecar.signaling().tls();
        JoinLinks.Host host = JoinLinks.host(config.httpHost(), HostAddresses.reachable());
        String base = JoinLinks.baseUrl(tls, host, sidecar.httpPort());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("ams sidecar: web client on %s, media UDP %d, engine %s (Ctrl-C to stop)%n"
                + "join links: ams ctl token --room ROOM --name NAME --data-dir %s --url %s%n", base, sidecar.mediaPort(),
                engine, options.dataDir, base);
        JoinLinks.printNotes(out, host, tls, sidecar.httpPort(), sidecar.mediaPort(), config.advertisedAddresses(), selfSigned);
        if (options.metricsPort > 0) {
            out.printf("metrics: %s%n", MetricsFlag.url(config.grpcHost(), options.metricsPort));
        }
        out.flush();
        stop.await();
        return Ams.EXIT_OK;
    }
}
