package io.ams.engine.control;

import static io.ams.engine.control.MixerServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.EngineConfig;
import io.ams.engine.atrest.MasterKey;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.recording.RecordingExport;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.ListRecordingsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.Recording;
import io.ams.proto.v1.RemoveOutputRequest;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.proto.v1.StopRecordingRequest;
import io.ams.rtp.VideoCodec;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * StartRecording / StopRecording / ListRecordings: a room with a red participant recorded for 4 s in
 * its own SPEAKER output, sealed on disk, listed while it runs and after; its export decodes red;
 * every wrong call gets a status naming what is wrong.
 */
class RecordingApiTest {
    @TempDir
    Path dir;

    @Test
    void recordsARoomListsItAndRefusesWrongCalls() throws Exception {
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(MixerServiceTest.room("r1", 320, 180));
            AddParticipantResponse p = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("red").build());
            try (FfmpegSender red = FfmpegSender.solid("0xFF0000", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                    p.getRtpPort(), 96, 3)) {
                long end = System.currentTimeMillis() + 15_000;
                while (System.currentTimeMillis() < end && api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build())
                        .getParticipants(0).getFramesDecoded() < 10) {
                    Thread.sleep(100);
                }
                Recording started = api.startRecording(StartRecordingRequest.newBuilder().setRoomId("r1")
                        .setRecordingId("weekly").setStartedBy("Ada").build());
                assertThat(started.getFile()).isEqualTo("r1-weekly.amsrec");
                assertThat(started.getRunning()).isTrue();
                assertStatus(() -> api.startRecording(StartRecordingRequest.newBuilder().setRoomId("r1")
                        .setRecordingId("weekly").build()), Status.Code.ALREADY_EXISTS, "recording 'weekly' already exists");
                assertStatus(() -> api.startRecording(StartRecordingRequest.newBuilder().setRoomId("r1")
                        .setRecordingId("../x").build()), Status.Code.INVALID_ARGUMENT, "recording_id");
                assertStatus(() -> api.startRecording(StartRecordingRequest.newBuilder().setRoomId("nope").build()),
                        Status.Code.NOT_FOUND, "room 'nope'");
                assertThat(api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build()).getRecordingsList())
                        .extracting(Recording::getId, Recording::getStartedBy).containsExactly(org.assertj.core.groups.Tuple.tuple("weekly", "Ada"));
                Recording running = null;
                long until = System.currentTimeMillis() + 20_000; // ~4 s of media; more on a loaded machine
                while (System.currentTimeMillis() < until) {
                    running = api.listRecordings(ListRecordingsRequest.newBuilder().setRoomId("r1").build()).getRecordings(0);
                    if (running.getChunks() >= 2) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(running.getRunning()).isTrue();
                assertThat(running.getChunks()).as("chunks sealed while it runs").isGreaterThanOrEqualTo(2);

                Recording stopped = api.stopRecording(StopRecordingRequest.newBuilder().setRoomId("r1").build());
                assertThat(stopped.getRunning()).isFalse();
                assertStatus(() -> api.stopRecording(StopRecordingRequest.newBuilder().setRoomId("r1").build()),
                        Status.Code.NOT_FOUND, "room 'r1' is not recording");
                assertThat(api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build()).getRecordingsList()).isEmpty();

                // a recording whose output is removed directly is stopped too
                api.startRecording(StartRecordingRequest.newBuilder().setRoomId("r1").setRecordingId("second").build());
                api.removeOutput(RemoveOutputRequest.newBuilder().setRoomId("r1").setOutputId("rec-second").build());
                assertThat(api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build()).getRecordingsList()).isEmpty();
            }
            List<Recording> files = api.listRecordings(ListRecordingsRequest.getDefaultInstance()).getRecordingsList();
            assertThat(files).extracting(Recording::getFile).containsExactly("r1-second.amsrec", "r1-weekly.amsrec");
            assertThat(files).allMatch(r -> !r.getRunning() && r.getBytes() > 0);
        }
        RecordingExport.Result r = RecordingExport.export(dir.resolve("r1-weekly.amsrec"),
                MasterKey.load(dir.resolve("master.key")), dir.resolve("weekly.webm"));
        assertThat(r.warning()).isNull();
        assertThat(r.seconds()).as("two chunks of 2 s and a bit recorded").isBetween(3.5, 25.0);
        List<YuvColor> colours = new ArrayList<>();
        try (MediaFileReader reader = MediaFileReader.open(r.out())) {
            VideoFrame f;
            while ((f = reader.next()) != null) {
                try (VideoFrame frame = f) {
                    colours.add(YuvColor.centre(frame));
                }
            }
        }
        assertThat(colours).hasSizeGreaterThan(30).allMatch(c -> c.near(YuvColor.RED, 20), "the speaker tile is red");
    }
}
