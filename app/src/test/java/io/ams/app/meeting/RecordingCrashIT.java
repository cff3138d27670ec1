package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.app.Cli;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.ListRecordingsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.rtp.VideoCodec;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of a sealed recording (issue 9): an engine process records a room with a red participant
 * for 10 s and is killed with SIGKILL mid-recording; {@code ams recording export} still turns the file into
 * a WebM of at least 8 s (all but the chunk being filled), warns that it was not finished, and every
 * frame of it decodes red.
 */
class RecordingCrashIT {
    @TempDir
    Path dir;

    @Test
    void killNineMidRecordingLosesAtMostTheLastChunk() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AmsProcess engine = AmsProcess.engine(dir, null, "127.0.0.1", port);
        ManagedChannel ch = NettyChannelBuilder.forTarget(engine.target()).usePlaintext().build();
        try {
            MixerGrpc.MixerBlockingStub api = MixerGrpc.newBlockingStub(ch);
            api.withDeadlineAfter(10, TimeUnit.SECONDS).createRoom(CreateRoomRequest.newBuilder().setRoomId("crash")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            AddParticipantResponse p = api.withDeadlineAfter(10, TimeUnit.SECONDS).addParticipant(
                    AddParticipantRequest.newBuilder().setRoomId("crash").setParticipantId("red").build());
            try (FfmpegSender red = FfmpegSender.solid("0xFF0000", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                    p.getRtpPort(), 96, 11)) {
                SoakDriver.awaitOrFail(20, () -> api.withDeadlineAfter(5, TimeUnit.SECONDS).getStats(GetStatsRequest
                        .newBuilder().setRoomId("crash").build()).getParticipants(0).getFramesDecoded() > 10,
                        () -> "the engine decodes the red participant");
                api.withDeadlineAfter(10, TimeUnit.SECONDS).startRecording(StartRecordingRequest.newBuilder()
                        .setRoomId("crash").setRecordingId("t").build());
                SoakDriver.awaitOrFail(40, () -> api.withDeadlineAfter(5, TimeUnit.SECONDS).listRecordings(
                        ListRecordingsRequest.newBuilder().setRoomId("crash").build()).getRecordings(0).getChunks() >= 5,
                        () -> "10 s of the recording sealed on disk (5 chunks of 2 s)");
                engine.kill9();
            }
        } finally {
            ch.shutdownNow();
            engine.close();
        }
        Path sealed = dir.resolve("recordings").resolve("crash-t.amsrec");
        Path out = dir.resolve("crash.webm");
        Cli.Result r = Cli.run("recording", "export", sealed.toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("the export says the recording was not finished").contains("warning:");
        Matcher m = Pattern.compile("([0-9.]+) s").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("seconds exported after the crash: " + r.out()).isGreaterThanOrEqualTo(8.0);
        int frames = 0;
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            VideoFrame f;
            while ((f = reader.next()) != null) {
                try (VideoFrame frame = f) {
                    assertThat(YuvColor.centre(frame).near(YuvColor.RED, 20)).as("frame " + frames + " is red").isTrue();
                }
                frames++;
            }
        }
        assertThat(frames).as("frames exported").isGreaterThan(60);
    }
}
