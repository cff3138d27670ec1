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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Really blocked UDP: a green headless Chromium runs in a network namespace whose link carries TCP only
 * ({@link UdpBlockedNetwork}), a red one on this host. Through a real coturn ({@link Coturn}, listening on the
 * link's address too) over TURN/TCP and TURN/TLS (the page's {@code ?relay=tcp|tls}), and, with no relay
 * policy and no TURN server given to the page, over ICE-TCP to the sidecar's {@code --ice-tcp-port}, green
 * decodes main and mix and sees red as main; its selected pair (getStats) proves the path, and in the
 * ICE-TCP case the namespace's filter counts the UDP checks it dropped (with a relay policy the page sends
 * no UDP at all). Skipped, with the reason printed, where namespaces or tc are not available.
 */
class UdpBlockedBrowserIT {
    static final String ROOM = "udp-blocked-it";

    /** No TURN server for the page: ICE-TCP is then its only path (with TURN, Chromium may pick a TCP relay). */
    static final String NO_TURN = """
            (() => {
              const Orig = window.RTCPeerConnection;
              window.RTCPeerConnection = class extends Orig {
                constructor(cfg) { super({ ...(cfg || {}), iceServers: [] }); }
              };
            })();
            """;

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

    /** TURN/TCP and TURN/TLS (TURN/UDP cannot work here): a relay of that kind. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp", "tls"})
    @SuppressWarnings("unchecked")
    void throughTurn(String relay) throws Exception {
        Map<String, Object> local = (Map<String, Object>) join(relay, "&relay=" + relay, null).get("local");
        assertThat(local.get("candidateType")).as(local.toString()).isEqualTo("relay");
        assertThat(local.get("relayProtocol")).as(local.toString()).isEqualTo(relay);
    }

    @Test
    @SuppressWarnings("unchecked")
    void iceTcpWithoutTurn() throws Exception {
        long droppedBefore = net.udpDropped();
        Map<String, Object> pair = join("ice-tcp", "", NO_TURN);
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
    private Map<String, Object> join(String label, String query, String hook) throws Exception {
        try (Browser green = new Browser("green-" + label, greenVideo, silence,
                Files.createDirectories(dir.resolve("profile-green-" + label)), true, net.browserBinary,
                List.of("--remote-debugging-pipe", secureOrigin()))) {
            if (hook != null) {
                green.beforeEachPage(hook);
            }
            return RestrictiveNetworksBrowserIT.meetsRed(green, url("green-" + label, query), label, coturn);
        }
    }
}
