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

    @Override
    public Integer call() throws Exception {
        SidecarConfig config = options.config(spec.commandLine(), "0.0.0.0", engine);
        SelfSignedTls selfSigned = options.selfSignedTls(config);
        if (selfSigned != null) {
            config = config.withTls(selfSigned.certFile(), selfSigned.keyFile());
        }
        Sidecar sidecar = Sidecar.start(config);
        if (options.metricsPort > 0) {
            try {
                sidecar.serveMetrics(options.metricsPort);
            } catch (java.io.IOException e) {
                sidecar.close();
                throw e;
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.close();
            stop.countDown();
        }, "ams-sidecar-shutdown"));
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
