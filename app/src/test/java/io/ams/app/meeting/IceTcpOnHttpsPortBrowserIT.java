package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.room.P2pSettings;
import io.ams.sfu.signal.SelfSignedTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ICE-TCP through the HTTPS port ({@code --ice-tcp-port https}): the sidecar serves HTTPS on the link address of a
 * network namespace whose link drops all UDP ({@link UdpBlockedNetwork}), and announces passive TCP candidates on
 * that same port. A green headless Chromium inside the namespace loads the page over HTTPS from the port, signals
 * over WSS on it, and its media goes over ICE-TCP to it as well: the selected pair (getStats) is TCP to the HTTPS
 * port, green decodes main and mix and sees red (on this host, who speaks) as main, the namespace's filter dropped
 * green's UDP checks, and the sidecar counted the ICE-TCP connection it relayed. No TURN server is given to anyone.
 * Skipped, with the reason printed, where namespaces or tc are not available.
 */
class IceTcpOnHttpsPortBrowserIT {
    static final String ROOM = "ice-tcp-https-it";

    @TempDir
    static Path dir;
    static UdpBlockedNetwork net;
    static Meeting meeting;
    static Browser red;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        StringBuilder whyNot = new StringBuilder();
        net = UdpBlockedNetwork.create(dir, whyNot);
        if (net == null) {
            System.out.println("IceTcpOnHttpsPortBrowserIT skipped: no network namespace with a UDP filter here: " + whyNot);
        }
        assumeTrue(net != null, "no network namespace with a UDP filter here: " + whyNot);
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of(net.hostAddress));
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID), P2pSettings.off(),
                true, sc -> sc.withHttpHost(net.hostAddress).withTls(tls.certFile(), tls.keyFile())
                        .withIce(IceServers.none(), SidecarConfig.ICE_TCP_ON_HTTP_PORT));
        red = new Browser("red", FakeMedia.colourWithNoise(dir, "red", "E61E1E", 640, 360, 15), FakeMedia.tone(dir, "red", 0.8),
                Files.createDirectories(dir.resolve("profile-red")), true);
        red.open(url("red"));
        if (!Meeting.await(15, () -> meeting.room(ROOM) != null && meeting.room(ROOM).peerCount() == 1)) {
            // seen in about 1 of 4 runs after other namespace ITs in this JVM, cause not known yet: red's page (outside
            // the namespace, the helper participant, not the path under test) showed Chromium's error page at once.
            // Say what it was, then load it again as a person would.
            System.out.println("IceTcpOnHttpsPortBrowserIT: red's page did not join within 15 s, loading it again; it showed: "
                    + red.js("return location.href + ' ' + document.title + ' ' + (document.body ? document.body.innerText"
                            + ".replace(/\\s+/g, ' ').slice(0, 300) : '')") + "; signaling " + meeting.server.sidecar()
                    .signaling().stats());
            red.open(url("red"));
        }
        assertThat(Meeting.await(30, () -> meeting.room(ROOM) != null && meeting.room(ROOM).peerCount() == 1))
                .as("red joined over HTTPS: " + red.js("return location.href + ' ' + document.title")).isTrue();
    }

    static String url(String name) {
        return meeting.server.sidecar().joinUrl(net.hostAddress, ROOM, name);
    }

    @AfterAll
    static void stop() throws Exception {
        if (red != null) {
            red.close();
        }
        if (meeting != null) {
            meeting.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void greenConnectsOverIceTcpToTheHttpsPort() throws Exception {
        int httpsPort = meeting.server.sidecar().httpPort();
        assertThat(url("x")).startsWith("https://");
        assertThat(meeting.server.sidecar().iceTcpPort()).isEqualTo(httpsPort);
        long droppedBefore = net.udpDropped();
        Map<String, Object> pair;
        try (Browser green = new Browser("green", FakeMedia.colourWithNoise(dir, "green", "1EC81E", 640, 360, 15),
                FakeMedia.tone(dir, "green", 0), Files.createDirectories(dir.resolve("profile-green")), true, net.browserBinary,
                List.of("--remote-debugging-pipe"))) {
            pair = RestrictiveNetworksBrowserIT.meetsRed(green, url("green"), "ice-tcp on https", null);
        }
        System.out.println("IceTcpOnHttpsPortBrowserIT: selected pair " + pair + "; signaling " + meeting.server.sidecar()
                .signaling().stats() + "; UDP packets dropped in the namespace " + (net.udpDropped() - droppedBefore));
        Map<String, Object> local = (Map<String, Object>) pair.get("local");
        Map<String, Object> remote = (Map<String, Object>) pair.get("remote");
        assertThat(local.get("protocol")).as(pair.toString()).isEqualTo("tcp");
        assertThat(local.get("candidateType")).as("not a relay: " + pair).isIn("host", "prflx");
        assertThat(remote.get("protocol")).as(pair.toString()).isEqualTo("tcp");
        assertThat(remote.get("address")).as(pair.toString()).isEqualTo(net.hostAddress);
        assertThat(((Number) remote.get("port")).intValue()).as("the HTTPS port: " + pair).isEqualTo(httpsPort);
        assertThat(net.udpDropped()).as("the namespace dropped green's UDP checks").isGreaterThan(droppedBefore);
        assertThat(meeting.server.sidecar().signaling().stats().iceTcpRelayed.get()).isPositive();
        assertThat(meeting.server.sidecar().signaling().stats().unknownProtocol.get()).isZero();
    }
}
