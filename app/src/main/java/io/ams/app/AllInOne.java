package io.ams.app;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.metrics.EngineMetrics;
import io.ams.proto.metrics.MetricsEndpoint;
import io.ams.sfu.Sidecar;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default deployment on one machine: engine and sidecar in one JVM, still talking over gRPC
 * (loopback), so it runs the same code paths as a split deployment.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AllInOne.class);
    private final Engine engine;
    private final Sidecar sidecar;
    private MetricsEndpoint metrics; // owned: closed in close()

    private AllInOne(Engine engine, Sidecar sidecar) {
        this.engine = engine;
        this.sidecar = sidecar;
    }

    /** Starts the engine on loopback ({@code grpcPort}, 0 = any) and the sidecar pointed at it. */
    public static AllInOne start(EngineConfig engineConfig, io.ams.sfu.SidecarConfig sidecarConfig) throws IOException {
        Engine engine = Engine.start(engineConfig);
        try {
            Sidecar sidecar = Sidecar.start(sidecarConfig.withEngine("127.0.0.1:" + engine.grpcPort()));
            return new AllInOne(engine, sidecar);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public Engine engine() {
        return engine;
    }

    public Sidecar sidecar() {
        return sidecar;
    }

    /**
     * Serves the engine's and the sidecar's metrics from one registry on http://HOST:{@code port}/metrics (HOST:
     * the sidecar's control address), the control token required where there is one. Returns the port bound.
     */
    public synchronized int serveMetrics(int port) throws IOException {
        if (metrics != null) {
            throw new IllegalStateException("metrics are served already on port " + metrics.port());
        }
        EngineMetrics both = engine.metrics();
        sidecar.metrics(both.registry());
        metrics = MetricsEndpoint.start(sidecar.config().grpcHost(), port, sidecar.config().controlToken(), both::scrape);
        return metrics.port();
    }

    /**
     * The startup text: join links for {@code room} on {@code host}, the notes of {@link JoinLinks} and
     * the control ports. {@code selfSigned} is the certificate of --tls-self-signed, or null.
     */
    public void printWelcome(PrintWriter out, JoinLinks.Host host, String room, Path dataDir, SelfSignedTls selfSigned) {
        boolean tls = sidecar.signaling().tls();
        out.println();
        out.println("AMS is running: engine (" + engine.rooms().backend() + " backend) and sidecar in one process.");
        out.println("Open this link in Chromium, Chrome, Edge or Firefox to join room '" + room + "':");
        out.println();
        out.println("  " + sidecar.joinUrl(host.host(), room, "Guest 1", io.ams.sfu.auth.Role.HOST));
        out.println();
        out.println("That link makes you the room's host: you can lock the room, remove people and ask them to mute.");
        out.println("More people, each with their own link:");
        out.println("  " + sidecar.joinUrl(host.host(), room, "Guest 2"));
        out.println("  " + sidecar.joinUrl(host.host(), room, "Guest 3"));
        out.println("  or: ams ctl token --room " + room + " --name NAME [--role host] --data-dir " + dataDir
                + " --url " + JoinLinks.baseUrl(tls, host, sidecar.httpPort()));
        JoinLinks.printNotes(out, host, tls, sidecar.httpPort(), sidecar.mediaPort(),
                sidecar.config().advertisedAddresses(), selfSigned);
        out.println();
        out.println("Control: engine gRPC 127.0.0.1:" + engine.grpcPort() + " (ams ctl ...), sidecar gRPC port "
                + sidecar.grpcPort() + ". Ctrl-C stops everything.");
        out.flush();
    }

    @Override
    public void close() {
        LOG.info("shutting down");
        synchronized (this) {
            if (metrics != null) {
                metrics.close();
                metrics = null;
            }
        }
        sidecar.close();
        engine.close();
    }
}
