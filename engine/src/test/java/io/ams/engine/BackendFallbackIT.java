package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.ams.engine.backend.FaultyBackend;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Layouts;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.engine.testing.MixReceiver;
import io.ams.engine.testing.Picture;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Backend;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetEngineInfoRequest;
import io.ams.proto.v1.GetRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.OutputStats;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.StreamEventsRequest;
import io.ams.rtp.VideoCodec;

/**
 * Issue 14 part 4 without a GPU: a room whose output runs on a backend that faults mid-call (a
 * stand-in for the GPU that mixes on the CPU and then fails as a sticky CUDA error would) moves
 * to the CPU backend; the participant stays, the receiver keeps decoding the mix with the
 * participant's colour in its tile, a keyframe comes first, a BackendChanged event is streamed,
 * and the stats say which backend runs and why. New rooms open on the CPU during the back-off.
 */
class BackendFallbackIT {
    static final int WIDTH = 320;
    static final int HEIGHT = 180;
    static final int FAIL_AT = 60; // frames: 2 s at 30 fps, halfway to the first periodic keyframe (fps x 4)

    @Test
    void aFaultingBackendMovesTheRoomToTheCpuAndTheMixGoesOn() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        FfmpegSender red = null;
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral(),
                (room, output, cfg) -> new FaultyBackend(cfg, FAIL_AT));
             MixReceiver rx = new MixReceiver(VideoCodec.VP8)) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            h.asyncStub().streamEvents(StreamEventsRequest.newBuilder().build(), BadInputIT.collect(events));
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(WIDTH).setHeight(HEIGHT)).setFps(30)
                    .setCodec(Codec.VP8).setBitrateKbps(800)
                    .setLayout(Layout.newBuilder().setKind(LayoutKind.GRID)).build());
            assertThat(api.getRoom(GetRoomRequest.newBuilder().setRoomId("r1").build()).getBackend())
                    .as("the room starts on the (stand-in) GPU backend").isEqualTo(Backend.GPU);
            AddParticipantResponse p = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("alice").setDisplayName("alice").setCodec(Codec.VP8).setPayloadType(96).build());
            red = FfmpegSender.solid("0xFF0000", "240x180", 15, VideoCodec.VP8, p.getRtpHost(), p.getRtpPort(), 96, 1000);
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1")
                    .setPort(rx.port()).setPayloadType(96).build());

            // keyframes sent before the fault, then wait for the fault (frame FAIL_AT)
            long keyframesBefore = awaitFrames(api, FAIL_AT - 15, 20_000).getOutputs(0).getKeyframes();
            RoomStats s = awaitBackend(api, Backend.CPU, 20_000);
            OutputStats o = s.getOutputs(0);
            assertThat(o.getBackendChanges()).isEqualTo(1);
            assertThat(o.getBackendReason()).contains("CPU backend after a GPU fault").contains("CUDA_ERROR_LAUNCH_FAILED");
            assertThat(s.getBackendReason()).isEqualTo(o.getBackendReason());
            assertThat(s.getParticipantsCount()).as("nobody dropped").isEqualTo(1);
            assertThat(o.getFramesEncoded()).as("moved before the periodic keyframe").isLessThan(115);
            assertThat(o.getKeyframes()).as("the first frame on the CPU is a keyframe").isEqualTo(keyframesBefore + 1);
            int decodedAtFault = rx.decoded();
            rx.awaitDecoded(decodedAtFault + 45, 10_000);
            Picture pic = rx.latest();
            Tile t = Layouts.compute(LayoutSpec.grid(), List.of("alice"), "alice", WIDTH, HEIGHT).get(0);
            Rect r = t.rect();
            assertThat(pic.rgbError(r.x() + r.width() / 2 - 10, r.y() + r.height() / 2 - 10, 20, 20, 0xFF0000))
                    .as("alice's tile is still red after the move").isLessThan(40);
            RoomStats later = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            assertThat(later.getOutputs(0).getFramesEncoded()).as("the mix goes on").isGreaterThan(FAIL_AT + 45);

            assertThat(events).as("a BackendChanged event for r1")
                    .anySatisfy(e -> {
                        assertThat(e.getRoomId()).isEqualTo("r1");
                        assertThat(e.hasBackendChanged()).isTrue();
                        assertThat(e.getBackendChanged().getBackend()).isEqualTo(Backend.CPU);
                    });
            EngineInfo info = api.getEngineInfo(GetEngineInfoRequest.getDefaultInstance());
            assertThat(info.getBackendFallbacks()).isEqualTo(1);
            assertThat(info.getGpuBackoffMs()).as("new rooms wait out the back-off").isPositive();

            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r2")
                    .setCanvas(Canvas.newBuilder().setWidth(WIDTH).setHeight(HEIGHT)).setFps(15)
                    .setCodec(Codec.VP8).build());
            io.ams.proto.v1.Room r2 = api.getRoom(GetRoomRequest.newBuilder().setRoomId("r2").build());
            assertThat(r2.getBackend()).isEqualTo(Backend.CPU);
            assertThat(r2.getBackendReason()).contains("GPU is retried for new rooms in");
        } finally {
            if (red != null) {
                red.close();
            }
        }
    }

    static RoomStats awaitFrames(MixerGrpc.MixerBlockingStub api, long frames, long timeoutMillis)
            throws InterruptedException {
        RoomStats s = await(api, o -> o.getFramesEncoded() >= frames, "encode " + frames + " frames", timeoutMillis);
        assertThat(s.getOutputs(0).getBackend()).as("still on the first backend").isEqualTo(Backend.GPU);
        return s;
    }

    static RoomStats awaitBackend(MixerGrpc.MixerBlockingStub api, Backend b, long timeoutMillis)
            throws InterruptedException {
        // the backend changes before its first frame is encoded and counted: wait for the frame after that one too
        return await(api, o -> o.getBackend() == b && o.getFramesEncoded() > FAIL_AT + 1, "move to " + b,
                timeoutMillis);
    }

    static RoomStats await(MixerGrpc.MixerBlockingStub api, java.util.function.Predicate<OutputStats> done, String what,
            long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        RoomStats s = null;
        while (System.currentTimeMillis() < end) {
            s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            if (s.getOutputsCount() > 0 && done.test(s.getOutputs(0))) {
                return s;
            }
            Thread.sleep(30);
        }
        throw new AssertionError("the room's output did not " + what + " in time: " + s);
    }
}
