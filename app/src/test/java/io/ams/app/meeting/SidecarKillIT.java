package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.room.Room;
import io.ams.sfu.auth.JoinTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the sidecar process in the middle of a Chromium meeting (the engine stays up, in this JVM):
 * the web clients rejoin by themselves once a sidecar listens again on the same ports with the same
 * key, and the engine's room, left with the dead sidecar's participants, ends up with exactly the two
 * that rejoined. SidecarRestartIT covers the rest of the rejoin story (a refused rejoin, a media
 * failure) with a sidecar closed in-process; this one prints the time until the room is whole.
 */
class SidecarKillIT {
    static final String ROOM = "sidecar-kill-it";

    @TempDir
    Path dir;

    @Test
    void clientsRejoinAfterKillNineOfTheSidecar() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int enginePort = FreePorts.tcp();
        Engine engine = Engine.start(new EngineConfig("127.0.0.1", enginePort, "127.0.0.1", 0, 0,
                EngineConfig.BackendChoice.CPU, dir.resolve("recordings")));
        Path data = Files.createDirectories(dir.resolve("sidecar-data"));
        JoinTokens tokens = new JoinTokens(JoinTokens.loadOrCreateKey(data.resolve("token.key"))); // the sidecar's key
        int http = FreePorts.tcp();
        int media = FreePorts.udp();
        String[] mix = {"--mix-size", Meeting.MIX_W + "x" + Meeting.MIX_H, "--mix-fps", "15"};
        AmsProcess sidecar = AmsProcess.sidecar(dir, data, http, media, "127.0.0.1:" + enginePort, mix);
        try (Browser a = browser("a", "E01E1E");
             Browser b = browser("b", "1EC81E")) {
            List<Browser> both = List.of(a, b);
            a.open(url(http, tokens, "a"));
            b.open(url(http, tokens, "b"));
            for (Browser x : both) {
                assertThat(Meeting.await(40, () -> decoded(x, "main") > 10 && decoded(x, "mix") > 10))
                        .as(x.label + " receives main and mix: " + x.stats() + " errors " + x.field("errors")).isTrue();
            }

            sidecar.kill9();
            for (Browser x : both) {
                assertThat(Meeting.await(15, () -> "reconnecting".equals(x.state())))
                        .as(x.label + " is reconnecting: " + x.state()).isTrue();
            }
            assertThat(engineParticipants(engine)).as("the engine still holds the dead sidecar's participants").isEqualTo(2);

            long t0 = System.nanoTime();
            sidecar = startAgain(data, http, media, "127.0.0.1:" + enginePort, mix);
            double started = since(t0);
            long t1 = System.nanoTime();
            for (Browser x : both) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state()) && number(x, "reconnects") >= 1))
                        .as(x.label + " rejoins by itself: " + x.state() + ", errors " + x.field("errors")).isTrue();
            }
            double rejoined = since(t1);
            for (Browser x : both) {
                long main = decoded(x, "main");
                long mixFrames = decoded(x, "mix");
                assertThat(Meeting.await(40, () -> decoded(x, "main") > main + 15 && decoded(x, "mix") > mixFrames + 15))
                        .as(x.label + " receives main and mix again: " + x.stats()).isTrue();
            }
            double whole = since(t1);
            assertThat(Meeting.await(20, () -> engineParticipants(engine) == 2))
                    .as("the engine's room has the two rejoined participants only: " + engineParticipants(engine)).isTrue();
            System.out.printf("fault kill -9 sidecar: a new sidecar listened %.1f s after it was started; the clients had"
                    + " rejoined %.1f s and both received main and mix %.1f s after it listened%n", started, rejoined, whole);
        } finally {
            sidecar.close();
            engine.close();
        }
    }

    /** The killed sidecar's ports may take a moment to be free again. */
    private AmsProcess startAgain(Path data, int http, int media, String engine, String[] mix) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return AmsProcess.sidecar(dir, data, http, media, engine, mix);
            } catch (IllegalStateException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static String url(int http, JoinTokens tokens, String name) {
        return "http://127.0.0.1:" + http + "/?room=" + ROOM + "&name=" + name + "&token="
                + URLEncoder.encode(tokens.issue(ROOM, name, Duration.ofMinutes(30)), StandardCharsets.UTF_8);
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    private static int engineParticipants(Engine engine) {
        for (Room r : engine.rooms().list()) {
            if (r.id().equals(ROOM)) {
                return r.participantList().size();
            }
        }
        return -1;
    }

    private static long number(Browser b, String field) {
        Object o = b.field(field);
        return o instanceof Number n ? n.longValue() : -1;
    }

    private static long decoded(Browser b, String which) {
        Map<String, Object> s = b.stats();
        if (s == null || !(s.get(which) instanceof Map<?, ?> m)) {
            return 0;
        }
        return ((Number) m.get("framesDecoded")).longValue();
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
