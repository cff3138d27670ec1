package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import io.ams.sfu.room.P2pSettings;
import io.ams.sfu.transport.DtlsIdentity;
import io.ams.sfu.transport.MediaPort;
import io.ams.sfu.transport.TransportConfig;
import io.ams.sfu.transport.TurnRelays;
import java.net.DatagramSocket;
import java.net.InetAddress;
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
 * Relay candidates of the sidecar's own ICE agents ({@code --turn-relay-candidates}) through a real coturn on
 * loopback ({@link Coturn}): a peer's candidates carry a {@code typ relay} candidate on coturn's relay address
 * (allocated with credentials the sidecar minted for itself), without its own address as raddr; and a meeting
 * connects over it: green, relay-only itself ({@code ?relay=udp}) and with every non-relay candidate of the
 * server withheld by a page script, decodes main and mix and sees red as main, its selected pair's remote
 * candidate being the sidecar's relay. Bad input: a TURN server that is down costs the peer its relay
 * candidate only, within the allocation limit, counted, and the next peer does not wait for it again.
 */
class SidecarRelayBrowserIT {
    static final String ROOM = "sidecar-relay-it";

    /** Keeps only the server's relay candidates: from its offer and from what it trickles. */
    static final String ONLY_SERVER_RELAYS = """
            (() => {
              const Orig = window.RTCPeerConnection;
              const relay = (c) => / typ relay/.test(String(c || ''));
              window.RTCPeerConnection = class extends Orig {
                setRemoteDescription(d) {
                  if (d && d.sdp) d = { type: d.type, sdp: d.sdp.split('\\r\\n').filter((l) => !(l.startsWith('a=candidate:') && !relay(l))).join('\\r\\n') };
                  return super.setRemoteDescription(d);
                }
                addIceCandidate(c) {
                  if (c && c.candidate && !relay(c.candidate)) return Promise.resolve();
                  return super.addIceCandidate(c);
                }
              };
            })();
            """;

    @TempDir
    static Path dir;
    static Coturn coturn;
    static Meeting meeting;
    static Browser red;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(Coturn.available(), "coturn's turnserver is not installed (.ci/run installs the coturn package)");
        coturn = new Coturn(dir);
        meeting = new Meeting(dir, 0, new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID), P2pSettings.off(),
                true, sc -> sc.withIce(coturn.iceServers(Duration.ofHours(1)).withSidecarRelays(true), -1));
        red = new Browser("red", FakeMedia.colourWithNoise(dir, "red", "E61E1E", 640, 360, 15), FakeMedia.tone(dir, "red", 0.8),
                Files.createDirectories(dir.resolve("profile-red")));
        red.open(meeting.url(ROOM, "red"));
    }

    @AfterAll
    static void stop() {
        if (red != null) {
            red.close();
        }
        if (meeting != null) {
            meeting.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    void aPeersCandidatesCarryARelayOnCoturnsRelayAddress() throws Exception {
        try (MediaPort port = MediaPort.open(new TransportConfig("0.0.0.0", 0, List.of()), DtlsIdentity.generate())) {
            TurnRelays relays = TurnRelays.of(coturn.iceServers(Duration.ofHours(1)).withSidecarRelays(true),
                    TurnRelays.DEFAULT_TIMEOUT);
            port.useTurnRelays(relays);
            long t0 = System.nanoTime();
            List<String> candidates = port.newPeer("relay-check").localCandidates();
            System.out.println("SidecarRelayBrowserIT: a peer with a relay candidate in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms: " + candidates);
            assertThat(candidates).anyMatch(c -> c.matches(
                    "candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 \\d+ typ relay raddr 0\\.0\\.0\\.0 rport 0"));
            assertThat(candidates).as("no srflx of the relay's base").noneMatch(c -> c.contains("typ srflx"));
            assertThat(relays.candidates()).isEqualTo(1);
            assertThat(relays.failures()).isZero();
        }
        assertThat(coturn.tail()).as("coturn allocated for the sidecar's own user").contains("sidecar-relay-check");
        assertThat(Meeting.await(5, () -> coturn.tail().lines().anyMatch(l -> l.contains("sidecar-relay-check")
                && l.contains("lifetime=0")))).as("the allocation is released when the peer closes: " + coturn.tail())
                .isTrue();
        coturn.tail().lines().filter(l -> l.contains("sidecar-relay-check")).forEach(l -> System.out.println("coturn: " + l));
    }

    @Test
    void aTurnServerThatIsDownCostsOnlyTheRelayCandidate() throws Exception {
        int dead;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            dead = probe.getLocalPort();
        }
        IceServers down = new IceServers(List.of(TurnUri.parse("turn:127.0.0.1:" + dead + "?transport=udp")),
                TurnSecret.of("any"), Duration.ofHours(1)).withSidecarRelays(true);
        try (MediaPort port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of()), DtlsIdentity.generate())) {
            TurnRelays relays = TurnRelays.of(down, Duration.ofSeconds(2));
            port.useTurnRelays(relays);
            long t0 = System.nanoTime();
            List<String> first = port.newPeer("down-1").localCandidates();
            long firstMs = (System.nanoTime() - t0) / 1_000_000;
            t0 = System.nanoTime();
            List<String> second = port.newPeer("down-2").localCandidates();
            long secondMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("SidecarRelayBrowserIT: TURN server down: first peer " + firstMs + " ms, second " + secondMs + " ms");
            assertThat(first).isNotEmpty().noneMatch(c -> c.contains("typ relay")).anyMatch(c -> c.contains("typ host"));
            assertThat(second).isNotEmpty().noneMatch(c -> c.contains("typ relay"));
            assertThat(firstMs).as("bounded by the allocation limit").isLessThan(4000);
            assertThat(secondMs).as("the next peer does not wait for the dead server").isLessThan(1000);
            assertThat(relays.failures()).isEqualTo(1);
            assertThat(relays.skipped()).isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMeetingConnectsOverTheSidecarsRelayCandidate() throws Exception {
        Map<String, Object> pair;
        try (Browser green = new Browser("green", FakeMedia.colourWithNoise(dir, "green", "1EC81E", 640, 360, 15),
                FakeMedia.tone(dir, "green", 0), Files.createDirectories(dir.resolve("profile-green")), true)) {
            green.beforeEachPage(ONLY_SERVER_RELAYS);
            pair = RestrictiveNetworksBrowserIT.meetsRed(green, meeting.url(ROOM, "green") + "&relay=udp", "sidecar relay", coturn);
        }
        System.out.println("SidecarRelayBrowserIT: selected pair " + pair);
        Map<String, Object> local = (Map<String, Object>) pair.get("local");
        Map<String, Object> remote = (Map<String, Object>) pair.get("remote");
        assertThat(remote.get("candidateType")).as("the sidecar's relay: " + pair).isEqualTo("relay");
        assertThat(remote.get("address")).as("coturn's relay address: " + pair).isEqualTo("127.0.0.1");
        assertThat(local.get("candidateType")).as(pair.toString()).isEqualTo("relay");
    }
}
