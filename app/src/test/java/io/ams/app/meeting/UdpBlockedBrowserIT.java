package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.P2pSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Really blocked UDP: a green headless Chromium runs in a network namespace whose link carries TCP only
 * ({@link UdpBlockedNetwork}), a red one on this host. Through a real coturn ({@link Coturn}, listening on the
 * link's address too) over TURN/TCP and TURN/TLS (the page's {@code ?relay=tcp|tls}), and with no relay
 * policy at all over ICE-TCP to the sidecar's {@code --ice-tcp-port}, green decodes main and mix and sees
 * red as main; its selected pair (getStats) proves the path, and in the ICE-TCP case the namespace's filter
 * counts the UDP checks it dropped (with a relay policy the page sends no UDP at all). Skipped, with the reason, where namespaces or tc are not available.
 */
class UdpBlockedBrowserIT {
    static final String ROOM = "udp-blocked-it";
    static final int[] RED = {230, 30, 30};

    @TempDir
    static Path dir;
    static UdpBlockedNetwork net;
    static Coturn coturn;
    static Meeting meeting;
    static Browser red;
    static Path greenVideo;
    static Path silence;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(Coturn.available(), "coturn's turnserver is not installed (.ci/run installs the coturn package)");
        StringBuilder whyNot = new StringBuilder();
        net = UdpBlockedNetwork.create(dir, whyNot);
        if (net == null) {
            System.out.println("UdpBlockedBrowserIT skipped: no network namespace with a UDP filter here: " + whyNot);
        }
        assumeTrue(net != null, "no network namespace with a UDP filter here: " + whyNot);
        coturn = new Coturn(dir, net.hostAddress);
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID), P2pSettings.off(),
                true, sc -> sc.withHttpHost(net.hostAddress).withIce(coturn.iceServers(net.hostAddress, Duration.ofHours(1)), 0));
        red = new Browser("red", FakeMedia.colourWithNoise(dir, "red", "E61E1E", 640, 360, 15), FakeMedia.tone(dir, "red", 0.8),
                Files.createDirectories(dir.resolve("profile-red")), false, Browser.CHROMIUM, List.of(secureOrigin()));
        red.open(url("red", ""));
        greenVideo = FakeMedia.colourWithNoise(dir, "green", "1EC81E", 640, 360, 15);
        silence = FakeMedia.tone(dir, "green", 0);
    }

    /** The page is plain HTTP on the link's address: let Chromium give it the camera as on localhost. */
    static String secureOrigin() {
        return "--unsafely-treat-insecure-origin-as-secure=http://" + net.hostAddress + ":" + meeting.server.sidecar().httpPort();
    }

    static String url(String name, String query) {
        return meeting.server.sidecar().joinUrl(net.hostAddress, ROOM, name) + query;
    }

    @AfterAll
    static void stop() throws Exception {
        if (red != null) {
            red.close();
        }
        if (meeting != null) {
            meeting.close();
        }
        if (coturn != null) {
            coturn.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void turnOverTcp() throws Exception {
        Map<String, Object> local = (Map<String, Object>) join("tcp", "&relay=tcp").get("local");
        assertThat(local.get("candidateType")).as(local.toString()).isEqualTo("relay");
        assertThat(local.get("relayProtocol")).as(local.toString()).isEqualTo("tcp");
    }

    @Test
    @SuppressWarnings("unchecked")
    void turnOverTls() throws Exception {
        Map<String, Object> local = (Map<String, Object>) join("tls", "&relay=tls").get("local");
        assertThat(local.get("candidateType")).as(local.toString()).isEqualTo("relay");
        assertThat(local.get("relayProtocol")).as(local.toString()).isEqualTo("tls");
    }

    @Test
    @SuppressWarnings("unchecked")
    void iceTcpWithoutAnyRelayPolicy() throws Exception {
        long droppedBefore = net.udpDropped();
        Map<String, Object> pair = join("ice-tcp", "");
        assertThat(net.udpDropped()).as("the namespace dropped green's UDP checks").isGreaterThan(droppedBefore);
        Map<String, Object> local = (Map<String, Object>) pair.get("local");
        Map<String, Object> remote = (Map<String, Object>) pair.get("remote");
        assertThat(local.get("protocol")).as(pair.toString()).isEqualTo("tcp");
        assertThat(local.get("candidateType")).as("a host TCP candidate, not a relay: " + pair).isIn("host", "prflx");
        assertThat(remote.get("address")).as(pair.toString()).isEqualTo(net.hostAddress);
        assertThat(((Number) remote.get("port")).intValue()).as(pair.toString())
                .isEqualTo(meeting.server.sidecar().iceTcpPort());
    }

    /** Green joins from the namespace, decodes main and mix, sees red as main; its selected pair. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> join(String label, String query) throws Exception {
        try (Browser green = new Browser("green-" + label, greenVideo, silence,
                Files.createDirectories(dir.resolve("profile-green-" + label)), true, net.browserBinary,
                List.of("--remote-debugging-pipe", secureOrigin()))) {
            green.open(url("green-" + label, query));
            assertThat(Meeting.await(60, () -> green.framesDecoded("main") > 20 && green.framesDecoded("mix") > 20))
                    .as(label + ": green decodes main and mix with UDP blocked: " + green.stats()).isTrue();
            assertThat(Meeting.await(20, () -> Meeting.near(green.sample("main", 0.5, 0.5), RED, 60)))
                    .as(label + ": green sees red as main: " + green.sample("main", 0.5, 0.5)).isTrue();
            Map<String, Object> pair = (Map<String, Object>) green.stats().get("selectedPair");
            assertThat(pair).as(label + ": a selected pair").isNotNull();
            return pair;
        }
    }
}
