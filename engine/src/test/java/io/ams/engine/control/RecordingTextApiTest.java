package io.ams.engine.control;

import static io.ams.engine.control.MixerServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.EngineConfig;
import io.ams.engine.atrest.MasterKey;
import io.ams.engine.recording.RecordingExport;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.AddRecordingTextRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.ListRecordingsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.proto.v1.StopRecordingRequest;
import io.ams.rtp.VideoCodec;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AddRecordingText: a chat line sent while nothing records is kept nowhere (recordings 0); sent while the room
 * records, the recording keeps it and its export writes it into {@code NAME.chat.vtt}; wrong calls are refused
 * with a status that names the field.
 */
class RecordingTextApiTest {
    @TempDir
    Path dir;

    private static AddRecordingTextRequest text(String room, String name, String text) {
        return AddRecordingTextRequest.newBuilder().setRoomId(room).setParticipantId("p1").setDisplayName(name)
                .setText(text).setAtUnixMs(System.currentTimeMillis()).build();
    }

    @Test
    void chatSentWhileTheRoomRecordsIsExportedAsSubtitles() throws Exception {
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(MixerServiceTest.room("r1", 320, 180));
            AddParticipantResponse p = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("red").build());
            assertThat(api.addRecordingText(text("r1", "Ada", "nobody records this")).getRecordings()).isZero();
            assertStatus(() -> api.addRecordingText(text("nope", "Ada", "hi")), Status.Code.NOT_FOUND, "room 'nope'");
            assertStatus(() -> api.addRecordingText(text("r1", "Ada", " ")), Status.Code.INVALID_ARGUMENT, "text");
            assertStatus(() -> api.addRecordingText(text("r1", "Ada", "bell\u0007")), Status.Code.INVALID_ARGUMENT,
                    "control characters");
            assertStatus(() -> api.addRecordingText(text("r1", "A".repeat(129), "hi")), Status.Code.INVALID_ARGUMENT,
                    "display_name");
            try (FfmpegSender red = FfmpegSender.solid("0xFF0000", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                    p.getRtpPort(), 96, 3)) {
                long end = System.currentTimeMillis() + 15_000;
                while (System.currentTimeMillis() < end && api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build())
                        .getParticipants(0).getFramesDecoded() < 10) {
                    Thread.sleep(100);
                }
                api.startRecording(StartRecordingRequest.newBuilder().setRoomId("r1").setRecordingId("chat").build());
                long until = System.currentTimeMillis() + 20_000;
                while (System.currentTimeMillis() < until && api.listRecordings(ListRecordingsRequest.newBuilder()
                        .setRoomId("r1").build()).getRecordings(0).getChunks() < 1) {
                    Thread.sleep(100);
                }
                assertThat(api.addRecordingText(text("r1", "Ada", "hello from A")).getRecordings()).isEqualTo(1);
                assertThat(api.addRecordingText(text("r1", "", "<b>no name</b>")).getRecordings()).isEqualTo(1);
                api.stopRecording(StopRecordingRequest.newBuilder().setRoomId("r1").build());
            }
            assertThat(api.addRecordingText(text("r1", "Ada", "after the end")).getRecordings()).isZero();
        }
        RecordingExport.Result r = RecordingExport.export(dir.resolve("r1-chat.amsrec"),
                MasterKey.load(dir.resolve("master.key")), dir.resolve("chat.webm"));
        assertThat(r.chatLines()).isEqualTo(2);
        String vtt = Files.readString(dir.resolve("chat.chat.vtt"));
        assertThat(vtt).startsWith("WEBVTT\n").contains("Ada: hello from A\n").contains("p1: &lt;b&gt;no name&lt;/b&gt;\n")
                .doesNotContain("nobody records this").doesNotContain("after the end");
        assertThat(vtt).containsPattern("\\n00:00:0\\d\\.\\d{3} --> 00:00:\\d\\d\\.\\d{3}\\nAda: hello from A");
    }
}
