package io.ams.proto.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ams.proto.auth.ControlToken;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the Prometheus text exposition, on its own port (the engine's and the sidecar's
 * {@code --metrics-port}). Where the process has a control token the scrape must carry it
 * ({@code Authorization: Bearer ...}, Prometheus' {@code authorization} scrape setting); a refused
 * scrape is 401 and counted. One small thread; a scrape that fails is 500 with the reason.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    private final HttpServer server;
    private final ExecutorService executor;
    private final ControlToken token;
    private final Supplier<String> scrape;
    private final AtomicLong refused = new AtomicLong();

    private MetricsEndpoint(HttpServer server, ExecutorService executor, ControlToken token, Supplier<String> scrape) {
        this.server = server;
        this.executor = executor;
        this.token = token;
        this.scrape = scrape;
    }

    /**
     * Listens on host:port (0: a free port); {@code token} null: no authentication (loopback only, say the docs).
     *
     * @throws IOException naming the address, when it cannot listen there
     */
    public static MetricsEndpoint start(String host, int port, ControlToken token, Supplier<String> scrape) throws IOException {
        return start(host, port, token, scrape, () -> null);
    }

    /**
     * As {@link #start(String, int, ControlToken, Supplier)}, with the probes an orchestrator polls (no token needed,
     * they tell nothing but state): {@code GET /healthz} is readiness, 200 "ok" or 503 with {@code notReady}'s reason
     * (e.g. "draining"); {@code GET /livez} is liveness, 200 while the process serves.
     */
    public static MetricsEndpoint start(String host, int port, ControlToken token, Supplier<String> scrape,
                                        Supplier<String> notReady) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ams-metrics");
            t.setDaemon(true);
            return t;
        });
        MetricsEndpoint e = new MetricsEndpoint(server, ex, token, scrape);
        server.createContext("/metrics", e::handle);
        server.createContext("/healthz", x -> {
            String why = notReady.get();
            e.reply(x, why == null ? 200 : 503, why == null ? "ok\n" : why + "\n");
        });
        server.createContext("/livez", x -> e.reply(x, 200, "alive\n"));
        server.createContext("/", x -> e.reply(x, 404, "see /metrics, /healthz, /livez\n"));
        server.setExecutor(ex);
        server.start();
        LOG.info("metrics on http://{}:{}/metrics{}", host, e.port(), token == null ? "" : " (bearer token required)");
        return e;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Scrapes refused for a missing or wrong token. */
    public long refused() {
        return refused.get();
    }

    private void handle(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
            reply(x, 405, "GET /metrics\n");
            return;
        }
        if (token != null) {
            String auth = x.getRequestHeaders().getFirst("Authorization");
            String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
            if (presented == null || !token.matches(presented)) {
                refused.incrementAndGet();
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                reply(x, 401, presented == null ? "missing control token (Authorization: Bearer ...)\n" : "wrong control token\n");
                return;
            }
        }
        String body;
        try {
            body = scrape.get();
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed", e);
            reply(x, 500, "scrape failed: " + e + "\n");
            return;
        }
        x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        reply(x, 200, body);
    }

    private void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (x.getResponseHeaders().getFirst("Content-Type") == null) {
            x.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        }
        x.sendResponseHeaders(status, x.getRequestMethod().equals("HEAD") ? -1 : b.length);
        try (OutputStream out = x.getResponseBody()) {
            if (!x.getRequestMethod().equals("HEAD")) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
