package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.room.RoomSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulcast and dynamic resolution with real browsers: three headless Chromium participants with a
 * 640x360 camera (a colour with a noise patch) each send simulcast (q = 320x180, h = 640x360; f, 720 lines by the ladder, would repeat
 * h, so the client leaves it off). The main
 * speaker and the camera the main speaker watches (the previous speaker, or the first other camera)
 * must keep sending every layer; a camera nobody watches must fall to its small layer at the size of
 * its mix tile (a 2x2 grid on the 640x360 mix: 180 lines), with its larger layers off at the sender,
 * as the browser's own outbound-rtp statistics say. When the speaker changes, the new speaker's full
 * layer comes back and the camera nobody watches any more loses its larger layers; both times are
 * printed (targets 2 s). An aiortc participant (one stream, no simulcast, ignores constraints) then
 * joins and the meeting keeps working for everyone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimulcastBrowserIT {
    static final String ROOM = "simulcast-it";
    static final Map<String, int[]> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("red", new int[] {230, 30, 30});
        COLOURS.put("green", new int[] {30, 200, 30});
        COLOURS.put("blue", new int[] {30, 30, 230});
    }

    @TempDir
    static Path dir;
    static Meeting meeting;
    static final Map<String, Browser> browsers = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        meeting = new Meeting(dir, 0);
        for (var e : COLOURS.entrySet()) {
            int[] c = e.getValue();
            Path y4m = FakeMedia.colourWithNoise(dir, e.getKey(), String.format("%02X%02X%02X", c[0], c[1], c[2]), 640, 360, 15);
            Path wav = FakeMedia.tone(dir, e.getKey(), e.getKey().equals("red") ? 0.8 : 0);
            Path profile = Files.createDirectories(dir.resolve("profile-" + e.getKey()));
            Browser b = new Browser(e.getKey(), y4m, wav, profile);
            browsers.put(e.getKey(), b);
            b.open(meeting.url(ROOM, e.getKey()));
        }
    }

    @AfterAll
    static void stop() {
        browsers.values().forEach(Browser::close);
        if (meeting != null) {
            meeting.close();
        }
    }

    @Test
    @Order(1)
    void everyoneSendsSimulcastAndTheSpeakerIsRed() throws Exception {
        for (Browser b : browsers.values()) {
            assertThat(Meeting.await(40, () -> "connected".equals(b.state())))
                    .as(b.label + " connected; state " + b.state() + ", errors " + b.field("errors")).isTrue();
        }
        String red = meeting.idOf(ROOM, "red");
        assertThat(Meeting.await(20, () -> red.equals(meeting.room(ROOM).snapshot().mainSpeaker())))
                .as("red (the only voice) is the main speaker: " + meeting.room(ROOM).snapshot()).isTrue();
        for (Browser b : browsers.values()) {
            assertThat(Meeting.await(20, () -> layers(b).size() == 3))
                    .as(b.label + " sends three simulcast layers: " + layers(b)).isTrue();
        }
    }

    @Test
    @Order(2)
    void onlyWatchedCamerasSendTheirFullLayer() throws Exception {
        String red = meeting.idOf(ROOM, "red");
        String watchedByRed = meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.id().equals(red)).findFirst()
                .orElseThrow().mainSource();
        String watched = nameOf(watchedByRed);
        String unwatched = browsers.keySet().stream().filter(n -> !n.equals("red") && !n.equals(watched)).findFirst().orElseThrow();

        assertThat(Meeting.await(20, () -> sendsFull(browsers.get("red"))))
                .as("the speaker sends its full layer: " + rates(browsers.get("red")) + "; server: " + camera("red") + "; browser: "
                        + layers(browsers.get("red")) + " constraints " + browsers.get("red").field("sendConstraints")).isTrue();
        assertThat(Meeting.await(20, () -> sendsFull(browsers.get(watched))))
                .as(watched + " (red's main video) sends its full layer: " + rates(browsers.get(watched))).isTrue();
        assertThat(Meeting.await(20, () -> sendsSmallOnly(browsers.get(unwatched))))
                .as(unwatched + " (watched by nobody) sends only its small layer at <= 180 lines: " + rates(browsers.get(unwatched)))
                .isTrue();

        // the mix decodes the smallest layer that fills a 180-line tile; receivers get the speaker's full layer
        RoomSnapshot.CameraSnapshot c = camera(unwatched);
        assertThat(c.engineLayer()).as("the engine takes " + unwatched + "'s small layer: " + c).isEqualTo("q");
        assertThat(c.constraintsApplied()).as("its client applied the constraints").isEqualTo(c.constraintsVersion());
        assertThat(Meeting.await(15, () -> "h".equals(camera(unwatched).mainLayer())))
                .as(unwatched + " receives red's largest layer: " + camera(unwatched)).isTrue();
        assertThat(Meeting.await(15, () -> browsers.get(unwatched).frameHeight("main") == 360))
                .as(unwatched + " decodes the main speaker at 640x360: " + browsers.get(unwatched).stats().get("main")).isTrue();
        assertThat(Meeting.await(15, () -> Meeting.near(browsers.get(unwatched).sample("main", 0.5, 0.5), COLOURS.get("red"), 60)))
                .as(unwatched + " shows red as main").isTrue();
        // and the mix still shows everyone in their tile (2x2 grid), from whatever layer each sends
        Browser viewer = browsers.get(watched);
        Map<String, double[]> tiles = meeting.gridTileCentres(ROOM);
        assertThat(tiles).hasSize(3);
        for (String name : browsers.keySet()) {
            double[] t = tiles.get(meeting.idOf(ROOM, name));
            assertThat(Meeting.await(15, () -> Meeting.near(viewer.sample("mix", t[0], t[1]), COLOURS.get(name), 60)))
                    .as(watched + " sees " + name + " in its mix tile: " + viewer.sample("mix", t[0], t[1])).isTrue();
        }
    }

    @Test
    @Order(3)
    void aSpeakerChangeBringsTheNewSpeakersFullLayerBack() throws Exception {
        String red = meeting.idOf(ROOM, "red");
        String watchedByRed = meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.id().equals(red)).findFirst()
                .orElseThrow().mainSource();
        String oldWatched = nameOf(watchedByRed);
        String next = browsers.keySet().stream().filter(n -> !n.equals("red") && !n.equals(oldWatched)).findFirst().orElseThrow();
        Browser nb = browsers.get(next);
        assertThat(Meeting.await(10, () -> sendsSmallOnly(nb))).as(next + " sends small before").isTrue();

        nb.watchOutbound("h", 360);
        long h0 = keyframes(camera(next), "h");
        long t0 = System.nanoTime();
        long t0Millis = System.currentTimeMillis();
        String nextId = meeting.idOf(ROOM, next);
        meeting.room(ROOM).setMainSpeaker(nextId);
        // the server's side, polled every 20 ms: the full layer's first keyframe in, and that layer relayed to red as its main video
        double keyframeIn = -1;
        double relayed = -1;
        while ((keyframeIn < 0 || relayed < 0) && System.nanoTime() - t0 < 20_000_000_000L) {
            RoomSnapshot.CameraSnapshot c = camera(next);
            double at = (System.nanoTime() - t0) / 1e9;
            if (keyframeIn < 0 && keyframes(c, "h") > h0 && height(c, "h") == 360) {
                keyframeIn = at;
            }
            RoomSnapshot.PeerSnapshot r = peer("red");
            if (relayed < 0 && nextId.equals(r.mainSource()) && "h".equals(r.camera().mainLayer())) {
                relayed = at;
            }
            Thread.sleep(20);
        }
        assertThat(relayed).as("red gets " + next + "'s full layer as its main video: " + peer("red")).isNotNegative();
        // the browser must also afford the layer (its own bandwidth estimate, its CPU): seconds on a loaded machine
        assertThat(Meeting.await(20, () -> sendsFull(nb))).as(next + " sends its full layer as the new speaker: " + rates(nb)
                + "; browser: " + layers(nb) + "; server: " + camera(next)).isTrue();
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        // red is now the previous speaker and the new speaker watches it: it keeps every layer; the camera
        // red watched before is watched by nobody now
        Browser ob = browsers.get(oldWatched);
        assertThat(Meeting.await(10, () -> sendsSmallOnly(ob))).as(oldWatched + " falls to its small layer: " + rates(ob)).isTrue();
        double downSeconds = (System.nanoTime() - t0) / 1e9;
        assertThat(Meeting.await(10, () -> sendsFull(browsers.get("red")))).as("red keeps its full layer").isTrue();
        Map<String, Long> w = nb.outboundWatch();
        System.out.printf("simulcast: speaker change -> new speaker's full layer sent after %.2f s (target 2 s);"
                + " unwatched camera's larger layers off after %.2f s (hold 1 s + browser)%n", upSeconds, downSeconds);
        System.out.printf("simulcast: speaker change, measured every 20-50 ms: constraints in the page %s, applied %s,"
                + " first 360-line frame of h encoded %s, sent %s; its keyframe at the server %s, relayed to red as main %s"
                + " (target 2 s)%n", since(w.get("constraintsAt"), t0Millis), since(w.get("appliedAt"), t0Millis),
                since(w.get("encodedAt"), t0Millis), since(w.get("sentAt"), t0Millis), seconds(keyframeIn), seconds(relayed));
        for (String name : List.of("red", oldWatched)) {
            Browser b = browsers.get(name);
            assertThat(Meeting.await(15, () -> Meeting.near(b.sample("main", 0.5, 0.5), COLOURS.get(next), 60)))
                    .as(name + " shows the new speaker " + next + " as main").isTrue();
        }
    }

    @Test
    @Order(4)
    void aSingleStreamSenderJoinsAndTheMeetingGoesOn() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        int[] yellow = {230, 230, 30};
        String token = meeting.server.sidecar().tokens().issue(ROOM, "aiortc", Duration.ofMinutes(5));
        try (AiortcParticipant a = new AiortcParticipant(meeting.server.sidecar().httpPort(), ROOM, "aiortc", token, yellow,
                dir.resolve("aiortc.log"))) {
            assertThat(Meeting.await(40, () -> a.frames("main") > 30 && a.frames("mix") > 30))
                    .as("aiortc decodes main and mix: main " + a.frames("main") + ", mix " + a.frames("mix")).isTrue();
            assertThat(Meeting.await(20, () -> "single".equals(camera("aiortc").engineLayer())))
                    .as("the engine takes aiortc's one stream: " + camera("aiortc")).isTrue();
            RoomSnapshot.CameraSnapshot c = camera("aiortc");
            assertThat(c.layers()).as("one layer without rid").hasSize(1);
            for (Browser b : browsers.values()) {
                long before = b.framesDecoded("main");
                long mixBefore = b.framesDecoded("mix");
                assertThat(Meeting.await(10, () -> b.framesDecoded("main") > before + 10 && b.framesDecoded("mix") > mixBefore + 10))
                        .as(b.label + " keeps decoding main and mix with aiortc in the room").isTrue();
            }
            // aiortc does not know the constraints message: counted as unanswered, the room goes on
            assertThat(Meeting.await(10, () -> camera("aiortc").constraintsUnanswered() >= 1))
                    .as("unanswered constraints counted: " + camera("aiortc")).isTrue();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static long keyframes(RoomSnapshot.CameraSnapshot c, String rid) {
        return c.layers().stream().filter(l -> rid.equals(l.rid())).mapToLong(RoomSnapshot.LayerSnapshot::keyframes).sum();
    }

    private static int height(RoomSnapshot.CameraSnapshot c, String rid) {
        return c.layers().stream().filter(l -> rid.equals(l.rid())).mapToInt(RoomSnapshot.LayerSnapshot::height).max().orElse(0);
    }

    private static String since(Long pageMillis, long t0Millis) {
        return pageMillis == null || pageMillis == 0 ? "never" : String.format("%.2f s", (pageMillis - t0Millis) / 1e3);
    }

    private static String seconds(double s) {
        return s < 0 ? "never" : String.format("%.2f s", s);
    }

    private static String nameOf(String participantId) {
        return meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.id().equals(participantId)).findFirst()
                .orElseThrow().name();
    }

    private static RoomSnapshot.PeerSnapshot peer(String name) {
        return meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static RoomSnapshot.CameraSnapshot camera(String name) {
        return meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().camera();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> layers(Browser b) {
        Map<String, Object> s = b.stats();
        Object l = s == null ? null : s.get("outboundLayers");
        return l == null ? List.of() : (List<Map<String, Object>>) l;
    }


    /** A layer's sending rate over about 600 ms from the browser's outbound-rtp stats, with its current frame height. */
    record Rate(String rid, long bps, long height) {
    }

    static Map<String, Rate> rates(Browser b) {
        Map<String, Long> bytes0 = new HashMap<>();
        for (Map<String, Object> l : layers(b)) {
            bytes0.put(String.valueOf(l.get("rid")), ((Number) l.get("bytesSent")).longValue());
        }
        long t0 = System.nanoTime();
        try {
            Thread.sleep(600);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Map<String, Object>> after = layers(b);
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Rate> out = new LinkedHashMap<>();
        for (Map<String, Object> l : after) {
            String rid = String.valueOf(l.get("rid"));
            long d = ((Number) l.get("bytesSent")).longValue() - bytes0.getOrDefault(rid, 0L);
            out.put(rid, new Rate(rid, (long) (d * 8 / secs), ((Number) l.get("frameHeight")).longValue()));
        }
        return out;
    }

    /**
     * The camera's full size is being sent: layer h at the camera's 360 lines (the ladder's f, 720 lines, would
     * only repeat it from a 640x360 camera, so the client does not send it).
     */
    static boolean sendsFull(Browser b) {
        Rate h = rates(b).get("h");
        return h != null && h.bps() > 0 && h.height() == 360;
    }

    /** Only the small layer q is being sent, at most 180 lines high (its tile's size); h and f send nothing. */
    static boolean sendsSmallOnly(Browser b) {
        Map<String, Rate> r = rates(b);
        Rate q = r.get("q");
        Rate h = r.get("h");
        Rate f = r.get("f");
        return q != null && q.bps() > 0 && q.height() > 0 && q.height() <= 180 && h != null && h.bps() == 0 && f != null
                && f.bps() == 0;
    }
}
