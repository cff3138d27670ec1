package io.ams.app.meeting;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (Debian package mosquitto) for the MQTT signaling tests, started with its own
 * configuration in a temporary directory: plain MQTT on one loopback port (the sidecar) and MQTT over WebSocket on
 * another (the browser's MQTT.js). {@link #stop()} and {@link #start()} again on the same ports: a broker outage.
 */
final class Mosquitto implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/mosquitto");
    final int mqttPort;
    final int wsPort;
    private final Path dir;
    private Process process;

    private Mosquitto(Path dir, int mqttPort, int wsPort) {
        this.dir = dir;
        this.mqttPort = mqttPort;
        this.wsPort = wsPort;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    static Mosquitto start(Path dir) throws Exception {
        Mosquitto m = new Mosquitto(Files.createDirectories(dir), FreePorts.tcp(), FreePorts.tcp());
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "persistence false",
                "log_dest stdout", // a file would be opened after mosquitto (run as root) drops to its own user
                "log_type error", "log_type warning", "log_type notice", "log_type information",
                "connection_messages true",
                "allow_anonymous true",
                "listener " + m.mqttPort + " 127.0.0.1",
                "listener " + m.wsPort + " 127.0.0.1",
                "protocol websockets", ""));
        m.start();
        return m;
    }

    synchronized void start() throws Exception {
        process = new ProcessBuilder(List.of(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (listening(mqttPort) && listening(wsPort)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + log());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("mosquitto did not listen within 10 s: " + log());
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String uri() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    String webSocketUrl() {
        return "ws://127.0.0.1:" + wsPort;
    }

    String log() {
        return TestDaemon.tail(dir.resolve("mosquitto.out"));
    }

    synchronized void stop() {
        if (process != null) {
            TestDaemon.stop(process);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
