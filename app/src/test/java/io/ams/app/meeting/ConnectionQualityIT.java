package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.app.Cli;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.quality.ParticipantQuality;
import io.ams.sfu.room.RoomSnapshot;
import io.ams.sfu.room.SfuRoom;
import io.ams.sfu.sdp.OfferBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection quality end to end: an aiortc participant sends its camera through a UDP NAT that can
 * lose one packet in {@value #PERIOD} of it (first transmissions only: the sidecar's NACK repair
 * still fills every gap, and the uplink quality must show the loss anyway). A headless Chromium
 * observer and the aiortc participant itself read the {@code quality} messages. With the loss
 * switched on, the lossy participant's uplink must read poor or bad on every client within
 * {@value #FALL_SECONDS} s (in {@code window.amsClient.quality}, and in the bars and tooltip next to
 * its name), and good again after the loss stops. The browser's own downlink must be measured
 * (its receiver reports answer our sender reports with LSR/DLSR: RTT known).
 */
class ConnectionQualityIT {
    static final String ROOM = "quality-it";
    static final int PERIOD = 10;
    static final int FALL_SECONDS = 5;
    static final int RECOVER_SECONDS = 20;
    static final Set<String> GOOD = Set.of("good", "excellent");
    static final Set<String> POOR = Set.of("poor", "bad");

    @TempDir
    Path dir;

    @Test
    void uplinkLossReadsPoorOnEveryClientAndRecovers() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // no engine: quality is measured by the relay
        }
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed);
        Path y4m = FakeMedia.colour(dir, "observer", "1E1EE6", 320, 240, 15);
        Path wav = FakeMedia.tone(dir, "observer", 0);
        try (Sidecar sidecar = Sidecar.start(sc);
             LossyNat nat = new LossyNat(OfferBuilder.VP8_PT, 0, 3);
             AiortcParticipant lossy = new AiortcParticipant(sidecar.httpPort(), ROOM, "lossy",
                     sidecar.tokens().issue(ROOM, "lossy", Duration.ofMinutes(5)), new int[] {230, 230, 30},
                     dir.resolve("lossy.log"), nat);
             Browser observer = new Browser("observer", y4m, wav, Files.createDirectories(dir.resolve("profile")))) {
            observer.open(sidecar.joinUrl("127.0.0.1", ROOM, "observer"));
            assertThat(Meeting.await(40, () -> "connected".equals(observer.state())))
                    .as("observer connected; state " + observer.state() + ", errors " + observer.field("errors")).isTrue();
            assertThat(Meeting.await(40, () -> peer(sidecar, "lossy") != null && peer(sidecar, "lossy").rtpIn() > 100))
                    .as("the lossy participant's media reaches the sidecar; " + nat.describe()).isTrue();
            String lossyId = peer(sidecar, "lossy").id();
            String observerId = peer(sidecar, "observer").id();

            // before any loss: good everywhere, and the downlinks are measured from receiver reports
            assertThat(Meeting.await(20, () -> GOOD.contains(uplinkLevelInBrowser(observer, lossyId))
                    && GOOD.contains(uplinkLevelInAiortc(lossy, lossyId))))
                    .as("without loss the lossy participant's uplink reads good: browser " + quality(observer)
                            + ", aiortc " + lastQuality(lossy) + ", server " + sidecar.rooms().get(ROOM).quality())
                    .isTrue();
            assertThat(Meeting.await(20, () -> {
                ParticipantQuality o = sidecar.rooms().get(ROOM).quality().get(observerId);
                ParticipantQuality l = sidecar.rooms().get(ROOM).quality().get(lossyId);
                return o != null && !Double.isNaN(o.downlink().rttMs()) && l != null && !Double.isNaN(l.downlink().rttMs());
            })).as("Chromium's and aiortc's receiver reports give an RTT (our SRs arrive): " + sidecar.rooms().get(ROOM).quality())
                    .isTrue();
            Map<String, ParticipantQuality> before = sidecar.rooms().get(ROOM).quality();
            assertThat(observer.js("return document.querySelector('#my-quality .quality').dataset.level"))
                    .as("the observer's own bars").isIn("excellent", "good");

            // 10% loss on: poor or bad on every client within 5 s
            nat.setLoss(PERIOD);
            long on = System.nanoTime();
            assertThat(Meeting.await(FALL_SECONDS, () -> POOR.contains(uplinkLevelInBrowser(observer, lossyId))
                    && POOR.contains(uplinkLevelInAiortc(lossy, lossyId))))
                    .as("with 1 in " + PERIOD + " camera packets lost the uplink reads poor or worse within " + FALL_SECONDS
                            + " s: browser " + quality(observer) + ", aiortc " + lastQuality(lossy) + ", NAT dropped "
                            + nat.videoDropped.get())
                    .isTrue();
            double fell = (System.nanoTime() - on) / 1e9;
            Map<String, ParticipantQuality> lossyNow = sidecar.rooms().get(ROOM).quality();
            String tooltip = (String) observer.js("const e = document.querySelector('#participants li[data-id=\"' + arguments[0]"
                    + " + '\"] .quality'); return e ? e.dataset.level + ' | ' + e.title : null;", lossyId);
            assertThat(tooltip).as("the bars next to the lossy participant's name").isNotNull();
            assertThat(tooltip.split(" \\| ")[0]).isIn("poor", "bad");
            assertThat(tooltip).contains("Lossy's upload is losing").contains("% of packets");
            assertThat(lossyNow.get(lossyId).uplink().lossPercent()).as("loss before repair").isBetween(5.0, 15.0);
            Cli.Result ctl = Cli.run("ctl", "sfu", "--sfu", "127.0.0.1:" + sidecar.grpcPort(), "get", ROOM);
            assertThat(ctl.exit()).as(ctl.err()).isZero();
            assertThat(ctl.out()).contains("connection quality").containsPattern("(poor|bad) \\d+: losing");

            // loss off: good again once the slow recovery has climbed back
            nat.setLoss(0);
            long off = System.nanoTime();
            assertThat(Meeting.await(RECOVER_SECONDS, () -> GOOD.contains(uplinkLevelInBrowser(observer, lossyId))
                    && GOOD.contains(uplinkLevelInAiortc(lossy, lossyId))))
                    .as("after the loss stops the uplink reads good again: browser " + quality(observer) + ", aiortc "
                            + lastQuality(lossy))
                    .isTrue();
            double rose = (System.nanoTime() - off) / 1e9;
            RoomSnapshot.PeerSnapshot p = peer(sidecar, "lossy");
            System.out.printf("connection quality: before %s; 1 in %d lost -> poor on every client after %.1f s (%s;"
                            + " tooltip '%s'); good again %.1f s after the loss stopped; NAT dropped %d, sidecar recovered %d;"
                            + " ctl:%n%s%n", before, PERIOD, fell, lossyNow.get(lossyId), tooltip, rose,
                    nat.videoDropped.get(), p.uplinkRecovered(), ctl.out());
        }
    }

    /**
     * The same with a Chromium sender behind the NAT (simulcast and RTX: the NAT drops first transmissions
     * of every layer, retransmissions on the RTX stream pass), seen by a Chromium observer and by the lossy
     * participant's own page (its bars for itself).
     */
    @Test
    void aChromiumSendersUplinkLossReadsPoorOnEveryClientAndRecovers() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, 0).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed);
        try (Sidecar sidecar = Sidecar.start(sc);
             LossyNat nat = new LossyNat(OfferBuilder.VP8_PT, 0, 3);
             Browser lossy = new Browser("lossy", FakeMedia.colourWithNoise(dir, "lossy", "E6E61E", 640, 360, 15),
                     FakeMedia.tone(dir, "lossy", 0.8), Files.createDirectories(dir.resolve("profile-lossy")));
             Browser observer = new Browser("observer", FakeMedia.colour(dir, "observer", "1E1EE6", 320, 240, 15),
                     FakeMedia.tone(dir, "observer", 0), Files.createDirectories(dir.resolve("profile-observer")))) {
            java.net.InetAddress ip = io.ams.sfu.signal.HostAddresses.reachable().stream()
                    .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElseThrow();
            nat.forServer(new java.net.InetSocketAddress(ip, sidecar.mediaPort()));
            lossy.beforeEachPage(nat.browserHook()).open(sidecar.joinUrl("127.0.0.1", ROOM, "lossy"));
            observer.open(sidecar.joinUrl("127.0.0.1", ROOM, "observer"));
            for (Browser b : List.of(lossy, observer)) {
                assertThat(Meeting.await(40, () -> "connected".equals(b.state())))
                        .as(b.label + " connected; state " + b.state() + ", errors " + b.field("errors") + "; " + nat.describe()).isTrue();
            }
            assertThat(Meeting.await(20, () -> nat.videoPassed.get() > 200)).as("the camera passes the NAT: " + nat.describe()).isTrue();
            String lossyId = peer(sidecar, "lossy").id();
            assertThat(Meeting.await(20, () -> GOOD.contains(uplinkLevelInBrowser(observer, lossyId))
                    && GOOD.contains(uplinkLevelInBrowser(lossy, lossyId))))
                    .as("without loss: good; observer " + quality(observer) + ", own page " + quality(lossy)).isTrue();

            nat.setLoss(PERIOD);
            long on = System.nanoTime();
            assertThat(Meeting.await(FALL_SECONDS, () -> POOR.contains(uplinkLevelInBrowser(observer, lossyId))
                    && POOR.contains(uplinkLevelInBrowser(lossy, lossyId))))
                    .as("1 in " + PERIOD + " lost: poor within " + FALL_SECONDS + " s on both pages: observer " + quality(observer)
                            + ", own page " + quality(lossy) + "; NAT dropped " + nat.videoDropped.get() + ", RTX passed "
                            + nat.retransmissionsPassed.get())
                    .isTrue();
            double fell = (System.nanoTime() - on) / 1e9;
            assertThat((String) lossy.js("return document.querySelector('#my-quality .quality').dataset.level"))
                    .as("the lossy participant's own bars").isIn("poor", "bad");
            // a few seconds of it: the loss the server measures is the NAT's. One reading of a short window can hold
            // too few packets on a loaded machine (a fresh-clone CI run read 1 of 24 = 4.2 %), so the readings of the
            // next 10 s must reach the NAT's rate; the last one is what the message shows
            Meeting.await(10, () -> {
                double l = sidecar.rooms().get(ROOM).quality().get(lossyId).uplink().lossPercent();
                return l >= 5.0 && l <= 15.0;
            });
            assertThat(sidecar.rooms().get(ROOM).quality().get(lossyId).uplink().lossPercent()).as("loss before repair: "
                    + sidecar.rooms().get(ROOM).quality().get(lossyId) + "; NAT dropped " + nat.videoDropped.get() + ", passed "
                    + nat.videoPassed.get() + "; camera " + peer(sidecar, "lossy").camera() + "; browser " + lossy.stats().get("outboundLayers"))
                    .isBetween(5.0, 15.0);
            assertThat(POOR.contains(uplinkLevelInBrowser(observer, lossyId))).as("still poor while the loss lasts").isTrue();
            assertThat(peer(sidecar, "lossy").uplinkRecovered()).as("the NACK repair filled the gaps (RTX)").isPositive();

            // smart scale-down (issue 7 part 5, UplinkGuard): 2 s of a poor uplink leave off the top layer, 2 s of a bad one
            // everything but the smallest. 1 in 10 lost reads poor, on a loaded machine now and then bad, so what must hold
            // either way: the top layer off, the smallest on
            assertThat(Meeting.await(10, () -> Boolean.FALSE.equals(layerActive(lossy, "f")) && Boolean.TRUE.equals(layerActive(lossy, "q"))))
                    .as("the lossy camera is asked to leave off its top layer: " + lossy.field("sendConstraints")).isTrue();
            double scaledDown = (System.nanoTime() - on) / 1e9;

            nat.setLoss(0);
            long off = System.nanoTime();
            assertThat(Meeting.await(RECOVER_SECONDS, () -> GOOD.contains(uplinkLevelInBrowser(observer, lossyId))
                    && GOOD.contains(uplinkLevelInBrowser(lossy, lossyId))))
                    .as("good again after the loss stops: observer " + quality(observer)).isTrue();
            // one layer back per 10 s of good upload: 10 s after a poor spell, 20 s after a bad one
            assertThat(Meeting.await(35, () -> Boolean.TRUE.equals(layerActive(lossy, "f"))))
                    .as("after good upload again its top layer comes back: " + lossy.field("sendConstraints")).isTrue();
            System.out.printf("connection quality (Chromium sender): asked to leave off its top layer %.1f s after the loss began;"
                    + " top layer back %.1f s after the loss stopped%n", scaledDown, (System.nanoTime() - off) / 1e9);
            System.out.printf("connection quality (Chromium sender): poor on both pages after %.1f s, good again %.1f s after;"
                    + " NAT dropped %d, RTX passed %d%n", fell, (System.nanoTime() - off) / 1e9, nat.videoDropped.get(),
                    nat.retransmissionsPassed.get());
        }
    }

    /** Whether the server's last constraints message asks the browser to send layer {@code rid}; null if not said. */
    private static Boolean layerActive(Browser b, String rid) {
        return (Boolean) b.js("const c = window.amsClient && window.amsClient.sendConstraints;"
                + " const e = c && (c.video || []).find((x) => x.rid === arguments[0]); return e ? !!e.active : null;", rid);
    }

    private static String uplinkLevelInBrowser(Browser b, String id) {
        return (String) b.js("const q = window.amsClient && window.amsClient.quality[arguments[0]];"
                + " return q ? q.uplink.level : null;", id);
    }

    private static Object quality(Browser b) {
        return b.js("return window.amsClient ? JSON.stringify(window.amsClient.quality) : null;");
    }

    private static JsonNode lastQuality(AiortcParticipant a) {
        List<JsonNode> all = a.fromServer;
        for (int i = all.size() - 1; i >= 0; i--) {
            if ("quality".equals(all.get(i).path("type").asText())) {
                return all.get(i);
            }
        }
        return null;
    }

    private static String uplinkLevelInAiortc(AiortcParticipant a, String id) {
        JsonNode q = lastQuality(a);
        if (q == null) {
            return null;
        }
        for (JsonNode p : q.path("participants")) {
            if (id.equals(p.path("id").asText())) {
                return p.path("uplink").path("level").asText();
            }
        }
        return null;
    }

    private static RoomSnapshot.PeerSnapshot peer(Sidecar sidecar, String name) {
        SfuRoom room = sidecar.rooms().get(ROOM);
        return room == null ? null : room.snapshot().peers().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
