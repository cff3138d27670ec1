package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.sdp.OfferBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lip sync of the relayed main video with its speaker's forwarded audio, read from the browsers' own
 * stats (issue 9 part 4, DESIGN.md section 10). The speaker's Chromium sits behind a NAT that, from a
 * moment on, holds its uplink audio back by {@value #DELAY_MS} ms and its RTCP not: what its sender reports
 * say was captured together now arrives apart. Two viewers watch the speaker as their main video:
 *
 * <ul>
 *   <li>one measures only ({@code ?lipsync=0}): its A/V offset (the capture time of the audio it plays minus that
 *       of the main video frame it shows, from the RTP timestamps its receivers last delivered and our sender
 *       reports, which follow the speaker's own clock) must move by the delay. With
 *       sender reports that map arrival times (what the sidecar sent before), the offset would not move at all;</li>
 *   <li>the other corrects: within a few seconds it holds its main video back by about the delay and the
 *       offset it shows is back inside the tolerance.</li>
 * </ul>
 */
class LipSyncBrowserIT {
    static final int DELAY_MS = 300;
    static final String ROOM = "lipsync";

    @TempDir
    Path dir;

    @Test
    void theMainVideoFollowsItsSpeakersDelayedVoice() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // no engine: audio stays forwarded, the case lip sync is about
        }
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, 0)
                .withHttpHost("127.0.0.1").withEngine("127.0.0.1:" + closed);
        Path quiet = FakeMedia.tone(dir, "quiet", 0);
        try (Sidecar sidecar = Sidecar.start(sc);
             LossyNat nat = new LossyNat(OfferBuilder.VP8_PT, 0, 0);
             Browser speaker = new Browser("speaker", FakeMedia.colour(dir, "speaker", "E6E61E", 320, 240, 15),
                     FakeMedia.tone(dir, "speaker", 0.8), Files.createDirectories(dir.resolve("profile-speaker")));
             Browser measuring = new Browser("measuring", FakeMedia.colour(dir, "measuring", "1E1EE6", 320, 240, 15), quiet,
                     Files.createDirectories(dir.resolve("profile-measuring")));
             Browser syncing = new Browser("syncing", FakeMedia.colour(dir, "syncing", "1EE61E", 320, 240, 15), quiet,
                     Files.createDirectories(dir.resolve("profile-syncing")))) {
            java.net.InetAddress ip = io.ams.sfu.signal.HostAddresses.reachable().stream()
                    .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElseThrow();
            nat.forServer(new java.net.InetSocketAddress(ip, sidecar.mediaPort()));
            speaker.beforeEachPage(nat.browserHook()).open(sidecar.joinUrl("127.0.0.1", ROOM, "speaker"));
            measuring.open(sidecar.joinUrl("127.0.0.1", ROOM, "measuring") + "&lipsync=0");
            syncing.open(sidecar.joinUrl("127.0.0.1", ROOM, "syncing"));
            for (Browser b : List.of(speaker, measuring, syncing)) {
                assertThat(Meeting.await(40, () -> "connected".equals(b.state())))
                        .as(b.label + " connected; state " + b.state() + ", errors " + b.field("errors")).isTrue();
            }
            for (Browser b : List.of(measuring, syncing)) {
                assertThat(Meeting.await(30, () -> lipSync(b).get("offsetMs") instanceof Number))
                        .as(b.label + " reads an A/V offset of the speaker's video and voice: " + lipSync(b)).isTrue();
                assertThat(lipSync(b).get("source")).as(b.label + "'s main video shows the speaker")
                        .isEqualTo(speakerId(sidecar));
            }
            Map<String, Double> before = steady(measuring); // NetEq drains what it buffered at the start first
            Map<String, Object> syncedBefore = lipSync(syncing);

            nat.setAudioDelay(DELAY_MS);
            long on = System.nanoTime();
            Map<String, Double> after = steady(measuring);
            // audio held up on the path arrives DELAY_MS later than the video it was captured with; whatever the two
            // receivers' jitter buffers changed meanwhile (NetEq grows after the gap) moves what they play too
            double moved = after.get("offsetMs") - before.get("offsetMs");
            double buffers = (after.get("audioBufferMs") - before.get("audioBufferMs"))
                    - (after.get("videoBufferMs") - before.get("videoBufferMs"));
            assertThat(moved + buffers).as("the measuring viewer's offset moves by the audio's delay: before " + before
                    + ", after " + after + "; " + lipSync(measuring)).isBetween(-DELAY_MS - 80.0, -DELAY_MS + 80.0);
            assertThat(lipSync(measuring).get("videoHoldMs")).as("measuring only: nothing held back").isEqualTo(0L);

            assertThat(Meeting.await(20, () -> {
                Map<String, Object> l = lipSync(syncing);
                return l.get("residualMs") instanceof Number r && Math.abs(r.doubleValue()) <= 60
                        && ((Number) l.get("videoHoldMs")).doubleValue() >= DELAY_MS - 100;
            })).as("the syncing viewer holds its main video back and is in sync again: " + lipSync(syncing)).isTrue();
            double corrected = (System.nanoTime() - on) / 1e9;
            double residual = median(syncing, 3, "residualMs");
            assertThat(Math.abs(residual)).as("still in sync: " + lipSync(syncing)).isLessThanOrEqualTo(60);
            System.out.printf("lip sync: A/V offset %s before the audio delay, %s with %d ms of it (measured, not"
                            + " corrected); the correcting viewer (%s before) holds video %s ms and shows %.0f ms, %.1f s after"
                            + " the delay began%n", before, after, DELAY_MS, syncedBefore, lipSync(syncing).get("videoHoldMs"),
                    residual, corrected);
        }
    }

    private static String speakerId(Sidecar sidecar) {
        return sidecar.rooms().get(ROOM).snapshot().peers().stream().filter(p -> p.name().equals("speaker")).findFirst()
                .orElseThrow().id();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lipSync(Browser b) {
        Map<String, Object> s = b.stats();
        Object l = s == null ? null : s.get("lipSync");
        return l instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /**
     * The medians of {@link #medians} once two consecutive 3 s windows agree within 40 ms on the offset and the
     * audio buffer (a jitter buffer draining what it took in at the start, or after a delay step, moves both);
     * the last window after 45 s otherwise.
     */
    private static Map<String, Double> steady(Browser b) throws InterruptedException {
        Map<String, Double> previous = medians(b, 3);
        long until = System.nanoTime() + 45_000_000_000L;
        while (System.nanoTime() < until) {
            Map<String, Double> now = medians(b, 3);
            if (Math.abs(now.get("offsetMs") - previous.get("offsetMs")) < 40
                    && Math.abs(now.get("audioBufferMs") - previous.get("audioBufferMs")) < 40) {
                return now;
            }
            previous = now;
        }
        return previous;
    }

    /** The medians of the offset and both buffer delays over {@code seconds} of readings (one a second). */
    private static Map<String, Double> medians(Browser b, int seconds) throws InterruptedException {
        List<String> fields = List.of("offsetMs", "audioBufferMs", "videoBufferMs");
        Map<String, List<Double>> values = new java.util.HashMap<>();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
            Map<String, Object> l = lipSync(b);
            if (fields.stream().allMatch(f -> l.get(f) instanceof Number)) {
                fields.forEach(f -> values.computeIfAbsent(f, k -> new ArrayList<>()).add(((Number) l.get(f)).doubleValue()));
            }
            Meeting.await(1, () -> false);
        }
        assertThat(values).as(b.label + " has readings: " + lipSync(b)).isNotEmpty();
        Map<String, Double> out = new java.util.TreeMap<>();
        values.forEach((f, v) -> {
            v.sort(null);
            out.put(f, v.get(v.size() / 2));
        });
        return out;
    }

    private static double median(Browser b, double seconds, String field) throws InterruptedException {
        List<Double> values = new ArrayList<>();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < until) {
            if (lipSync(b).get(field) instanceof Number n) {
                values.add(n.doubleValue());
            }
            Meeting.await(1, () -> false);
        }
        assertThat(values).as(b.label + " has readings of " + field).isNotEmpty();
        values.sort(null);
        return values.get(values.size() / 2);
    }
}
