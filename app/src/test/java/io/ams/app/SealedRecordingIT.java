package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.EngineConfig;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.RemoveDestinationRequest;
import io.ams.rtp.VideoCodec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed recording as an operator makes one: the engine records a room with a red participant
 * (FFmpeg over RTP) into {@code meeting.amsrec} through the gRPC API, the master key appears (0600)
 * in the record directory, {@code ams recording export} turns it into a WebM whose frames are red,
 * and refuses, by exit code and in words, an edited file and the wrong key.
 */
class SealedRecordingIT {
    @TempDir
    Path dir;

    @Test
    void recordExportAndRefuseTampering() throws Exception {
        Path recordings = dir.resolve("recordings");
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(recordings))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            AddParticipantResponse p = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("red").build());
            try (FfmpegSender red = FfmpegSender.solid("0xFF0000", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                    p.getRtpPort(), 96, 7)) {
                long end = System.currentTimeMillis() + 15_000;
                while (System.currentTimeMillis() < end && api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build())
                        .getParticipants(0).getFramesDecoded() < 10) {
                    Thread.sleep(100);
                }
                api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setFileName("meeting.amsrec")
                        .setDestinationId("rec").build());
                try {
                    api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setFileName("meeting.amsrec")
                            .setDestinationId("rec2").build());
                    throw new AssertionError("a second recording into the same file was accepted");
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                }
                Thread.sleep(5_000);
                api.removeDestination(RemoveDestinationRequest.newBuilder().setRoomId("r1").setDestinationId("rec").build());
            }
        }
        Path sealed = recordings.resolve("meeting.amsrec");
        Path key = recordings.resolve("master.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sealed))).isEqualTo("rw-------");

        Path out = dir.resolve("meeting.webm");
        Cli.Result r = Cli.run("recording", "export", sealed.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("exported").contains("chunks checked");
        List<YuvColor> colours = new ArrayList<>();
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            assertThat(reader.width()).isEqualTo(320);
            VideoFrame next;
            while ((next = reader.next()) != null) {
                try (VideoFrame f = next) {
                    colours.add(YuvColor.centre(f));
                }
            }
        }
        java.util.regex.Matcher exported = java.util.regex.Pattern.compile("exported \\S+: (\\d+) frames").matcher(r.out());
        assertThat(exported.find()).as(r.out()).isTrue();
        assertThat(colours).as("every frame the export wrote decodes").hasSize(Integer.parseInt(exported.group(1)));
        // 5 s at 15 fps is 75 frames; an engine on a busy 2-core machine encodes fewer (late ticks are skipped)
        assertThat(colours.size()).as("frames of a 5 s recording at 15 fps").isBetween(30, 90);
        assertThat(colours).allMatch(c -> c.near(YuvColor.RED, 20), "every frame's centre is red");

        byte[] b = Files.readAllBytes(sealed);
        b[b.length / 2] ^= 0x40;
        Path edited = dir.resolve("edited.amsrec");
        Files.write(edited, b);
        Cli.Result refused = Cli.run("recording", "export", edited.toString(), "-o", dir.resolve("edited.webm").toString(),
                "--key-file", key.toString());
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains("refused").containsPattern("chunk \\d+");
        assertThat(dir.resolve("edited.webm")).doesNotExist();

        Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));
        Cli.Result wrongKey = Cli.run("recording", "export", sealed.toString(), "-o", dir.resolve("k.webm").toString(),
                "--key-file", otherKey.toString());
        assertThat(wrongKey.exit()).isEqualTo(3);
        assertThat(wrongKey.err()).contains("wrong key").contains("sealed with master key");
    }
}
