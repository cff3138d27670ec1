package io.ams.app.meeting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine or the sidecar as its own process ({@code ams engine}, {@code ams sidecar} from app/target,
 * as bin/ams runs them), so a test can do to it what happens to a real one: SIGKILL, SIGSTOP/SIGCONT, a
 * network namespace of its own. Its log goes to {@code log}; the factories return once it says it listens.
 */
final class AmsProcess implements AutoCloseable {
    final Process process;
    final String host;
    final int port; // the engine's gRPC port, the sidecar's HTTP port
    final Path log;

    private AmsProcess(Process process, String host, int port, Path log) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts an engine on {@code host:grpcPort} (media ports: any free), CPU backend, recordings in
     * {@code dir/recordings}; inside network namespace {@code netns} unless null. {@code extra}: more flags.
     */
    static AmsProcess engine(Path dir, String netns, String host, int grpcPort, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("engine", "--bind", host, "--grpc-port", Integer.toString(grpcPort),
                "--media-ports", "any", "--backend", "cpu", "--record-dir", dir.resolve("recordings").toString()));
        args.addAll(List.of(extra));
        return start(dir, netns, host, grpcPort, "ams engine listening", args);
    }

    /** A sidecar on 127.0.0.1:{@code httpPort} (media UDP {@code mediaPort}) for the engine at {@code engine}, keys in {@code dataDir}. */
    static AmsProcess sidecar(Path dir, Path dataDir, int httpPort, int mediaPort, String engine, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("sidecar", "--http-host", "127.0.0.1", "--http-port",
                Integer.toString(httpPort), "--media-port", Integer.toString(mediaPort), "--sfu-grpc-port", "-1",
                "--data-dir", dataDir.toString(), "--engine", engine, "--p2p", "off")); // the server's media paths
        args.addAll(List.of(extra));
        return start(dir, null, "127.0.0.1", httpPort, "ams sidecar: web client on", args);
    }

    /**
     * A sidecar of the cluster in Redis {@code redisUri} on 127.0.0.1:{@code httpPort}, its control API on
     * {@code grpcPort}, keys in {@code dataDir} (the cluster's sidecars share the join-token key).
     */
    static AmsProcess clusterSidecar(Path dir, Path dataDir, int httpPort, int mediaPort, int grpcPort, String redisUri,
                                     String id, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("sidecar", "--http-host", "127.0.0.1", "--http-port",
                Integer.toString(httpPort), "--media-port", Integer.toString(mediaPort), "--sfu-grpc-port",
                Integer.toString(grpcPort), "--data-dir", dataDir.toString(), "--p2p", "off", "--redis-uri", redisUri,
                "--public-url", "http://127.0.0.1:" + httpPort, "--sidecar-id", id));
        args.addAll(List.of(extra));
        return start(dir, null, "127.0.0.1", httpPort, "ams sidecar: web client on", args);
    }

    private static AmsProcess start(Path dir, String netns, String host, int port, String ready, List<String> args)
            throws Exception {
        Path jar;
        try (var s = Files.list(Path.of("target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("ams-app-.*\\.jar")
                    && !p.getFileName().toString().matches(".*-(sources|tests|javadoc)\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no app jar in target/ (mvn package first)"));
        }
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", jar.toAbsolutePath() + ":" + Path.of("target", "lib").toAbsolutePath() + "/*", "io.ams.app.Ams"));
        cmd.addAll(args);
        Path log = dir.resolve(args.get(0) + "-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AmsProcess e = new AmsProcess(p, host, port, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!e.logText().contains(ready)) {
            if (!p.isAlive() || System.nanoTime() > end) {
                p.destroyForcibly();
                throw new IllegalStateException("ams " + args.get(0) + " did not start: " + e.logText());
            }
            Thread.sleep(100);
        }
        return e;
    }

    String target() {
        return host + ":" + port;
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            return "";
        }
    }

    /** kill -9: no shutdown hook, no goodbye on any socket. */
    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process keeps its sockets (TCP accepts, UDP queues) but answers nothing. */
    void stall() throws Exception {
        signal("STOP");
    }

    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            resume(); // a stopped process does not act on SIGTERM until continued
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
