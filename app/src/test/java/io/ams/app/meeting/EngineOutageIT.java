package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine goes away in the middle of a meeting and comes back: the relay of the main speaker
 * never stops, the clients are told the mix is unavailable, and once an engine answers again the room
 * is re-created in it and the mix resumes without anyone rejoining.
 */
class EngineOutageIT {
    static final String ROOM = "outage-it";

    @TempDir
    Path dir;

    @Test
    void relayContinuesWhileTheEngineIsDownAndTheMixResumes() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EngineConfig ec = new EngineConfig("127.0.0.1", port, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        Engine engine = Engine.start(ec);
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + port).withMix(new MixSettings(640, 360, 15, 600, LayoutKind.GRID));
        try (Sidecar sidecar = Sidecar.start(sc);
             Browser a = browser("a", "E01E1E");
             Browser b = browser("b", "1EC81E")) {
            a.open(sidecar.joinUrl("127.0.0.1", ROOM, "a"));
            b.open(sidecar.joinUrl("127.0.0.1", ROOM, "b"));
            for (Browser x : List.of(a, b)) {
                assertThat(Meeting.await(40, () -> decoded(x, "main") > 10 && decoded(x, "mix") > 10))
                        .as(x.label + " receives main and mix: " + x.stats() + " errors " + x.field("errors")).isTrue();
            }

            engine.close(); // the engine is gone
            for (Browser x : List.of(a, b)) {
                assertThat(Meeting.await(15, () -> Boolean.FALSE.equals(x.field("mixAvailable"))))
                        .as(x.label + " is told the mix is unavailable").isTrue();
            }
            long mainA = decoded(a, "main");
            long mainB = decoded(b, "main");
            long mixA = decoded(a, "mix");
            Thread.sleep(3000);
            assertThat(decoded(a, "main")).as("relay to a goes on without the engine").isGreaterThan(mainA + 15);
            assertThat(decoded(b, "main")).as("relay to b goes on without the engine").isGreaterThan(mainB + 15);
            assertThat(decoded(a, "mix")).as("no mix while the engine is down").isLessThan(mixA + 5);
            assertThat(sidecar.engine().connected()).isFalse();

            engine = Engine.start(ec); // back, empty: the sidecar must re-create the room
            for (Browser x : List.of(a, b)) {
                long before = decoded(x, "mix");
                assertThat(Meeting.await(30, () -> Boolean.TRUE.equals(x.field("mixAvailable")) && decoded(x, "mix") > before + 15))
                        .as(x.label + " gets the mix again: " + x.stats()).isTrue();
            }
            assertThat(engine.rooms().get(ROOM)).as("room re-created in the new engine").isNotNull();
            assertThat(a.state()).isEqualTo("connected");
        } finally {
            engine.close();
        }
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    private static long decoded(Browser b, String which) {
        Map<String, Object> s = b.stats();
        if (s == null || !(s.get(which) instanceof Map<?, ?> m)) {
            return 0;
        }
        return ((Number) m.get("framesDecoded")).longValue();
    }
}
