package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.engine.room.Room;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.OutputType;

/**
 * The sidecar restarts in the middle of a meeting (the engine stays up): the web clients notice the
 * lost WebSocket, say they are reconnecting, and rejoin by themselves with the same link once a sidecar
 * listens again on the same ports with the same token key; their media flows on new peer connections.
 * Then a sidecar with another key comes back: the old links are refused, and the clients stop there
 * instead of trying again and again.
 */
class SidecarRestartIT {
    static final String ROOM = "restart-it";

    @TempDir
    Path dir;

    @Test
    void clientsRejoinAfterASidecarRestartAndStopWhenTheRejoinIsRefused() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int enginePort = FreePorts.tcp();
        EngineConfig ec = new EngineConfig("127.0.0.1", enginePort, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        // fixed ports: the clients reconnect to the address of the page they were loaded from
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(FreePorts.tcp(), FreePorts.udp(), -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + enginePort).withMix(new MixSettings(640, 360, 15, 600, LayoutKind.GRID));
        Engine engine = Engine.start(ec);
        Sidecar sidecar = null;
        try (Browser a = browser("a", "E01E1E");
             Browser b = browser("b", "1EC81E")) {
            sidecar = Sidecar.start(sc);
            List<Browser> both = List.of(a, b);
            a.open(sidecar.joinUrl("127.0.0.1", ROOM, "a"));
            b.open(sidecar.joinUrl("127.0.0.1", ROOM, "b"));
            for (Browser x : both) {
                assertThat(Meeting.await(40, () -> decoded(x, "main") > 10 && decoded(x, "mix") > 10))
                        .as(x.label + " receives main and mix: " + x.stats() + " errors " + x.field("errors")).isTrue();
                assertThat(number(x, "reconnects")).isZero();
            }

            sidecar.close(); // signaling and media gone; the engine stays
            for (Browser x : both) {
                // a few attempts fail against the closed port before the sidecar is back (backoff 0.5 s, 1 s, 2 s...)
                assertThat(Meeting.await(15, () -> "reconnecting".equals(x.state()) && number(x, "reconnectAttempt") >= 3))
                        .as(x.label + " is reconnecting: state " + x.state() + ", attempt " + x.field("reconnectAttempt")
                                + ", errors " + x.field("errors"))
                        .isTrue();
                assertThat(x.js("return document.getElementById('conn-state').textContent")).isEqualTo("reconnecting…");
                assertThat((String) x.js("return document.getElementById('conn-detail').textContent"))
                        .startsWith("Reconnecting (attempt ");
                assertThat(x.stats().get("main")).as("no peer connection while the sidecar is away").isNull();
            }
            // what a person sees meanwhile, kept for whoever debugs a failure: target/restart-reconnecting.png
            Files.write(Path.of("target", "restart-reconnecting.png"), a.driver.getScreenshotAs(OutputType.BYTES));

            sidecar = startOnTheSamePorts(sc);
            for (Browser x : both) {
                assertThat(Meeting.await(40, () -> "connected".equals(x.state()) && number(x, "reconnects") >= 1))
                        .as(x.label + " rejoins by itself: state " + x.state() + ", reconnects " + x.field("reconnects")
                                + ", errors " + x.field("errors"))
                        .isTrue();
                assertThat((List<?>) x.field("errors")).as(x.label + " shows no error after a rejoin that worked").isEmpty();
                assertThat(x.js("return document.getElementById('conn-detail').textContent")).isEqualTo("");
            }
            for (Browser x : both) {
                // the counters of the new peer connection start again at 0: compare with values taken after the rejoin
                long main = decoded(x, "main");
                long mix = decoded(x, "mix");
                assertThat(Meeting.await(30, () -> decoded(x, "main") > main + 15 && decoded(x, "mix") > mix + 15))
                        .as(x.label + " receives main and mix again: " + x.stats()).isTrue();
            }
            Sidecar restarted = sidecar;
            assertThat(Meeting.await(10, () -> restarted.rooms().get(ROOM).size() == 2))
                    .as("both are in the sidecar's room: " + restarted.rooms().get(ROOM).snapshot()).isTrue();
            assertThat(Meeting.await(10, () -> engineParticipants(engine) == 2))
                    .as("both are in the engine's room: " + engineParticipants(engine)).isTrue();

            // the media path of one client breaks while its WebSocket stays up (a network change): it leaves and
            // rejoins under the same name while the server still tears its old session down; the other stays
            a.js("const pc = window.amsClient.pc;"
                    + "Object.defineProperty(pc, 'connectionState', { get: () => 'failed' });"
                    + "pc.onconnectionstatechange();");
            assertThat(Meeting.await(30, () -> "connected".equals(a.state()) && number(a, "reconnects") >= 2))
                    .as("a rejoins after its media failed: state " + a.state() + ", reconnects " + a.field("reconnects")
                            + ", errors " + a.field("errors"))
                    .isTrue();
            long mainA = decoded(a, "main");
            long mixA = decoded(a, "mix");
            assertThat(Meeting.await(30, () -> decoded(a, "main") > mainA + 15 && decoded(a, "mix") > mixA + 15))
                    .as("a receives main and mix after its rejoin: " + a.stats()).isTrue();
            assertThat(Meeting.await(10, () -> restarted.rooms().get(ROOM).size() == 2))
                    .as("a's old session is gone, its new one is there: " + restarted.rooms().get(ROOM).snapshot()).isTrue();
            assertThat(Meeting.await(10, () -> engineParticipants(engine) == 2)).isTrue();
            assertThat(b.state()).isEqualTo("connected");
            assertThat(number(b, "reconnects")).as("b was not disturbed").isEqualTo(1);

            // a sidecar with a new key (another data folder) no longer knows the links: refused, and final
            sidecar.close();
            sidecar = startOnTheSamePorts(SidecarConfig.defaults(dir.resolve("other-key")).withP2p(io.ams.sfu.room.P2pSettings.off())
                    .withPorts(sc.httpPort(), sc.mediaPort(), -1).withHttpHost("127.0.0.1")
                    .withEngine("127.0.0.1:" + enginePort).withMix(sc.mix()));
            for (Browser x : both) {
                assertThat(Meeting.await(40, () -> "refused".equals(x.state())))
                        .as(x.label + " is refused: state " + x.state() + ", errors " + x.field("errors")).isTrue();
                assertThat(lastErrorCode(x)).isEqualTo("token_invalid");
                assertThat((String) x.js("return document.getElementById('errors').textContent"))
                        .contains("Your join link is not valid for this room");
            }
            long connections = sidecar.signaling().stats().connections.get();
            Thread.sleep(5000); // longer than the next backoff delays would be
            for (Browser x : both) {
                assertThat(x.state()).isEqualTo("refused");
                assertThat(number(x, "reconnectAttempt")).as(x.label + " does not try again").isZero();
                assertThat(x.js("return document.getElementById('conn-state').textContent")).isEqualTo("not admitted");
            }
            assertThat(sidecar.signaling().stats().connections.get()).as("no further joins after the refusal")
                    .isEqualTo(connections);
        } finally {
            if (sidecar != null) {
                sidecar.close();
            }
            engine.close();
        }
    }

    /** The closed sidecar's listening socket may take a moment to go away: retry binding for a few seconds. */
    private static Sidecar startOnTheSamePorts(SidecarConfig sc) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return Sidecar.start(sc);
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private Browser browser(String name, String hex) throws Exception {
        Path y4m = FakeMedia.colour(dir, name, hex, 320, 240, 15);
        Path wav = FakeMedia.tone(dir, name, 0);
        return new Browser(name, y4m, wav, Files.createDirectories(dir.resolve("profile-" + name)));
    }

    private static int engineParticipants(Engine engine) {
        Room r = engine.rooms().get(ROOM);
        return r == null ? -1 : r.participantList().size();
    }

    private static long number(Browser b, String field) {
        Object o = b.field(field);
        return o instanceof Number n ? n.longValue() : -1;
    }

    @SuppressWarnings("unchecked")
    private static String lastErrorCode(Browser b) {
        List<Map<String, Object>> errors = (List<Map<String, Object>>) b.field("errors");
        return errors == null || errors.isEmpty() ? null : (String) errors.get(errors.size() - 1).get("code");
    }

    private static long decoded(Browser b, String which) {
        Map<String, Object> s = b.stats();
        if (s == null || !(s.get(which) instanceof Map<?, ?> m)) {
            return 0;
        }
        return ((Number) m.get("framesDecoded")).longValue();
    }
}
