package io.ams.app.meeting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Firefox participant: Debian's firefox-esr, headless, with its fake camera and microphone, driven over WebDriver
 * BiDi by puppeteer-core from a node script (src/test/firefox/firefox-participant.mjs; Debian has no geckodriver).
 * The script opens the join link and prints a JSON report a second (the page's amsClient state, participant list,
 * stats() of its own getStats, and colour samples of its mix); this class keeps the latest one.
 */
final class FirefoxParticipant implements AutoCloseable {
    static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    static final Path TOOLS = Path.of("src/test/firefox");
    static final Path SCRIPT = TOOLS.resolve("firefox-participant.mjs");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final OutputStream toNode;
    private final List<String> lines = new ArrayList<>();
    volatile JsonNode report;

    /** What is missing to run a Firefox participant, or null when everything is there. */
    static String missing() {
        if (!Files.isExecutable(FIREFOX)) {
            return "Debian firefox-esr is not installed (.ci/run installs it)";
        }
        if (node() == null) {
            return "node is not installed (.ci/run installs Debian's nodejs and npm)";
        }
        if (!Files.isDirectory(TOOLS.resolve("node_modules/puppeteer-core"))) {
            return "puppeteer-core is not installed in app/" + TOOLS + " (.ci/run runs: npm ci --prefix app/" + TOOLS + ")";
        }
        return null;
    }

    static Path node() {
        for (String p : List.of("/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    FirefoxParticipant(String url, Path profile, Path log) throws IOException {
        Files.createDirectories(profile);
        node = new ProcessBuilder(node().toString(), SCRIPT.toString(), url, profile.toAbsolutePath().toString(), FIREFOX.toString())
                .redirectError(log.toFile()).start();
        toNode = node.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    JsonNode m = JSON.readTree(line);
                    if ("report".equals(m.path("event").asText())) {
                        report = m;
                    } else {
                        synchronized (lines) {
                            lines.add(line.length() > 500 ? line.substring(0, 500) : line);
                            if (lines.size() > 50) {
                                lines.remove(0);
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the script ended
            }
        }, "firefox-participant");
        reader.setDaemon(true);
        reader.start();
    }

    /** Asks the script to sample the mix video at these points (fractions x, y) in every report from now on. */
    void sampleMixAt(List<double[]> points) throws IOException {
        StringBuilder sb = new StringBuilder("{\"samples\":[");
        for (int i = 0; i < points.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('[').append(points.get(i)[0]).append(',').append(points.get(i)[1]).append(']');
        }
        toNode.write((sb + "]}\n").getBytes(StandardCharsets.UTF_8));
        toNode.flush();
    }

    /** The colour at (fx, fy) of its mix video in the latest report, once {@link #sampleMixAt} asked for it. */
    List<Long> mixSample(double fx, double fy) {
        JsonNode r = report;
        List<Long> out = new ArrayList<>();
        if (r != null) {
            for (JsonNode s : r.path("mixSamples")) {
                if (Math.abs(s.path("at").path(0).asDouble() - fx) < 1e-6 && Math.abs(s.path("at").path(1).asDouble() - fy) < 1e-6) {
                    s.path("rgb").forEach(v -> out.add(v.asLong()));
                }
            }
        }
        return out;
    }

    String state() {
        JsonNode r = report;
        return r == null ? "" : r.path("state").asText();
    }

    /** The names in its participant list. */
    List<String> participantNames() {
        JsonNode r = report;
        List<String> out = new ArrayList<>();
        if (r != null) {
            r.path("participants").forEach(p -> out.add(p.path("name").asText()));
        }
        return out;
    }

    /** The names its page shows in the participant list ("firefox (you)", ...). */
    List<String> listShown() {
        JsonNode r = report;
        List<String> out = new ArrayList<>();
        if (r != null) {
            r.path("listShown").forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    /** Frames decoded of its 'main' or 'mix' video (its getStats inbound-rtp), 0 before any. */
    long framesDecoded(String which) {
        JsonNode r = report;
        return r == null ? 0 : r.path(which).path("framesDecoded").asLong();
    }

    long frameWidth(String which) {
        JsonNode r = report;
        return r == null ? 0 : r.path(which).path("frameWidth").asLong();
    }

    /** What the script said besides its reports (launch, console, errors), for failure messages. */
    String log() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        try {
            toNode.close(); // the script closes Firefox when its stdin ends
        } catch (IOException e) {
            // gone already
        }
        try {
            if (!node.waitFor(15, TimeUnit.SECONDS)) {
                node.destroy();
                if (!node.waitFor(5, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.destroyForcibly();
        }
    }
}
