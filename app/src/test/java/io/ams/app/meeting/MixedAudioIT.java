package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ams.proto.v1.LayoutKind;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.room.RoomSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed audio delivery end to end (issue 9 part 3), with the audio mix threshold at 2 so that this fits a
 * small machine: three aiortc participants send distinct tones (440, 660, 880 Hz). Two people hear each other
 * forwarded; when the third joins (more than 2), each receiver gets ONE audio stream from the server, the engine's mix, in
 * which the spectrum holds the others' tones and not its own; when one leaves, the other two go back to
 * forwarded audio without error. The longest time without audio at each switch is measured and printed.
 */
class MixedAudioIT {
    static final String ROOM = "mixed-audio";
    static final List<Integer> TONES = List.of(440, 660, 880);
    static final double PRESENT_DB = -12;
    static final double ABSENT_DB = -20;
    static final double GAP_LIMIT_MS = 200;

    @TempDir
    Path dir;

    @Test
    void overTheThresholdEachHearsOneMixWithoutItsOwnToneAndBelowItForwardedAgain() throws Exception {
        assumeTrue(AiortcParticipant.available(), "Debian python3-aiortc is not installed (.ci/run installs it)");
        MixSettings mix = new MixSettings(Meeting.MIX_W, Meeting.MIX_H, 15, 600, LayoutKind.GRID).withAudioMixThreshold(2);
        String[] names = {"a440", "b660", "c880"};
        int[][] colours = {{230, 30, 30}, {30, 230, 30}, {30, 30, 230}};
        List<AiortcParticipant> peers = new ArrayList<>();
        try (Meeting meeting = new Meeting(dir, 0, mix)) {
            int http = meeting.server.sidecar().httpPort();
            for (int i = 0; i < 2; i++) {
                peers.add(join(meeting, http, names[i], colours[i], TONES.get(i)));
            }
            assertThat(Meeting.await(60, () -> peers.stream().allMatch(p -> "connected".equals(p.state()))
                    && forwardedTracksFlowing(peers.get(0)) == 1 && forwardedTracksFlowing(peers.get(1)) == 1))
                    .as(() -> "two participants hear each other forwarded: " + audioOf(peers)).isTrue();
            assertThat(modes(meeting)).containsOnly("forwarded");
            Thread.sleep(1500);
            for (AiortcParticipant p : peers) {
                p.resetAudioGap();
            }

            peers.add(join(meeting, http, names[2], colours[2], TONES.get(2))); // the room goes over the threshold
            assertThat(Meeting.await(90, () -> modes(meeting).size() == 3 && modes(meeting).stream().allMatch("mixed"::equals)))
                    .as(() -> "every receiver switched to mixed audio: " + modes(meeting) + " " + snapshot(meeting)).isTrue();
            long mixedAt = System.nanoTime();
            double[] gapsUp = {peers.get(0).audioGapMs(), peers.get(1).audioGapMs()};
            // the newcomer's voice enters the others' mixes once its audio reaches the engine and fills its jitter buffer
            boolean heard = Meeting.await(20, () -> {
                for (int i = 0; i < 3; i++) {
                    List<JsonNode> flowing = flowing(peers.get(i));
                    if (flowing.size() != 1 || !"mixed-audio".equals(flowing.get(0).path("role").asText())) {
                        return false;
                    }
                    for (int j = 0; j < 3; j++) {
                        if (i != j && tone(flowing.get(0), j) <= PRESENT_DB) {
                            return false;
                        }
                    }
                }
                return true;
            });
            System.out.printf("mixed audio: every mix held the others' tones %s %.1f s after the last switch to mixed%n",
                    heard ? "" : "NOT", (System.nanoTime() - mixedAt) / 1e9);
            System.out.println("mixed audio: the engine's audio mix: " + engineAudio(meeting, ROOM));
            gapsUp = new double[] {Math.max(gapsUp[0], peers.get(0).audioGapMs()), Math.max(gapsUp[1], peers.get(1).audioGapMs())};
            System.out.printf("mixed audio: longest gap at forwarded -> mixed: %s %.0f ms, %s %.0f ms%n", names[0], gapsUp[0],
                    names[1], gapsUp[1]);
            for (int i = 0; i < 3; i++) {
                AiortcParticipant p = peers.get(i);
                List<JsonNode> flowing = flowing(p);
                System.out.printf("mixed audio: %s hears %s%n", names[i], flowing);
                assertThat(flowing).as(names[i] + " receives one audio stream: " + p.audio()).hasSize(1);
                JsonNode only = flowing.get(0);
                assertThat(only.path("role").asText()).isEqualTo("mixed-audio");
                for (int j = 0; j < 3; j++) {
                    if (i == j) {
                        assertThat(tone(only, j)).as(names[i] + "'s mix must not hold its own " + TONES.get(j) + " Hz: " + only)
                                .isLessThan(ABSENT_DB);
                    } else {
                        assertThat(tone(only, j)).as(names[i] + "'s mix must hold " + names[j] + "'s " + TONES.get(j) + " Hz: " + only)
                                .isGreaterThan(PRESENT_DB);
                    }
                }
            }
            assertThat(heard).isTrue();
            for (RoomSnapshot.PeerSnapshot s : snapshot(meeting).peers()) {
                assertThat(s.audio().toEngine()).as(s.name() + "'s Opus went to the engine").isPositive();
                assertThat(s.audio().mixedSent()).as(s.name() + " was sent mixed audio").isPositive();
            }
            for (double g : gapsUp) {
                assertThat(g).as("audible gap at forwarded -> mixed (ms)").isBetween(0.0, GAP_LIMIT_MS);
            }

            for (AiortcParticipant p : peers.subList(0, 2)) {
                p.resetAudioGap();
            }
            peers.remove(2).close(); // back to the threshold: forwarded again
            assertThat(Meeting.await(30, () -> modes(meeting).size() == 2 && modes(meeting).stream().allMatch("forwarded"::equals)))
                    .as(() -> "back to forwarded: " + modes(meeting)).isTrue();
            assertThat(Meeting.await(20, () -> forwardedTracksFlowing(peers.get(0)) == 1 && forwardedTracksFlowing(peers.get(1)) == 1
                    && flowing(peers.get(0)).size() == 1 && flowing(peers.get(1)).size() == 1))
                    .as(() -> "each hears the other forwarded, the mix no more: " + audioOf(peers)).isTrue();
            Thread.sleep(2000);
            double[] gapsDown = {peers.get(0).audioGapMs(), peers.get(1).audioGapMs()};
            System.out.printf("mixed audio: longest gap at mixed -> forwarded: %s %.0f ms, %s %.0f ms%n", names[0], gapsDown[0],
                    names[1], gapsDown[1]);
            for (int i = 0; i < 2; i++) {
                JsonNode only = flowing(peers.get(i)).get(0);
                assertThat(only.path("tones").path(String.valueOf(TONES.get(1 - i))).asDouble(-999))
                        .as(names[i] + " hears " + names[1 - i] + " forwarded: " + only).isGreaterThan(PRESENT_DB);
                assertThat(peers.get(i).fromServer.stream().filter(m -> "error".equals(m.path("type").asText())).toList())
                        .as(names[i] + " got no error").isEmpty();
                assertThat(peers.get(i).fromServer.stream().filter(m -> "audio".equals(m.path("type").asText()))
                        .map(m -> m.path("mode").asText()).toList()).as(names[i] + " was told each switch")
                        .containsExactly("mixed", "forwarded");
            }
            for (double g : gapsDown) {
                assertThat(g).as("audible gap at mixed -> forwarded (ms)").isBetween(0.0, GAP_LIMIT_MS);
            }
            RoomSnapshot.MixedAudioSnapshot room = snapshot(meeting).mixedAudio();
            System.out.println("mixed audio: room " + room);
            assertThat(room.unknownSsrc()).isZero();
            assertThat(room.wrongPayloadType()).isZero();
        } finally {
            for (AiortcParticipant p : peers) {
                p.close();
            }
        }
    }

    /** The engine's view of the room's audio (speakers mixed now, each participant's audio input), for the log. */
    static String engineAudio(Meeting meeting, String room) {
        return engineAudio(meeting.server.engine().grpcPort(), room);
    }

    static String engineAudio(int engineGrpcPort, String room) {
        io.grpc.ManagedChannel ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forTarget("127.0.0.1:" + engineGrpcPort).usePlaintext().build();
        try {
            io.ams.proto.v1.RoomStats st = io.ams.proto.v1.MixerGrpc.newBlockingStub(ch)
                    .getStats(io.ams.proto.v1.GetStatsRequest.newBuilder().setRoomId(room).build());
            StringBuilder sb = new StringBuilder("speakers " + st.getAudioMix().getSpeakersList() + ", frames "
                    + st.getAudioMix().getFrames() + ", late " + st.getAudioMix().getLateTicks());
            for (io.ams.proto.v1.ParticipantStats p : st.getParticipantsList()) {
                io.ams.proto.v1.AudioInStats a = p.getAudio();
                sb.append(String.format("; %s: %d packets (%d late, %d rejected), %d decoded, %d not decoded (silent level), "
                        + "%d FEC, %d concealed, %d silent, %d dropped for latency, target %d ms, jitter %.1f ms, level %.1f dBFS, "
                        + "speaking %s", p.getParticipantId(), a.getPackets(), a.getPacketsLate(), a.getPacketsRejected(),
                        a.getFramesDecoded(), a.getFramesNotDecoded(), a.getFramesFec(), a.getFramesConcealed(), a.getFramesSilent(),
                        a.getFramesDroppedLatency(), a.getTargetDelayMs(), a.getJitterMs(), a.getLevelDbfs(), a.getSpeaking()));
            }
            return sb.toString();
        } catch (RuntimeException e) {
            return "(engine stats: " + e + ")";
        } finally {
            ch.shutdownNow();
        }
    }

    private static double tone(JsonNode track, int which) {
        return track.path("tones").path(String.valueOf(TONES.get(which))).asDouble(-999);
    }

    private AiortcParticipant join(Meeting meeting, int http, String name, int[] rgb, int tone) throws Exception {
        String token = meeting.server.sidecar().tokens().issue(ROOM, name, Duration.ofMinutes(10));
        return new AiortcParticipant(http, ROOM, name, token, rgb, dir.resolve(name + ".log"), null, tone, TONES);
    }

    private static RoomSnapshot snapshot(Meeting meeting) {
        return meeting.room(ROOM).snapshot();
    }

    private static List<String> modes(Meeting meeting) {
        return snapshot(meeting).peers().stream().map(p -> p.audio().mode()).toList();
    }

    /** The audio tracks that got at least 25 frames (half of what 20 ms packets give) in the last second. */
    private static List<JsonNode> flowing(AiortcParticipant p) {
        List<JsonNode> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.audio().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("recent").asInt() >= 25) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    private static long forwardedTracksFlowing(AiortcParticipant p) {
        return flowing(p).stream().filter(t -> "audio".equals(t.path("role").asText())).count();
    }

    private static String audioOf(List<AiortcParticipant> peers) {
        StringBuilder sb = new StringBuilder();
        for (AiortcParticipant p : peers) {
            sb.append(p.audio()).append(' ');
        }
        return sb.toString();
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
