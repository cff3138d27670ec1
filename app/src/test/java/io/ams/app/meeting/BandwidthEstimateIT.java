package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's transport-cc feedback closes Chrome's congestion-control loop: a participant whose
 * camera is hard to compress (noise) starts at Chrome's 300 kbps estimate and climbs well above it.
 * The sidecar sends no REMB and no receiver reports to senders, so the transport-cc feedback is the
 * only thing that can raise the estimate. A working loop, not a speed figure: the threshold is only
 * one and a half times the starting point (without feedback the estimate stays at the start). Chrome's
 * estimate grows only as far as the encoder fills it: a fresh-clone CI run, its encoder starved to 5 fps
 * by the rest of the suite, read 530-550 kbps (below twice the start) for 45 s.
 */
class BandwidthEstimateIT {
    static final double START_BPS = 300_000;

    @TempDir
    Path dir;

    @Test
    void theSendersEstimateGrowsWithOurFeedback() throws Exception {
        assumeTrue(Browser.available(), "Debian chromium and chromium-driver are not installed (.ci/run installs them)");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // no engine: the feedback is the sidecar's own
        }
        Path wav = FakeMedia.tone(dir, "quiet", 0);
        SidecarConfig sc = SidecarConfig.defaults(dir).withP2p(io.ams.sfu.room.P2pSettings.off()).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed);
        try (Sidecar sidecar = Sidecar.start(sc);
             Browser sender = new Browser("noisy", FakeMedia.noise(dir, "noise", 320, 240, 15), wav,
                     Files.createDirectories(dir.resolve("profile-noisy")));
             Browser viewer = new Browser("viewer", FakeMedia.colour(dir, "viewer", "1E1EE0", 320, 240, 15), wav,
                     Files.createDirectories(dir.resolve("profile-viewer")))) {
            sender.open(sidecar.joinUrl("127.0.0.1", "bwe", "noisy"));
            viewer.open(sidecar.joinUrl("127.0.0.1", "bwe", "viewer"));
            assertThat(Meeting.await(40, () -> "connected".equals(sender.state()) && "connected".equals(viewer.state())))
                    .as("both connected: " + sender.state() + ", " + viewer.state()).isTrue();
            double first = estimate(sender);
            assertThat(Meeting.await(45, () -> estimate(sender) > 1.5 * START_BPS))
                    .as("the noisy sender's estimate climbs above 1.5 times the start (first " + first + "): " + sender.stats())
                    .isTrue();
            Map<String, Object> s = sender.stats();
            System.out.printf("bandwidth estimate: %.0f kbps (started at %.0f), outbound video %s%n",
                    estimate(sender) / 1000, first / 1000, ((Map<?, ?>) s.get("outbound")).get("video"));
        }
    }

    private static double estimate(Browser b) {
        Map<String, Object> s = b.stats();
        return s != null && s.get("availableOutgoingBitrate") instanceof Number n ? n.doubleValue() : 0;
    }
}
