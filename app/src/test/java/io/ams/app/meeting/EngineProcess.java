package io.ams.app.meeting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine as its own process ({@code ams engine} from app/target, as bin/ams runs it), so a test
 * can do to it what happens to a real one: SIGKILL, SIGSTOP/SIGCONT, a network namespace of its own.
 * Its log goes to {@code log}; {@link #start} returns once it says it listens.
 */
final class EngineProcess implements AutoCloseable {
    final Process process;
    final String host;
    final int grpcPort;
    final Path log;

    private EngineProcess(Process process, String host, int grpcPort, Path log) {
        this.process = process;
        this.host = host;
        this.grpcPort = grpcPort;
        this.log = log;
    }

    /**
     * Starts an engine on {@code host:grpcPort} (media ports: any free), CPU backend, recordings in
     * {@code dir/recordings}; inside network namespace {@code netns} unless null. {@code extra}: more flags.
     */
    static EngineProcess start(Path dir, String netns, String host, int grpcPort, String... extra) throws Exception {
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
                "-cp", jar.toAbsolutePath() + ":" + Path.of("target", "lib").toAbsolutePath() + "/*", "io.ams.app.Ams", "engine",
                "--bind", host, "--grpc-port", Integer.toString(grpcPort), "--media-ports", "any", "--backend", "cpu",
                "--record-dir", dir.resolve("recordings").toString()));
        cmd.addAll(List.of(extra));
        Path log = dir.resolve("engine-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        EngineProcess e = new EngineProcess(p, host, grpcPort, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!e.logText().contains("ams engine listening")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                p.destroyForcibly();
                throw new IllegalStateException("the engine did not start: " + e.logText());
            }
            Thread.sleep(100);
        }
        return e;
    }

    String target() {
        return host + ":" + grpcPort;
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
