package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.LossyTimeline;
import io.ams.engine.testing.MixReceiver;
import io.ams.engine.testing.Vp8Clip;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetParticipantNetworkRequest;
import io.ams.proto.v1.StreamEventsRequest;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.Vp8LayeredPackets;

/**
 * Uplink loss that the mix survives, through the engine's UDP ports and control API, with real
 * libvpx VP8 (3 s at 30 fps each):
 * <ul>
 *   <li>"repaired": one packet in 25 lost and sent again 130 ms later, with the sender's RTT
 *       (240 ms) given by SetParticipantNetwork: every frame decoded, no keyframe asked for loss;</li>
 *   <li>"unrepaired": the same loss with no retransmission: a keyframe is asked for (the frames
 *       after a lost packet depend on it);</li>
 *   <li>"layered": 3 temporal layers, packets of TL2 frames lost and never repaired: decoding goes
 *       on across the losses, no keyframe asked for.</li>
 * </ul>
 */
class LossRepairIT {
    private static final int FRAMES = 90;

    @Test
    void repairedLossKeepsTheTileUpdatingWithoutKeyframesAndUnrepairedLossAsksForOne() throws Exception {
        List<byte[]> plain = Vp8Clip.encode(320, 240, FRAMES, 600, null);
        List<byte[]> layered = Vp8Clip.encode(320, 240, FRAMES, 600, Vp8Clip.THREE_LAYERS);
        long framesBefore = NativeResources.outstandingFrames();
        long packetsBefore = NativeResources.outstandingPackets();
        List<Event> events = new CopyOnWriteArrayList<>();
        try (EngineHarness h = new EngineHarness(); MixReceiver rx = new MixReceiver(VideoCodec.VP8)) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            h.asyncStub().streamEvents(StreamEventsRequest.newBuilder().build(), BadInputIT.collect(events));
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            AddParticipantResponse repaired = BadInputIT.add(api, "repaired");
            AddParticipantResponse unrepaired = BadInputIT.add(api, "unrepaired");
            AddParticipantResponse layer = BadInputIT.add(api, "layered");
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1")
                    .setPort(rx.port()).build());
            api.setParticipantNetwork(SetParticipantNetworkRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("repaired").setRttMs(240).build()); // wait 380 ms: 250 ms to spare on a loaded machine

            LossyTimeline a = new LossyTimeline(plain, i -> Vp8LayeredPackets.Layer.NONE, 11, LossRepairIT::lost, 130);
            LossyTimeline b = new LossyTimeline(plain, i -> Vp8LayeredPackets.Layer.NONE, 12, LossRepairIT::lost, -1);
            // the first packet of every TL2 frame from frame 8 on whose index is odd: lost for good
            List<Integer> tl2Packets = tl2FirstPackets(layered);
            LossyTimeline c = new LossyTimeline(layered, Vp8LayeredPackets::threeLayerPattern, 13,
                    p -> tl2Packets.contains(p), -1);
            List<Thread> senders = new ArrayList<>();
            senders.add(play(a, repaired.getRtpPort()));
            senders.add(play(b, unrepaired.getRtpPort()));
            senders.add(play(c, layer.getRtpPort()));
            for (Thread t : senders) {
                t.join(20_000);
            }
            Thread.sleep(600);
            RoomStats s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            ParticipantStats ra = BadInputIT.byId(s, "repaired");
            ParticipantStats rb = BadInputIT.byId(s, "unrepaired");
            ParticipantStats rc = BadInputIT.byId(s, "layered");
            System.out.println("repaired:   " + line(ra));
            System.out.println("unrepaired: " + line(rb));
            System.out.println("layered:    " + line(rc));

            assertThat(a.lostPackets()).isGreaterThanOrEqualTo(8);
            assertThat(ra.getReorderWaitMs()).isEqualTo(380);
            assertThat(ra.getPacketsReordered()).as("repairs put in order").isEqualTo(a.lostPackets());
            assertThat(ra.getPacketsLost()).isZero();
            assertThat(ra.getFramesDecoded()).as("every frame of the repaired stream").isEqualTo(FRAMES);
            assertThat(ra.getFramesDropped()).isZero();
            assertThat(ra.getKeyframeRequestsLoss()).isZero();
            assertThat(ra.getKeyframeRequests()).as("only the one asked for at the start")
                    .isEqualTo(ra.getKeyframeRequestsStart()).isLessThanOrEqualTo(1);

            assertThat(rb.getPacketsLost()).isEqualTo(b.lostPackets());
            assertThat(rb.getKeyframeRequestsLoss()).as("unrepaired loss asks for a keyframe").isPositive();
            assertThat(events).anyMatch(e -> e.hasKeyframeNeeded()
                    && e.getKeyframeNeeded().getParticipantId().equals("unrepaired")
                    && e.getKeyframeNeeded().getReason().startsWith("packet loss"));

            assertThat(rc.getPacketsLost()).isEqualTo(c.lostPackets()).isPositive();
            assertThat(rc.getKeyframeRequestsLoss()).as("lost TL2 frames ask for no keyframe").isZero();
            assertThat(rc.getFramesDecodedAcrossLoss()).isPositive();
            assertThat(rc.getFramesDecoded()).as("all but the lost TL2 frames and those that might reference them")
                    .isGreaterThanOrEqualTo(FRAMES - 2L * c.lostPackets());
            assertThat(rc.getDecodeErrors()).isZero();
            assertThat(rx.decoded()).as("the mix went on").isGreaterThan(30);

            assertThat(events).noneMatch(e -> e.hasKeyframeNeeded()
                    && !e.getKeyframeNeeded().getParticipantId().equals("unrepaired")
                    && e.getKeyframeNeeded().getReason().startsWith("packet loss"));
            api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("r1").build());
        }
        assertThat(NativeResources.outstandingFrames()).as("AVFrames leaked").isEqualTo(framesBefore);
        assertThat(NativeResources.outstandingPackets()).as("AVPackets leaked").isEqualTo(packetsBefore);
    }

    /** Every 25th packet from the 30th on (never one of the first keyframe's). */
    private static boolean lost(int packetIndex) {
        return packetIndex >= 30 && packetIndex % 25 == 5;
    }

    /** Indexes (1000-byte payloads) of the first packet of TL2 frames 9, 13, 17, ... every other one. */
    private static List<Integer> tl2FirstPackets(List<byte[]> clip) {
        List<Integer> out = new ArrayList<>();
        int index = 0;
        for (int i = 0; i < clip.size(); i++) {
            if (i >= 8 && i % 8 == 1) {
                out.add(index);
            }
            index += Math.max(1, (clip.get(i).length + 999) / 1000);
        }
        return out;
    }

    private static Thread play(LossyTimeline timeline, int port) {
        Thread t = new Thread(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                InetAddress lo = InetAddress.getLoopbackAddress();
                timeline.play(d -> {
                    try {
                        s.send(new DatagramPacket(d, d.length, lo, port));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "lossy-sender-" + port);
        t.start();
        return t;
    }

    private static String line(ParticipantStats p) {
        return "decoded " + p.getFramesDecoded() + " across-loss " + p.getFramesDecodedAcrossLoss() + " dropped "
                + p.getFramesDropped() + " (incomplete " + p.getFramesDroppedIncomplete() + ", reference lost "
                + p.getFramesDroppedReferenceLost() + ") lost " + p.getPacketsLost() + " reordered "
                + p.getPacketsReordered() + " late " + p.getPacketsLate() + " keyframe requests "
                + p.getKeyframeRequests() + " (start " + p.getKeyframeRequestsStart() + ", loss "
                + p.getKeyframeRequestsLoss() + ", decoder " + p.getKeyframeRequestsDecoderError() + ") wait "
                + p.getReorderWaitMs() + " ms";
    }
}
