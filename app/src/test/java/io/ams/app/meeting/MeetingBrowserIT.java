package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Tile;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.Participant;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A real meeting in headless Chromium: three participants, each a browser with a distinct solid
 * colour as camera; "red" also talks (a tone as microphone), the others are silent. Every participant
 * must receive the main-speaker video and the mix, the mix must show every colour in its grid tile,
 * the voice-activity speaker must be on everyone's main video, and a speaker change made by an
 * operator must reach every receiver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeetingBrowserIT {
    static final String ROOM = "browser-it";
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
            Path y4m = FakeMedia.colour(dir, e.getKey(), String.format("%02X%02X%02X", c[0], c[1], c[2]), 320, 240, 15);
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
    void everyoneConnectsAndReceivesMainAndMix() throws Exception {
        for (Browser b : browsers.values()) {
            assertThat(Meeting.await(40, () -> "connected".equals(b.state())))
                    .as(b.label + " connected; state " + b.state() + ", errors " + b.field("errors")).isTrue();
        }
        Map<String, long[]> first = new LinkedHashMap<>();
        for (Browser b : browsers.values()) {
            assertThat(Meeting.await(30, () -> decoded(b, "main") > 0 && decoded(b, "mix") > 0))
                    .as(b.label + " decodes main and mix: " + b.stats()).isTrue();
            first.put(b.label, new long[] {decoded(b, "main"), decoded(b, "mix")});
        }
        Thread.sleep(3000);
        for (Browser b : browsers.values()) {
            Map<String, Object> s = b.stats();
            assertThat(decoded(b, "main")).as(b.label + " main keeps decoding: " + s).isGreaterThan(first.get(b.label)[0] + 10);
            assertThat(decoded(b, "mix")).as(b.label + " mix keeps decoding: " + s).isGreaterThan(first.get(b.label)[1] + 10);
            @SuppressWarnings("unchecked")
            Map<String, Object> mix = (Map<String, Object>) s.get("mix");
            assertThat(((Number) mix.get("frameWidth")).intValue()).isEqualTo(Meeting.MIX_W);
            assertThat(((Number) mix.get("frameHeight")).intValue()).isEqualTo(Meeting.MIX_H);
            assertThat(b.field("mixAvailable")).isEqualTo(true);
        }
    }

    @Test
    @Order(2)
    void mixShowsEveryColourInItsTile() throws Exception {
        List<String> order = engineOrder();
        assertThat(order).hasSize(3);
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), order, order.get(0), Meeting.MIX_W, Meeting.MIX_H);
        for (Browser b : browsers.values()) {
            for (Tile t : tiles) {
                String name = nameOf(t.participantId());
                int[] want = COLOURS.get(name);
                double fx = (t.rect().x() + t.rect().width() / 2.0) / Meeting.MIX_W;
                double fy = (t.rect().y() + t.rect().height() / 2.0) / Meeting.MIX_H;
                assertThat(Meeting.await(15, () -> Meeting.near(b.sample("mix", fx, fy), want, 60)))
                        .as(b.label + " sees " + name + " in its tile at (" + fx + "," + fy + "): got " + b.sample("mix", fx, fy))
                        .isTrue();
            }
        }
    }

    @Test
    @Order(3)
    void theTalkingParticipantIsEveryonesMainVideo() throws Exception {
        String red = meeting.idOf(ROOM, "red");
        assertThat(Meeting.await(20, () -> red.equals(meeting.room(ROOM).snapshot().mainSpeaker())))
                .as("voice activity picks red: " + meeting.room(ROOM).snapshot()).isTrue();
        for (String who : List.of("green", "blue")) {
            Browser b = browsers.get(who);
            assertThat(Meeting.await(15, () -> Meeting.near(b.sample("main", 0.5, 0.5), COLOURS.get("red"), 60)))
                    .as(who + " shows red as main: " + b.sample("main", 0.5, 0.5)).isTrue();
            assertThat(b.field("mainSpeaker")).isEqualTo(red);
        }
    }

    @Test
    @Order(4)
    void aSpeakerChangeReachesEveryReceiver() throws Exception {
        String green = meeting.idOf(ROOM, "green");
        meeting.room(ROOM).setMainSpeaker(green);
        for (String who : List.of("red", "blue")) {
            Browser b = browsers.get(who);
            long before = decoded(b, "main");
            assertThat(Meeting.await(15, () -> Meeting.near(b.sample("main", 0.5, 0.5), COLOURS.get("green"), 60)))
                    .as(who + " shows green as main after the switch: " + b.sample("main", 0.5, 0.5)).isTrue();
            assertThat(Meeting.await(5, () -> green.equals(b.field("mainSpeaker")))).isTrue();
            assertThat(Meeting.await(5, () -> decoded(b, "main") > before + 5)).as("main keeps decoding across the switch").isTrue();
        }
        // green itself keeps seeing someone else: the previous main speaker
        Browser g = browsers.get("green");
        assertThat(Meeting.await(15, () -> Meeting.near(g.sample("main", 0.5, 0.5), COLOURS.get("red"), 60)))
                .as("green sees the previous speaker, red: " + g.sample("main", 0.5, 0.5)).isTrue();
        meeting.room(ROOM).setMainSpeaker(null);
        // what a person would see, kept for whoever debugs a failure: target/meeting-blue.png
        byte[] png = browsers.get("blue").driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        Files.write(Path.of("target", "meeting-blue.png"), png);
    }

    @Test
    @Order(5)
    void anAiortcParticipantJoinsTheSameRoomAndReceivesBothVideos() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        int[] yellow = {230, 230, 30};
        String token = meeting.server.sidecar().tokens().issue(ROOM, "yellow", java.time.Duration.ofMinutes(5));
        try (AiortcParticipant a = new AiortcParticipant(meeting.server.sidecar().httpPort(), ROOM, "yellow", token, yellow,
                dir.resolve("aiortc.log"))) {
            assertThat(Meeting.await(40, () -> a.frames("main") > 30 && a.frames("mix") > 30))
                    .as("aiortc decodes main and mix; report " + a.report + "; server said " + a.fromServer.stream().map(m -> m.path("type").asText()).toList()
                            + "; log " + Meeting.tail(dir.resolve("aiortc.log")))
                    .isTrue();
            assertThat(a.report.path("mix").path("width").asInt()).isEqualTo(Meeting.MIX_W);
            assertThat(a.report.path("mix").path("height").asInt()).isEqualTo(Meeting.MIX_H);
            assertThat(a.report.path("main").path("width").asInt()).isPositive();
            // its main video is one of the browsers' cameras
            List<Long> centre = new ArrayList<>();
            a.report.path("main").path("samples").path("0.50,0.50").forEach(v -> centre.add(v.asLong()));
            assertThat(COLOURS.values().stream().anyMatch(c -> Meeting.near(centre, c, 60)))
                    .as("aiortc's main video shows a participant's colour: " + centre).isTrue();
            // and the browsers see aiortc's yellow camera in its tile of the mix
            List<String> order = engineOrder();
            assertThat(Meeting.await(20, () -> engineOrder().size() == 4)).isTrue();
            order = engineOrder();
            List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), order, order.get(0), Meeting.MIX_W, Meeting.MIX_H);
            Tile mine = tiles.stream().filter(t -> t.participantId().equals(meeting.idOf(ROOM, "yellow"))).findFirst().orElseThrow();
            double fx = (mine.rect().x() + mine.rect().width() / 2.0) / Meeting.MIX_W;
            double fy = (mine.rect().y() + mine.rect().height() / 2.0) / Meeting.MIX_H;
            Browser b = browsers.get("blue");
            assertThat(Meeting.await(20, () -> Meeting.near(b.sample("mix", fx, fy), yellow, 60)))
                    .as("blue sees aiortc's yellow in the mix: " + b.sample("mix", fx, fy)).isTrue();
        }
    }


    private static long decoded(Browser b, String which) {
        Map<String, Object> s = b.stats();
        if (s == null || !(s.get(which) instanceof Map<?, ?> m)) {
            return 0;
        }
        return ((Number) m.get("framesDecoded")).longValue();
    }

    private static String nameOf(String participantId) {
        for (String n : COLOURS.keySet()) {
            if (meeting.idOf(ROOM, n).equals(participantId)) {
                return n;
            }
        }
        throw new AssertionError("unknown participant " + participantId);
    }

    /** The engine's participant order, which the grid layout follows. */
    private static List<String> engineOrder() {
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + meeting.server.engine().grpcPort()).usePlaintext().build();
        try {
            List<String> ids = new ArrayList<>();
            for (Participant p : MixerGrpc.newBlockingStub(ch).getRoom(GetRoomRequest.newBuilder().setRoomId(ROOM).build())
                    .getParticipantsList()) {
                ids.add(p.getId());
            }
            return ids;
        } finally {
            ch.shutdownNow();
        }
    }
}
