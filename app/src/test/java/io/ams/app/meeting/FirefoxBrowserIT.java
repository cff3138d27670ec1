package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Firefox beside Chromium (issue 13): Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi
 * ({@link FirefoxParticipant}), and a headless Chromium ({@link Browser}) meet in a room of two, three times over
 * (fresh browsers each time, who joins first alternating), and each time what a person checks holds: both
 * participant lists (the clients' and what the pages show) have both people, Firefox decodes the relayed main video
 * (Chromium's camera) and the mix, the mix shows two live tiles (the engine decodes both cameras; Chromium's red and
 * Firefox's fake camera are in their tiles in both browsers' mix), and Chromium decodes Firefox's camera as its main
 * video. P2P is off (as in {@link Meeting}): these are the server's media paths. Without Firefox, node or puppeteer-core the test fails
 * in CI (CI set) and is skipped elsewhere.
 */
class FirefoxBrowserIT {
    static final int ROUNDS = 3;
    static final int[] RED = {230, 30, 30};

    @TempDir
    static Path dir;
    static Meeting meeting;

    @BeforeAll
    static void start() throws Exception {
        require(Browser.available() ? null : "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        require(FirefoxParticipant.missing());
        meeting = new Meeting(dir, 0);
    }

    /** Fails in CI, where .ci/run installs everything, and skips elsewhere. */
    static void require(String missing) {
        if (missing != null && System.getenv("CI") != null) {
            fail(missing + " (CI is set: the Firefox meeting test must run)");
        }
        assumeTrue(missing == null, missing);
    }

    @AfterAll
    static void stop() {
        if (meeting != null) {
            meeting.close();
        }
    }

    @Test
    void firefoxAndChromiumMeetEveryTime() throws Exception {
        Path y4m = FakeMedia.colour(dir, "red", String.format("%02X%02X%02X", RED[0], RED[1], RED[2]), 320, 240, 15);
        Path wav = FakeMedia.tone(dir, "red", 0);
        for (int round = 1; round <= ROUNDS; round++) {
            String room = "firefox-it-" + round;
            boolean firefoxFirst = round % 2 == 1;
            Path log = dir.resolve("firefox-" + round + ".log");
            Browser chromium = null;
            FirefoxParticipant firefox = null;
            try {
                if (!firefoxFirst) {
                    chromium = chromium(round, y4m, wav, room);
                }
                firefox = new FirefoxParticipant(meeting.url(room, "firefox"), dir.resolve("ff-profile-" + round), log);
                if (firefoxFirst) {
                    chromium = chromium(round, y4m, wav, room);
                }
                checkMeeting(round, room, chromium, firefox, log);
            } finally {
                if (firefox != null) {
                    firefox.close();
                }
                if (chromium != null) {
                    chromium.close();
                }
            }
        }
    }

    private static Browser chromium(int round, Path y4m, Path wav, String room) throws Exception {
        Browser b = new Browser("chromium", y4m, wav, Files.createDirectories(dir.resolve("cr-profile-" + round)));
        b.open(meeting.url(room, "chromium"));
        return b;
    }

    private void checkMeeting(int round, String room, Browser cr, FirefoxParticipant ff, Path log) throws Exception {
        String tag = "round " + round + ": ";
        java.util.function.Supplier<String> ffSays = () -> "; Firefox reports " + ff.report + "; it said " + ff.log() + "; stderr "
                + Meeting.tail(log);
        assertThat(Meeting.await(60, () -> "connected".equals(ff.state()))).as(tag + "Firefox connects" + ffSays.get()).isTrue();
        assertThat(Meeting.await(40, () -> "connected".equals(cr.state())))
                .as(tag + "Chromium connects; state " + cr.state() + ", errors " + cr.field("errors")).isTrue();

        // both participant lists show both people
        assertThat(Meeting.await(20, () -> ff.participantNames().containsAll(List.of("firefox", "chromium"))))
                .as(tag + "Firefox's participant list shows both" + ffSays.get()).isTrue();
        assertThat(Meeting.await(20, () -> chromiumNames(cr).containsAll(List.of("firefox", "chromium"))))
                .as(tag + "Chromium's participant list shows both: " + cr.field("participants")).isTrue();
        // and so do the pages, where a person reads them
        assertThat(Meeting.await(10, () -> shownBoth(ff.listShown(), "firefox")))
                .as(tag + "Firefox's page lists both: " + ff.listShown() + ffSays.get()).isTrue();
        assertThat(Meeting.await(10, () -> shownBoth(listShown(cr), "chromium")))
                .as(tag + "Chromium's page lists both: " + listShown(cr)).isTrue();

        // Firefox decodes the relayed main video (Chromium's camera) and the mix, and keeps decoding them
        assertThat(Meeting.await(40, () -> ff.framesDecoded("main") > 0 && ff.framesDecoded("mix") > 0))
                .as(tag + "Firefox decodes main and mix" + ffSays.get()).isTrue();
        long ffMain = ff.framesDecoded("main");
        long ffMix = ff.framesDecoded("mix");
        // Chromium decodes Firefox's camera as its main video, and the mix
        assertThat(Meeting.await(40, () -> cr.framesDecoded("main") > 0 && cr.framesDecoded("mix") > 0))
                .as(tag + "Chromium decodes main (Firefox's camera) and mix: " + cr.stats()).isTrue();
        long crMain = cr.framesDecoded("main");
        assertThat(Meeting.await(15, () -> ff.framesDecoded("main") > ffMain + 10 && ff.framesDecoded("mix") > ffMix + 10))
                .as(tag + "Firefox keeps decoding main and mix" + ffSays.get()).isTrue();
        assertThat(ff.frameWidth("mix")).as(tag + "Firefox's mix at the mix's size").isEqualTo(Meeting.MIX_W);
        assertThat(Meeting.await(15, () -> cr.framesDecoded("main") > crMain + 10))
                .as(tag + "Chromium keeps decoding Firefox's camera: " + cr.stats()).isTrue();

        // the mix shows two live tiles: the engine has both and decodes both cameras
        String ffId = meeting.idOf(room, "firefox");
        String crId = meeting.idOf(room, "chromium");
        assertThat(Meeting.await(20, () -> meeting.engineOrder(room).size() == 2))
                .as(tag + "the engine mixes both: " + meeting.engineOrder(room)).isTrue();
        Map<String, Long> before = engineFrames(room);
        assertThat(Meeting.await(15, () -> {
            Map<String, Long> now = engineFrames(room);
            return now.getOrDefault(ffId, 0L) > before.getOrDefault(ffId, 0L) + 10
                    && now.getOrDefault(crId, 0L) > before.getOrDefault(crId, 0L) + 10;
        })).as(tag + "the engine decodes both cameras (Firefox " + ffId + ", Chromium " + crId + "): " + engineFrames(room)).isTrue();
        // both tiles in both browsers' mix: Chromium's red camera, and Firefox's fake camera (a vivid, cycling colour)
        double[] at = meeting.gridTileCentres(room).get(crId);
        double[] ffAt = meeting.gridTileCentres(room).get(ffId);
        ff.sampleMixAt(List.of(at, ffAt));
        assertThat(Meeting.await(15, () -> Meeting.near(cr.sample("mix", at[0], at[1]), RED, 60)))
                .as(tag + "Chromium sees its red in its mix tile: " + cr.sample("mix", at[0], at[1])).isTrue();
        assertThat(Meeting.await(15, () -> vivid(cr.sample("mix", ffAt[0], ffAt[1]))))
                .as(tag + "Chromium sees Firefox's camera in its mix tile: " + cr.sample("mix", ffAt[0], ffAt[1])).isTrue();
        assertThat(Meeting.await(15, () -> Meeting.near(ff.mixSample(at[0], at[1]), RED, 60)))
                .as(tag + "Firefox sees Chromium's red in its mix tile: " + ff.mixSample(at[0], at[1]) + ffSays.get()).isTrue();
        assertThat(Meeting.await(15, () -> vivid(ff.mixSample(ffAt[0], ffAt[1]))))
                .as(tag + "Firefox sees its own camera in its mix tile: " + ff.mixSample(ffAt[0], ffAt[1]) + ffSays.get()).isTrue();
    }

    /**
     * Firefox's fake camera: one vivid colour that cycles through the hues (seen: (0, 255, 0), (255, 104, 0)), unlike
     * the grey of a tile's name placeholder.
     */
    private static boolean vivid(List<Long> rgb) {
        if (rgb == null || rgb.size() < 3) {
            return false;
        }
        long max = Math.max(rgb.get(0), Math.max(rgb.get(1), rgb.get(2)));
        long min = Math.min(rgb.get(0), Math.min(rgb.get(1), rgb.get(2)));
        return max - min > 120;
    }

    /** Both names in a page's list, one of them marked as this page's own ("... (you)"). */
    private static boolean shownBoth(List<String> shown, String me) {
        return shown.size() == 2 && shown.stream().anyMatch(n -> n.startsWith(me + " (you)"))
                && shown.stream().anyMatch(n -> n.startsWith(me.equals("firefox") ? "chromium" : "firefox"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> listShown(Browser b) {
        return (List<String>) b.js("return [...document.querySelectorAll('#participants li .name')].map((e) => e.textContent);");
    }

    @SuppressWarnings("unchecked")
    private static List<String> chromiumNames(Browser b) {
        Object l = b.field("participants");
        return l == null ? List.of() : ((List<Map<String, Object>>) l).stream().map(p -> String.valueOf(p.get("name"))).toList();
    }

    /** Frames the engine decoded of each participant's camera, by id. */
    private static Map<String, Long> engineFrames(String room) {
        ManagedChannel ch = NettyChannelBuilder.forTarget("127.0.0.1:" + meeting.server.engine().grpcPort()).usePlaintext().build();
        try {
            Map<String, Long> out = new HashMap<>();
            for (ParticipantStats p : MixerGrpc.newBlockingStub(ch).getStats(GetStatsRequest.newBuilder().setRoomId(room).build())
                    .getParticipantsList()) {
                out.put(p.getParticipantId(), p.getFramesDecoded());
            }
            return out;
        } finally {
            ch.shutdownNow();
        }
    }

}
