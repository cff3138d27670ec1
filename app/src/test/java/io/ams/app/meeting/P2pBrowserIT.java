package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * 1:1 calls peer to peer (issue 10) in headless Chromium: two participants go P2P (their P2P
 * connection's selected pair is between the browsers, the sidecar receives no media from them, each
 * sees the other's colour); a third joining moves them to the server (everyone sees main and mix; the
 * two measure the gap in their main video); when it leaves they go back to P2P; a recording moves them
 * to the server again; and two whose direct path is blocked stay on the server without an error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class P2pBrowserIT {
    static final String ROOM = "p2p-it";
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
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID),
                new P2pSettings(true, 1000, 8000, 60_000));
        for (var e : COLOURS.entrySet()) {
            int[] c = e.getValue();
            Path y4m = FakeMedia.colour(dir, e.getKey(), String.format("%02X%02X%02X", c[0], c[1], c[2]), 320, 240, 15);
            Path wav = FakeMedia.tone(dir, e.getKey(), e.getKey().equals("red") ? 0.8 : 0);
            browsers.put(e.getKey(), new Browser(e.getKey(), y4m, wav, Files.createDirectories(dir.resolve("profile-" + e.getKey()))));
        }
        browsers.get("red").open(meeting.url(ROOM, "red"));
        browsers.get("green").open(meeting.url(ROOM, "green"));
    }

    @AfterAll
    static void stop() {
        browsers.values().forEach(Browser::close);
        if (meeting != null) {
            meeting.close();
        }
    }

    static String mode(Browser b) {
        return (String) b.field("mediaMode");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> p2pStats(Browser b) {
        return (Map<String, Object>) b.stats().get("p2p");
    }

    /** Media RTP the sidecar received from {@code name}: all RTP less the padding-only probes (no media in them). */
    static long rtpIn(String name) {
        String id = meeting.idOf(ROOM, name);
        var p = meeting.room(ROOM).snapshot().peers().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        return p.rtpIn() - (p.camera() == null ? 0 : p.camera().paddingIn());
    }

    static void awaitMode(String want, long seconds, Browser... bs) throws InterruptedException {
        for (Browser b : bs) {
            assertThat(Meeting.await(seconds, () -> want.equals(mode(b))))
                    .as("%s in media mode %s; it is %s; server: %s; errors %s", b.label, want, mode(b),
                            meeting.room(ROOM) == null ? "-" : meeting.room(ROOM).p2pSummary(), b.field("errors")).isTrue();
        }
    }

    @Test
    @Order(1)
    void twoGoPeerToPeerAndTheServerCarriesNoneOfTheirMedia() throws Exception {
        Browser red = browsers.get("red");
        Browser green = browsers.get("green");
        awaitMode("p2p", 45, red, green);
        for (Browser b : List.of(red, green)) {
            Map<String, Object> p = p2pStats(b);
            assertThat(p).as(b.label + " P2P stats").isNotNull();
            assertThat(p.get("state")).isEqualTo("connected");
            assertThat(((Number) p.get("remotePort")).intValue()).as(b.label + "'s P2P pair ends at the other browser, "
                    + "not at the sidecar's media port").isNotEqualTo(meeting.server.sidecar().mediaPort()).isPositive();
            assertThat(p.get("remoteAddress")).isNotNull();
        }
        Thread.sleep(1000); // what was in flight at the switch
        long redBefore = rtpIn("red");
        long greenBefore = rtpIn("green");
        Object outBefore = red.stats().get("outbound");
        Thread.sleep(3000);
        System.out.println("p2p: red's server connection while P2P, outbound (the browser's stats), 3 s apart: " + outBefore
                + " / " + red.stats().get("outbound"));
        long fromRed = rtpIn("red") - redBefore;
        long fromGreen = rtpIn("green") - greenBefore;
        assertThat(fromRed).as("media RTP from red at the sidecar in 3 s of P2P (green: %d)", fromGreen).isLessThanOrEqualTo(2);
        assertThat(fromGreen).as("media RTP from green at the sidecar in 3 s of P2P").isLessThanOrEqualTo(2);
        assertThat(Meeting.await(15, () -> Meeting.near(red.sample("main", 0.5, 0.5), COLOURS.get("green"), 60)))
                .as("red sees green directly: " + red.sample("main", 0.5, 0.5)).isTrue();
        assertThat(Meeting.await(15, () -> Meeting.near(green.sample("main", 0.5, 0.5), COLOURS.get("red"), 60)))
                .as("green sees red directly: " + green.sample("main", 0.5, 0.5)).isTrue();
        assertThat(meeting.room(ROOM).p2pSummary()).startsWith("P2P");
        assertThat(meeting.room(ROOM).mediaModes()).as("ams ctl sfu get: both peer to peer").containsValues("p2p", "p2p");
        assertThat(Meeting.await(10, () -> !engineRooms().contains(ROOM)))
                .as("the engine has no idle work for the room while it runs peer to peer: " + engineRooms()).isTrue();
        assertThat(meeting.server.sidecar().engine().parked(ROOM)).isTrue();
        // the connection quality stays true from the clients' own stats of the direct path
        assertThat(Meeting.await(10, () -> meeting.room(ROOM).quality().values().stream().allMatch(q ->
                        java.util.Set.of("GOOD", "EXCELLENT").contains(q.uplink().level().name())
                                && java.util.Set.of("GOOD", "EXCELLENT").contains(q.downlink().level().name()))
                && meeting.room(ROOM).quality().size() == 2))
                .as("both directions of both read good from the P2P stats: " + meeting.room(ROOM).quality()).isTrue();
        long p2pFrames = ((Number) p2pStats(red).get("framesDecoded")).longValue();
        assertThat(p2pFrames).as("red decodes green's video from the P2P connection").isPositive();
    }

    @Test
    @Order(2)
    void aThirdJoiningMovesEveryoneToTheServer() throws Exception {
        Browser red = browsers.get("red");
        Browser green = browsers.get("green");
        Browser blue = browsers.get("blue");
        awaitMode("p2p", 30, red, green); // the switch measured below starts from a P2P call
        for (Browser b : List.of(red, green)) {
            b.js("window.__frames = []; const v = document.getElementById('main-video');"
                    + "const cb = (now) => { window.__frames.push(now); v.requestVideoFrameCallback(cb); };"
                    + "v.requestVideoFrameCallback(cb);");
        }
        // green hears red (red's tone): every 20 ms, the audio packets that came from red on either connection
        // (per connection and stream: a closed P2P connection's counters vanish, they must not hide the server's)
        green.js("window.__audio = []; const c = window.amsClient; const red = arguments[0]; const seen = {};"
                + "window.__audioTimer = setInterval(async () => { let more = false;"
                + " for (const pc of [c.pc, c.p2p && c.p2p.pc]) { if (!pc) continue; const direct = pc !== c.pc;"
                + "  (await pc.getStats()).forEach((r) => { if (r.type !== 'inbound-rtp' || r.kind !== 'audio') return;"
                + "   const role = c.tracks[r.mid]; if (!direct && !(role && role.participantId === red)) return;"
                + "   const key = (direct ? 'p2p:' : 'server:') + r.ssrc; const n = r.packetsReceived || 0;"
                + "   if (key in seen && n > seen[key]) more = true; seen[key] = Math.max(n, seen[key] || 0); }); }"
                + " if (more) window.__audio.push(performance.now()); }, 20);",
                meeting.idOf(ROOM, "red"));
        // and what green's client plays of red: the stream it shows for red (P2P, then the server's) through an
        // AudioWorklet that notes, on the audio thread's clock, each change between tone and silence
        green.js(HEARD_WATCH, meeting.idOf(ROOM, "red"));
        assertThat(Meeting.await(10, () -> ((Number) green.js("return window.__heard.samples.length;")).intValue() > 2))
                .as("the audio watcher finds what green plays of red").isTrue();
        double heardJoin = ((Number) green.js("return performance.now();")).doubleValue();
        double joinRed = ((Number) red.js("return performance.now();")).doubleValue();
        double joinGreen = ((Number) green.js("return performance.now();")).doubleValue();
        long joinedAt = System.currentTimeMillis();
        red.js(Browser.FIRST_FRAMES_WATCH);
        green.js(Browser.FIRST_FRAMES_WATCH);
        blue.beforeEachPage(Browser.FIRST_FRAMES_WATCH);
        blue.open(meeting.url(ROOM, "blue"));
        awaitMode("server", 30, red, green);
        long allSeeAll = -1;
        long until = System.currentTimeMillis() + 60_000;
        Map<String, long[]> base = new LinkedHashMap<>();
        while (System.currentTimeMillis() < until) {
            boolean ok = true;
            for (Browser b : List.of(red, green, blue)) {
                long main = b.framesDecoded("main");
                long mix = b.framesDecoded("mix");
                long[] first = base.computeIfAbsent(b.label, k -> new long[] {main, mix});
                ok &= main > first[0] && mix > first[1] && "connected".equals(b.state());
            }
            if (ok) {
                allSeeAll = System.currentTimeMillis() - joinedAt;
                break;
            }
            Thread.sleep(100);
        }
        assertThat(allSeeAll).as("all three decode main and mix from the server").isNotNegative();
        // from the moment the server accepted blue's join, in each page's own time, polled every 50 ms
        String blueId = meeting.idOf(ROOM, "blue");
        long serverJoin = meeting.room(ROOM).snapshot().peers().stream().filter(p -> p.id().equals(blueId)).findFirst()
                .orElseThrow().joinedAtMillis();
        StringBuilder steps = new StringBuilder();
        long lastFrame = 0;
        for (Browser b : List.of(red, green, blue)) {
            Map<String, Long> w = b.firstFrames();
            steps.append(String.format(" %s: main %+d ms, mix %+d ms;", b.label, w.getOrDefault("mainAt", 0L) - serverJoin,
                    w.getOrDefault("mixAt", 0L) - serverJoin));
            lastFrame = Math.max(lastFrame, Math.max(w.getOrDefault("mainAt", 0L), w.getOrDefault("mixAt", 0L)));
            if (b == blue) {
                steps.append(String.format(" blue's page: joined %+d ms, connected %+d ms", w.getOrDefault("joinedAt", 0L) - serverJoin,
                        w.getOrDefault("connectedAt", 0L) - serverJoin));
            }
        }
        System.out.printf("p2p -> server: all three decoding main and mix %d ms after the server accepted the third's join"
                + " (target 2 s; page load %d ms before it);%s%n", lastFrame - serverJoin, serverJoin - joinedAt, steps);
        Thread.sleep(3000);
        double gapRed = maxGap(red, joinRed);
        double gapGreen = maxGap(green, joinGreen);
        green.js("clearInterval(window.__audioTimer);");
        double audioGap = maxGap(green, joinGreen, "__audio");
        System.out.printf("p2p -> server: all three decoding main and mix %d ms after the test began to open the third's page"
                + " (page load, camera and this test's slower polling included); "
                + "largest main-video gap red %.0f ms, green %.0f ms; largest gap in red's audio at green %.0f ms%n",
                allSeeAll, gapRed, gapGreen, audioGap);
        double[] heard = heardGap(green, heardJoin);
        System.out.printf("p2p -> server: red's audio as green's client plays it (samples that were not concealment):"
                + " largest stretch without it %.0f ms across the switch (target 300 ms); %.1f s of audio in the %.1f s since the join%n",
                heard[0], heard[1] / 1000, heard[2] / 1000);
        assertThat(heard[1]).as("green's client played red's audio after the join (ms)").isGreaterThan(heard[2] / 2);
        assertThat(audioGap).as("green heard red's audio across the switch").isPositive();
        assertThat(gapRed).as("red's main video had frames across the switch").isPositive();
        assertThat(gapGreen).isPositive();
        assertThat(meeting.room(ROOM).p2pSummary()).startsWith("SERVER (3 participants)");
        assertThat(engineRooms()).as("the room back in the engine (every mix decoded above)").contains(ROOM);
    }

    /**
     * Installs in a page a watcher of what the client plays of participant {@code arguments[0]}: the receiver of
     * the stream its 'track' events hand the page for that participant's audio (the direct one during P2P, the
     * server's after). Every 50 ms it notes the page time and that receiver's samples played out that were not
     * concealment (totalSamplesReceived - concealedSamples, counted by the browser's audio thread), so a busy
     * page that polls late does not stretch a gap: what matters is how much real audio the interval held.
     */
    static final String HEARD_WATCH = "const who = arguments[0]; const c = window.amsClient;"
            + "const h = window.__heard = { samples: [], playing: c.mediaMode === 'p2p' ? 'p2p' : 'server' };"
            + "c.addEventListener('track', (e) => { if (e.detail.key === 'audio:' + who) h.playing = e.detail.p2p ? 'p2p' : 'server'; });"
            + "const real = async (pc, track) => { if (!pc || !track) return -1; const r = pc.getReceivers().find((x) => x.track === track);"
            + " if (!r) return -1; let n = -1; (await r.getStats().catch(() => new Map())).forEach((s) => {"
            + "  if (s.type === 'inbound-rtp' && s.kind === 'audio') n = (s.totalSamplesReceived || 0) - (s.concealedSamples || 0); });"
            + " return n; };"
            + "h.timer = setInterval(async () => { const playing = h.playing;"
            + " const p2pTrack = c.p2p && c.p2p.remote && c.p2p.remote.getAudioTracks()[0];"
            + " const srv = c.streams['audio:' + who]; const srvTrack = srv && srv.getAudioTracks()[0];"
            + " const [p, s] = await Promise.all([real(c.p2p && c.p2p.pc, p2pTrack), real(c.pc, srvTrack)]);"
            + " h.samples.push({ t: performance.now(), p2p: p, server: s, playing }); }, 50);";

    /**
     * From the page's {@link #HEARD_WATCH}, after page time {@code from}: {the largest stretch without real audio (ms),
     * ms of real audio played, ms elapsed}. Per interval between two samples of the same receiver, the silence is the
     * interval less the real audio it played (48 kHz); an interval across a change of receiver counts whole as
     * silence less what the new receiver played in it (unknown, so 0: an upper bound).
     */
    static double[] heardGap(Browser b, double from) {
        b.js("clearInterval(window.__heard.timer);");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> samples = (List<Map<String, Object>>) b.js("return window.__heard.samples;");
        List<double[]> intervals = new java.util.ArrayList<>(); // {ms elapsed, ms of real audio played in it}
        double played = 0;
        Map<String, Object> last = null;
        for (Map<String, Object> s : samples) {
            double t = ((Number) s.get("t")).doubleValue();
            if (last != null && t >= from) {
                double dt = t - ((Number) last.get("t")).doubleValue();
                // what the played receiver played in the interval; across a switch either receiver may have
                double real = 0;
                for (String k : List.of("p2p", "server")) {
                    boolean counts = k.equals(s.get("playing")) || k.equals(last.get("playing"));
                    double now = ((Number) s.get(k)).doubleValue();
                    double before = ((Number) last.get(k)).doubleValue();
                    if (counts && now >= 0 && before >= 0) {
                        real = Math.max(real, (now - before) / 48.0);
                    }
                }
                real = Math.max(0, Math.min(dt, real));
                played += real;
                intervals.add(new double[] {dt, real});
            }
            last = s;
        }
        // a gap: consecutive intervals that together played at most one counter step (60 ms: the browser's
        // counters move in steps of tens of ms between polls) of real audio; its length is their time less that audio
        double gap = 0;
        for (int i = 0; i < intervals.size(); i++) {
            double dt = 0;
            double real = 0;
            for (int j = i; j < intervals.size() && real + intervals.get(j)[1] <= 60; j++) {
                dt += intervals.get(j)[0];
                real += intervals.get(j)[1];
                gap = Math.max(gap, dt - real);
            }
        }
        double elapsed = samples.isEmpty() ? 0 : ((Number) samples.get(samples.size() - 1).get("t")).doubleValue() - from;
        return new double[] {gap, played, elapsed};
    }

    /** The largest interval between presented frames of the page's main video since {@code from} (ms). */
    static double maxGap(Browser b, double from) {
        return maxGap(b, from, "__frames");
    }

    /** The largest interval between the page's recorded instants {@code window[list]} since {@code from} (ms). */
    static double maxGap(Browser b, double from, String list) {
        @SuppressWarnings("unchecked")
        List<Number> frames = (List<Number>) b.js("return window[arguments[0]];", list);
        double last = from;
        double gap = 0;
        for (Number n : frames) {
            double t = n.doubleValue();
            if (t >= from) {
                gap = Math.max(gap, t - last);
                last = t;
            }
        }
        return gap;
    }

    @Test
    @Order(3)
    void theThirdLeavingTakesThemBackToPeerToPeer() throws Exception {
        browsers.get("blue").js("window.amsClient.leave();");
        awaitMode("p2p", 45, browsers.get("red"), browsers.get("green"));
        assertThat(Meeting.await(15, () -> Meeting.near(browsers.get("red").sample("main", 0.5, 0.5), COLOURS.get("green"), 60)))
                .as("red sees green directly again").isTrue();
    }

    @Test
    @Order(4)
    void aRecordingMovesThemToTheServerAndRecordsBoth() throws Exception {
        Browser red = browsers.get("red");
        Browser green = browsers.get("green");
        meeting.server.sidecar().engine().setRecording(ROOM, true, "test");
        awaitMode("server", 30, red, green);
        assertThat(meeting.room(ROOM).p2pSummary()).startsWith("SERVER (the room is recorded)");
        for (Browser b : List.of(red, green)) {
            long before = b.framesDecoded("main");
            assertThat(Meeting.await(20, () -> b.framesDecoded("main") > before + 10)).as(b.label + " decodes main from the server").isTrue();
        }
        // the recording has both: the engine decodes both cameras while it runs
        assertThat(Meeting.await(20, () -> engineDecodesAll(2))).as("the engine decodes both cameras").isTrue();
        meeting.server.sidecar().engine().setRecording(ROOM, false, "test");
    }

    /** The rooms the engine has now (Mixer.ListRooms). */
    static List<String> engineRooms() {
        io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forTarget("127.0.0.1:" + meeting.server.engine().grpcPort()).usePlaintext().build();
        try {
            return io.ams.proto.v1.MixerGrpc.newBlockingStub(ch).listRooms(io.ams.proto.v1.ListRoomsRequest.getDefaultInstance())
                    .getRoomsList().stream().map(io.ams.proto.v1.Room::getId).toList();
        } finally {
            ch.shutdownNow();
        }
    }

    static boolean engineDecodesAll(int n) {
        io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forTarget("127.0.0.1:" + meeting.server.engine().grpcPort()).usePlaintext().build();
        try {
            var api = io.ams.proto.v1.MixerGrpc.newBlockingStub(ch);
            var req = io.ams.proto.v1.GetStatsRequest.newBuilder().setRoomId(ROOM).build();
            var a = api.getStats(req);
            Thread.sleep(1000);
            var b = api.getStats(req);
            int decoding = 0;
            for (int i = 0; i < Math.min(a.getParticipantsCount(), b.getParticipantsCount()); i++) {
                if (b.getParticipants(i).getFramesDecoded() > a.getParticipants(i).getFramesDecoded()) {
                    decoding++;
                }
            }
            return decoding >= n && b.getOutputsList().stream().anyMatch(o -> o.getOutputId().startsWith("rec-"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    @Order(5)
    void twoWhoseDirectPathIsBlockedStayOnTheServerWithoutAnError() throws Exception {
        String room = "p2p-blocked";
        Browser red = browsers.get("red");
        Browser green = browsers.get("green");
        red.open(meeting.url(room, "red") + "&p2pBlock=1");
        green.open(meeting.url(room, "green") + "&p2pBlock=1");
        assertThat(Meeting.await(60, () -> meeting.room(room) != null && meeting.room(room).p2pSummary().contains("(failed 1)")))
                .as("the P2P attempt failed: " + (meeting.room(room) == null ? "-" : meeting.room(room).p2pSummary())).isTrue();
        for (Browser b : List.of(red, green)) {
            assertThat(mode(b)).isEqualTo("server");
            assertThat(b.state()).isEqualTo("connected");
            assertThat((List<?>) b.field("errors")).as(b.label + " shows no error").isEmpty();
            long before = b.framesDecoded("main");
            assertThat(Meeting.await(20, () -> b.framesDecoded("main") > before + 10)).as(b.label + " decodes main").isTrue();
        }
        System.out.println("p2p blocked: " + meeting.room(room).p2pSummary());
    }
}
