package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The P2P connection of a room of two gets the same ICE servers as the server connection, with credentials
 * of its own (p2p-start): two headless Chromiums with {@code ?relay=udp} go peer to peer through a real
 * coturn on loopback, both connections (to the server and to each other) on relay candidates.
 */
class P2pTurnBrowserIT {
    static final String ROOM = "p2p-turn-it";

    @TempDir
    static Path dir;
    static Coturn coturn;
    static Meeting meeting;
    static final List<Browser> browsers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(Coturn.available(), "coturn's turnserver is not installed (.ci/run installs the coturn package)");
        coturn = new Coturn(dir);
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID),
                new P2pSettings(true, 1000, 8000, 60_000), true, sc -> sc.withIce(coturn.iceServers(Duration.ofHours(1)), -1));
        for (String[] c : new String[][] {{"red", "E61E1E"}, {"blue", "1E1EE6"}}) {
            Browser b = new Browser(c[0], FakeMedia.colour(dir, c[0], c[1], 320, 240, 15),
                    FakeMedia.tone(dir, c[0], c[0].equals("red") ? 0.8 : 0), Files.createDirectories(dir.resolve("profile-" + c[0])));
            browsers.add(b);
            b.open(meeting.url(ROOM, c[0]) + "&relay=udp");
        }
    }

    @AfterAll
    static void stop() {
        browsers.forEach(Browser::close);
        if (meeting != null) {
            meeting.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void bothConnectionsOfBothGoThroughTheRelay() throws Exception {
        for (Browser b : browsers) {
            assertThat(Meeting.await(60, () -> "p2p".equals(b.field("mediaMode"))))
                    .as(b.label + " goes peer to peer through TURN: " + meeting.room(ROOM).p2pSummary() + " errors "
                            + b.field("errors") + "\ncoturn: " + coturn.tail()).isTrue();
        }
        for (Browser b : browsers) {
            assertThat(Meeting.await(20, () -> {
                Map<String, Object> p = (Map<String, Object>) b.stats().get("p2p");
                return p != null && ((Number) p.get("framesDecoded")).longValue() > 10;
            })).as(b.label + " decodes the other's P2P video: " + b.stats().get("p2p")).isTrue();
            Map<String, Object> stats = b.stats();
            Map<String, Object> p2pPair = (Map<String, Object>) ((Map<String, Object>) stats.get("p2p")).get("selectedPair");
            Map<String, Object> serverPair = (Map<String, Object>) stats.get("selectedPair");
            assertThat(((Map<String, Object>) p2pPair.get("local")).get("candidateType")).as(b.label + " P2P: " + p2pPair)
                    .isEqualTo("relay");
            assertThat(((Map<String, Object>) serverPair.get("local")).get("candidateType"))
                    .as(b.label + " server connection: " + serverPair).isEqualTo("relay");
        }
    }
}
