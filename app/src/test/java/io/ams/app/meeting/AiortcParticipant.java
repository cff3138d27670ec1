package io.ams.app.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An aiortc participant (src/test/python/aiortc_participant.py, Debian python3-aiortc): this class
 * carries its signaling between the sidecar's WebSocket and the Python process (JSON lines on
 * stdin/stdout), and keeps its latest report of what it receives.
 */
final class AiortcParticipant implements AutoCloseable {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/aiortc_participant.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One client for every participant: its selector thread is not one more per peer in a soak's thread count. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process py;
    private final WebSocket ws;
    private final OutputStream toPy;
    final List<JsonNode> fromServer = new CopyOnWriteArrayList<>();
    volatile JsonNode report;

    static boolean available() {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import aiortc").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    AiortcParticipant(int httpPort, String room, String name, String token, int[] rgb, Path log) throws Exception {
        this(httpPort, room, name, token, rgb, log, null);
    }

    /** With {@code nat} non-null, its media goes through that NAT (the SDP candidates are rewritten both ways). */
    AiortcParticipant(int httpPort, String room, String name, String token, int[] rgb, Path log, LossyNat nat) throws Exception {
        this(httpPort, room, name, token, rgb, log, nat, 440, List.of());
    }

    /**
     * Its microphone sends a tone of {@code toneHz}; what it hears is searched for the tones {@code listenFor}
     * (see {@link #audio()}).
     */
    AiortcParticipant(int httpPort, String room, String name, String token, int[] rgb, Path log, LossyNat nat, int toneHz,
                      List<Integer> listenFor) throws Exception {
        py = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), rgb[0] + "," + rgb[1] + "," + rgb[2],
                String.valueOf(toneHz), String.join(",", listenFor.stream().map(String::valueOf).toList()))
                .redirectError(log.toFile()).start();
        OutputStream toPy = py.getOutputStream();
        this.toPy = toPy;
        ws = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String text = partial.toString();
                            partial.setLength(0);
                            try {
                                JsonNode m = JSON.readTree(text);
                                fromServer.add(m);
                                if ("offer".equals(m.path("type").asText())) {
                                    if (nat != null) {
                                        text = ((ObjectNode) m).put("sdp", nat.rewriteOffer(m.path("sdp").asText())).toString();
                                    }
                                    synchronized (toPy) {
                                        toPy.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                                        toPy.flush();
                                    }
                                }
                            } catch (IOException e) {
                                fromServer.add(JSON.createObjectNode().put("type", "bridge-error").put("message", e.toString()));
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).get(20, TimeUnit.SECONDS);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode m = JSON.readTree(line);
                    if ("answer".equals(m.path("type").asText())) {
                        if (nat != null) {
                            line = ((ObjectNode) m).put("sdp", nat.rewriteAnswer(m.path("sdp").asText())).toString();
                        }
                        ws.sendText(line, true).join();
                    } else if ("report".equals(m.path("type").asText())) {
                        report = m;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // process ended
            }
        }, "aiortc-bridge");
        reader.setDaemon(true);
        reader.start();
        ObjectNode join = JSON.createObjectNode().put("type", "join").put("room", room).put("name", name).put("token", token);
        ws.sendText(join.toString(), true).join();
    }

    /** The peer connection's state in the latest report ("new", "connecting", "connected", ...), or "" before one. */
    String state() {
        JsonNode r = report;
        return r == null ? "" : r.path("state").asText();
    }

    /**
     * The audio tracks it receives by mid, from the latest report: {role ("audio"/"mixed-audio"), participantId,
     * frames, recent (frames in the last second), tones: {hz: dB share of the last second's energy}}.
     */
    JsonNode audio() {
        JsonNode r = report;
        return r == null ? JSON.createObjectNode() : r.path("audio");
    }

    /** The longest time without an audio frame on any track since {@link #resetAudioGap()} (ms). */
    double audioGapMs() {
        JsonNode r = report;
        return r == null ? -1 : r.path("audioGapMs").asDouble(-1);
    }

    void resetAudioGap() throws IOException {
        synchronized (toPy) {
            toPy.write("{\"type\":\"reset-gap\"}\n".getBytes(StandardCharsets.UTF_8));
            toPy.flush();
        }
    }

    long frames(String which) {
        JsonNode r = report;
        return r == null ? 0 : r.path(which).path("frames").asLong();
    }

    /** Leaves as a crashed browser does: the WebSocket aborted (no close handshake), the process killed (SIGKILL). */
    void closeAbruptly() {
        ws.abort();
        py.destroyForcibly();
        try {
            py.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
        py.destroy();
        try {
            if (!py.waitFor(5, TimeUnit.SECONDS)) {
                py.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
