package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ams.engine.media.NativeResources;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddOutputRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.OutputSpec;
import io.ams.rtp.VideoCodec;

/** Every native frame and packet a room used is freed when the room is deleted. */
class NativeLeakIT {

    @Test
    void deletingABusyRoomFreesEveryNativeBuffer(@TempDir Path recordings) throws Exception {
        long framesBefore = NativeResources.outstandingFrames();
        long packetsBefore = NativeResources.outstandingPackets();
        List<FfmpegSender> senders = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(recordings))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            api.addOutput(AddOutputRequest.newBuilder().setRoomId("r1").setSpec(OutputSpec.newBuilder().setId("rec")
                    .setCanvas(Canvas.newBuilder().setWidth(480).setHeight(270)).setFps(10).setCodec(Codec.H264)
                    .setLayout(Layout.newBuilder().setKind(LayoutKind.SPEAKER))).build());
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setOutputId("rec")
                    .setFileName("leak.mkv").build());
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1").setPort(9)
                    .build());
            String[] colours = {"0xFF0000", "0x00FF00", "0x0000FF"};
            for (int i = 0; i < 3; i++) {
                VideoCodec codec = i == 2 ? VideoCodec.H264 : VideoCodec.VP8;
                AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                        .setParticipantId("p" + i).setCodec(codec == VideoCodec.H264 ? Codec.H264 : Codec.VP8)
                        .build());
                senders.add(FfmpegSender.solid(colours[i], "160x120", 15, codec, "127.0.0.1", r.getRtpPort(), 96, 10 + i));
            }
            long end = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < end) {
                var s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
                if (s.getParticipantsList().stream().allMatch(p -> p.getFramesDecoded() > 15)) {
                    break;
                }
                Thread.sleep(100);
            }
            // while the room runs, frames are held (the store, canvases, decoders): the counter sees them
            assertThat(NativeResources.outstandingFrames()).isGreaterThan(framesBefore);
            api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("r1").build());
            assertThat(NativeResources.outstandingFrames()).as("AVFrames leaked by the deleted room")
                    .isEqualTo(framesBefore);
            assertThat(NativeResources.outstandingPackets()).as("AVPackets leaked by the deleted room")
                    .isEqualTo(packetsBefore);
            // the recording was finished on delete and is non-empty
            assertThat(Files.size(recordings.resolve("leak.mkv"))).isGreaterThan(1000);
        } finally {
            senders.forEach(FfmpegSender::close);
        }
    }
}
