package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.RoomSnapshot;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed audio across an engine outage (issue 9 part 3: "engine down: audio never lost"): two aiortc participants
 * (440 and 660 Hz) in a room mixed from 2 (threshold 1). The engine goes away: both go back to forwarded audio at
 * once and keep hearing each other; the engine comes back empty: the sidecar re-creates the room, points its
 * mixed audio at the room again (SetAudioOutput), learns the new mix SSRCs, and both hear the mix again on the
 * same mixed-audio section (our SSRC, continuous numbering). The longest time without audio is printed.
 */
class MixedAudioEngineRestartIT {
    static final String ROOM = "mixed-audio-restart";
    static final List<Integer> TONES = List.of(440, 660);

    @TempDir
    Path dir;

    @Test
    void audioGoesBackToForwardedWhileTheEngineIsDownAndToTheMixWhenItIsBack() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EngineConfig ec = new EngineConfig("127.0.0.1", port, "127.0.0.1", 0, 0, EngineConfig.BackendChoice.CPU,
                dir.resolve("recordings"));
        Engine engine = Engine.start(ec);
        SidecarConfig sc = SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + port)
                .withMix(new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 10, 400, LayoutKind.GRID).withAudioMixThreshold(1));
        List<AiortcParticipant> peers = new ArrayList<>();
        try (Sidecar sidecar = Sidecar.start(sc)) {
            String[] names = {"a440", "b660"};
            for (int i = 0; i < 2; i++) {
                String token = sidecar.tokens().issue(ROOM, names[i], Duration.ofMinutes(10));
                peers.add(new AiortcParticipant(sidecar.httpPort(), ROOM, names[i], token, new int[] {200, 40 + 100 * i, 40},
                        dir.resolve(names[i] + ".log"), null, TONES.get(i), TONES));
            }
            assertThat(Meeting.await(90, () -> modes(sidecar).equals(List.of("mixed", "mixed")) && hearsOther(peers, "mixed-audio")))
                    .as(() -> "both hear the mix: " + modes(sidecar) + " " + peers.get(0).audio() + " " + peers.get(1).audio()
                            + "; the engine: " + MixedAudioIT.engineAudio(port, ROOM))
                    .isTrue();
            long[] ssrcBefore = engineSsrcs(sidecar);
            for (AiortcParticipant p : peers) {
                p.resetAudioGap();
            }

            engine.close(); // the engine is gone
            assertThat(Meeting.await(10, () -> modes(sidecar).equals(List.of("forwarded", "forwarded"))))
                    .as(() -> "forwarded while the engine is down: " + modes(sidecar)).isTrue();
            assertThat(Meeting.await(10, () -> hearsOther(peers, "audio")))
                    .as(() -> "each hears the other forwarded: " + peers.get(0).audio() + " " + peers.get(1).audio()).isTrue();
            Thread.sleep(1500);
            double[] gapDown = {peers.get(0).audioGapMs(), peers.get(1).audioGapMs()};
            System.out.printf("mixed audio (engine restart): longest gap when the engine went away: %.0f ms, %.0f ms%n",
                    gapDown[0], gapDown[1]);
            for (AiortcParticipant p : peers) {
                p.resetAudioGap();
            }

            engine = Engine.start(ec); // back, empty
            assertThat(Meeting.await(60, () -> modes(sidecar).equals(List.of("mixed", "mixed")) && hearsOther(peers, "mixed-audio")))
                    .as(() -> "the mix again after the engine restart: " + modes(sidecar) + " " + peers.get(0).audio() + " "
                            + peers.get(1).audio() + "; the engine: " + MixedAudioIT.engineAudio(port, ROOM)).isTrue();
            Thread.sleep(1500);
            double[] gapUp = {peers.get(0).audioGapMs(), peers.get(1).audioGapMs()};
            System.out.printf("mixed audio (engine restart): longest gap from the outage to the mix again: %.0f ms, %.0f ms%n",
                    gapUp[0], gapUp[1]);
            long[] ssrcAfter = engineSsrcs(sidecar);
            assertThat(ssrcAfter[0]).as("the new engine's mix SSRC was learnt").isNotZero().isNotEqualTo(ssrcBefore[0]);
            assertThat(ssrcAfter[1]).isNotZero().isNotEqualTo(ssrcBefore[1]);
            assertThat(engine.rooms().get(ROOM)).as("room re-created in the new engine").isNotNull();
            for (AiortcParticipant p : peers) {
                assertThat(p.fromServer.stream().filter(m -> "error".equals(m.path("type").asText())).toList()).isEmpty();
            }
            for (double g : new double[] {gapDown[0], gapDown[1], gapUp[0], gapUp[1]}) {
                assertThat(g).as("audible gap (ms)").isBetween(0.0, 300.0);
            }
        } finally {
            for (AiortcParticipant p : peers) {
                p.close();
            }
            engine.close();
        }
    }

    private static List<String> modes(Sidecar sidecar) {
        return sidecar.rooms().get(ROOM).snapshot().peers().stream().map(p -> p.audio().mode()).toList();
    }

    private static long[] engineSsrcs(Sidecar sidecar) {
        return sidecar.rooms().get(ROOM).snapshot().peers().stream().mapToLong(p -> p.audio().engineMixSsrc()).toArray();
    }

    /** Each participant hears the other's tone on one flowing track of {@code role}, and not its own. */
    private static boolean hearsOther(List<AiortcParticipant> peers, String role) {
        for (int i = 0; i < 2; i++) {
            List<JsonNode> flowing = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = peers.get(i).audio().fields(); it.hasNext(); ) {
                JsonNode t = it.next().getValue();
                if (t.path("recent").asInt() >= 25) {
                    flowing.add(t);
                }
            }
            if (flowing.size() != 1 || !role.equals(flowing.get(0).path("role").asText())) {
                return false;
            }
            JsonNode tones = flowing.get(0).path("tones");
            if (tones.path(String.valueOf(TONES.get(1 - i))).asDouble(-999) <= -12
                    || tones.path(String.valueOf(TONES.get(i))).asDouble(0) >= -20) {
                return false;
            }
        }
        return true;
    }
}
