package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.bwe.BweStats;
import io.ams.sfu.room.RoomSnapshot;
import io.ams.sfu.room.SfuRoom;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Send-side estimation of the downlink with a real Chromium receiver: the sidecar stamps its own
 * transport-wide sequence numbers on what it relays to the viewer, Chrome's transport-cc feedback about
 * them reaches the viewer's estimator, and the estimate on loopback is sane (a few hundred kbps or more,
 * nothing refused). Without an engine: what flows to the viewer is the noisy sender's camera and audio.
 */
class DownlinkEstimateIT {
    @TempDir
    Path dir;

    @Test
    void chromesFeedbackGivesTheViewersEstimator() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path wav = FakeMedia.tone(dir, "quiet", 0);
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed);
        try (Sidecar sidecar = Sidecar.start(sc);
             Browser sender = new Browser("noisy", FakeMedia.noise(dir, "noise", 320, 240, 15), wav,
                     Files.createDirectories(dir.resolve("profile-noisy")));
             Browser viewer = new Browser("viewer", FakeMedia.colour(dir, "viewer", "1E1EE0", 320, 240, 15), wav,
                     Files.createDirectories(dir.resolve("profile-viewer")))) {
            sender.open(sidecar.joinUrl("127.0.0.1", "dl", "noisy"));
            viewer.open(sidecar.joinUrl("127.0.0.1", "dl", "viewer"));
            assertThat(Meeting.await(40, () -> "connected".equals(sender.state()) && "connected".equals(viewer.state())))
                    .as("both connected: " + sender.state() + ", " + viewer.state()).isTrue();
            assertThat(Meeting.await(30, () -> {
                BweStats b = bwe(sidecar, "viewer");
                return b != null && b.feedbackPackets() > 50 && b.estimateBps() > 0 && b.ackedBps() > 100_000;
            })).as("the viewer's estimator gets Chrome's feedback: " + bwe(sidecar, "viewer")).isTrue();
            Thread.sleep(10_000);
            BweStats b = bwe(sidecar, "viewer");
            Map<String, Object> vs = viewer.stats();
            System.out.printf("downlink estimate of the viewer: %d kbps (%s), received %d kbps, rtt %d ms, "
                            + "%d feedback packets (%d refused, %d replayed, %d reordered), %d packets stamped, "
                            + "allocated %d kbps, main layer '%s', mix only %s; browser's own outgoing estimate %s%n",
                    b.estimateBps() / 1000, b.source(), b.ackedBps() / 1000, b.rttMs(), b.feedbackPackets(),
                    b.feedbackRefused(), b.feedbackReplayed(), b.feedbackReordered(), b.stampedPackets(),
                    b.allocatedBps() / 1000, b.mainLayer(), b.mixOnly(), vs == null ? "?" : vs.get("availableOutgoingBitrate"));
            assertThat(b.source()).isEqualTo("transport-cc");
            assertThat(b.feedbackRefused()).isZero();
            assertThat(b.estimateBps()).as("sane on loopback").isBetween(300_000L, 50_000_000L);
            assertThat(b.estimateBps()).as("at least what it carries").isGreaterThanOrEqualTo(b.ackedBps() * 8 / 10);
            // the sender is a simulcast Chromium: the allocator picks one of its layers (rid), never none on loopback
            assertThat(b.mainLayer()).as("a main layer fits").isIn("q", "h", "f");
            assertThat(b.mixOnly()).isFalse();
        }
    }

    private static BweStats bwe(Sidecar sidecar, String name) {
        SfuRoom room = sidecar.rooms().get("dl");
        if (room == null) {
            return null;
        }
        for (RoomSnapshot.PeerSnapshot p : room.snapshot().peers()) {
            if (p.name().equals(name)) {
                return p.bwe();
            }
        }
        return null;
    }
}
