package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

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
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetMainSpeakerRequest;
import io.ams.rtp.VideoCodec;

/**
 * The product's core promise, end to end: four participants, each a distinct solid colour sent
 * as real RTP by FFmpeg's RTP muxer, come out of the engine as one mixed RTP stream in which
 * every tile shows its participant's colour, the speaker border sits on the main speaker's tile
 * and frames arrive at the configured rate.
 */
class ColourTilesIT {
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    static final int FPS = 30;
    static final int BORDER_RGB = 0xFFC800;
    /** Senders are small and slow so four real encoders leave CPU for the engine on a 2-core CI machine. */
    static final String SENDER_SIZE = "240x180";
    static final int SENDER_FPS = 15;

    record Sender(String id, String ffmpegColour, int rgb, VideoCodec codec) {
    }

    static final List<Sender> ALL_VP8 = List.of(
            new Sender("alice", "0xFF0000", 0xFF0000, VideoCodec.VP8),
            new Sender("bob", "0x00FF00", 0x00FF00, VideoCodec.VP8),
            new Sender("carol", "0x0000FF", 0x0000FF, VideoCodec.VP8),
            new Sender("dave", "0xFFFFFF", 0xFFFFFF, VideoCodec.VP8));

    @Test
    void fourVp8ParticipantsAppearInTheirTilesAtTheConfiguredRate() throws Exception {
        runMix(ALL_VP8);
    }

    @Test
    void anH264SenderAmongVp8SendersAppearsInItsTile() throws Exception {
        List<Sender> mixed = new ArrayList<>(ALL_VP8);
        mixed.set(2, new Sender("carol", "0x0000FF", 0x0000FF, VideoCodec.H264));
        runMix(mixed);
    }

    private void runMix(List<Sender> senders) throws Exception {
        List<FfmpegSender> procs = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(); MixReceiver rx = new MixReceiver(VideoCodec.VP8)) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(WIDTH).setHeight(HEIGHT)).setFps(FPS)
                    .setCodec(Codec.VP8).setBitrateKbps(2500)
                    .setLayout(Layout.newBuilder().setKind(LayoutKind.GRID)).build());
            long ssrc = 1000;
            for (Sender s : senders) {
                AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                        .setParticipantId(s.id()).setDisplayName(s.id())
                        .setCodec(s.codec() == VideoCodec.H264 ? Codec.H264 : Codec.VP8).setPayloadType(96).build());
                procs.add(FfmpegSender.solid(s.ffmpegColour(), SENDER_SIZE, SENDER_FPS, s.codec(), r.getRtpHost(),
                        r.getRtpPort(), 96, ssrc++));
            }
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1")
                    .setPort(rx.port()).setPayloadType(96).build());

            // every participant decoded, then let a few keyframe intervals of the inputs pass
            awaitAllDecoding(api, senders.size(), 15_000);
            rx.awaitDecoded(20, 15_000);

            List<String> ids = senders.stream().map(Sender::id).toList();
            Map<String, Sender> byId = senders.stream().collect(Collectors.toMap(Sender::id, Function.identity()));
            Thread.sleep(1500);  // inputs' first frames flushed through the encoder
            assertTilesShowColours(rx.latest(), ids, "alice", byId);
            assertBorderOn(rx.latest(), ids, "alice");

            // moving the main speaker moves the border
            api.setMainSpeaker(SetMainSpeakerRequest.newBuilder().setRoomId("r1").setParticipantId("carol").build());
            Thread.sleep(700);
            assertBorderOn(rx.latest(), ids, "carol");

            // frames arrive at the configured rate, within 10%, over several seconds
            int before = rx.frameArrivals().size();
            long t0 = System.nanoTime();
            Thread.sleep(4000);
            int after = rx.frameArrivals().size();
            double fps = (after - before) / ((System.nanoTime() - t0) / 1e9);
            RoomStats stats = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            assertThat(fps).as("mix frames per second received; engine stats: %s", stats)
                    .isBetween(FPS * 0.9, FPS * 1.1);
            assertThat(stats.getOutputs(0).getOutputFps()).isBetween(FPS * 0.9, FPS * 1.1);
            assertThat(stats.getOutputs(0).getLatencyMs().getCount()).isPositive();
            for (ParticipantStats ps : stats.getParticipantsList()) {
                assertThat(ps.getPacketsRejected()).as(ps.getParticipantId() + " rejected").isZero();
                assertThat(ps.getWidth()).isEqualTo(240);
            }
        } finally {
            procs.forEach(FfmpegSender::close);
        }
    }

    static void awaitAllDecoding(MixerGrpc.MixerBlockingStub api, int n, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        RoomStats s = null;
        while (System.currentTimeMillis() < end) {
            s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            if (s.getParticipantsCount() == n
                    && s.getParticipantsList().stream().allMatch(p -> p.getFramesDecoded() >= 10)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not every participant decoded 10 frames in time: " + s);
    }

    static void assertTilesShowColours(Picture pic, List<String> ids, String main, Map<String, Sender> byId) {
        assertThat(pic.width()).isEqualTo(WIDTH);
        assertThat(pic.height()).isEqualTo(HEIGHT);
        for (Tile t : Layouts.compute(LayoutSpec.grid(), ids, main, WIDTH, HEIGHT)) {
            Rect r = t.rect();
            int w = r.width() / 4;
            int hh = r.height() / 4;
            double err = pic.rgbError(r.x() + r.width() / 2 - w / 2, r.y() + r.height() / 2 - hh / 2, w, hh,
                    byId.get(t.participantId()).rgb());
            assertThat(err).as("colour error in the centre of " + t.participantId() + "'s tile " + r).isLessThan(40);
        }
    }

    static void assertBorderOn(Picture pic, List<String> ids, String main) {
        for (Tile t : Layouts.compute(LayoutSpec.grid(), ids, main, WIDTH, HEIGHT)) {
            Rect r = t.rect();
            // a strip along the middle of the tile's top edge, inside the rect
            double err = pic.rgbError(r.x() + r.width() / 2 - 20, r.y(), 40, 2, BORDER_RGB);
            if (t.participantId().equals(main)) {
                assertThat(err).as("border colour on the main speaker " + main + "'s tile").isLessThan(60);
            } else {
                assertThat(err).as("no border on " + t.participantId() + "'s tile").isGreaterThan(60);
            }
        }
    }
}
