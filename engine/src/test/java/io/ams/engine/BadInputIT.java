package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.testing.EngineHarness;
import io.ams.engine.testing.FfmpegSender;
import io.ams.engine.testing.MixReceiver;
import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.DeleteRoomRequest;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.StreamEventsRequest;
import io.ams.rtp.RtpHeaderWriter;
import io.ams.rtp.VideoCodec;
import io.grpc.stub.StreamObserver;

/**
 * Hostile and broken input never stops a room: garbage datagrams, RTP with the wrong payload
 * type or SSRC, truncated packets, corrupt bitstreams, a sender that stops mid-frame, and a
 * participant removed while sending. All of it is counted in stats; the well-behaved
 * participant and the mix go on; nothing native leaks.
 */
class BadInputIT {

    @Test
    void badInputIsCountedAndNeverStopsTheRoom() throws Exception {
        long framesBefore = NativeResources.outstandingFrames();
        long packetsBefore = NativeResources.outstandingPackets();
        List<Event> events = new CopyOnWriteArrayList<>();
        try (EngineHarness h = new EngineHarness(); MixReceiver rx = new MixReceiver(VideoCodec.VP8);
             DatagramSocket attacker = new DatagramSocket()) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            h.asyncStub().streamEvents(StreamEventsRequest.newBuilder().build(), collect(events));
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(15).build());
            AddParticipantResponse good = add(api, "good");
            AddParticipantResponse bad = add(api, "bad");
            AddParticipantResponse leaver = add(api, "leaver");
            api.addDestination(AddDestinationRequest.newBuilder().setRoomId("r1").setHost("127.0.0.1")
                    .setPort(rx.port()).build());
            try (FfmpegSender g = FfmpegSender.solid("0x00FF00", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                    good.getRtpPort(), 96, 7);
                 FfmpegSender l = FfmpegSender.solid("0xFF00FF", "160x120", 15, VideoCodec.VP8, "127.0.0.1",
                         leaver.getRtpPort(), 96, 8)) {
                awaitDecoded(api, "good", 5);
                awaitDecoded(api, "leaver", 5);

                InetAddress lo = InetAddress.getLoopbackAddress();
                int port = bad.getRtpPort();
                Random rnd = new Random(42);
                int sentBad = 0;
                // 0. (first, so SSRC 555 is latched) corrupt bitstream: a well-formed VP8 descriptor on a garbage "keyframe"
                for (int f = 0; f < 10; f++) {
                    send(attacker, lo, port, rtp(96, 100 + f, 3000L * f, 555, true, vp8Keyframe(rnd, 800)));
                }
                // 1. garbage datagrams of every size, including empty
                for (int i = 0; i < 200; i++) {
                    byte[] junk = new byte[rnd.nextInt(1500)];
                    rnd.nextBytes(junk);
                    junk[0] = (byte) (junk.length > 0 && i % 2 == 0 ? 0x00 : 0x80 | (junk.length > 0 ? junk[0] & 0x3f : 0));
                    attacker.send(new DatagramPacket(junk, junk.length, lo, port));
                }
                // 2. truncated RTP headers
                for (int n = 1; n < 12; n++) {
                    byte[] b = new byte[n];
                    b[0] = (byte) 0x80;
                    attacker.send(new DatagramPacket(b, n, lo, port));
                    sentBad++;
                }
                // 3. wrong payload type
                for (int i = 0; i < 20; i++) {
                    send(attacker, lo, port, rtp(111, i, 1000, 555, false, vp8Keyframe(rnd, 100)));
                    sentBad++;
                }
                // 5. a different SSRC once 555 is latched
                for (int i = 0; i < 20; i++) {
                    send(attacker, lo, port, rtp(96, 200 + i, 90_000, 556, true, vp8Keyframe(rnd, 100)));
                    sentBad++;
                }
                // 6. a sender that stops mid-frame: first packet of a frame, no marker, then silence
                send(attacker, lo, port, rtp(96, 300, 99_000, 555, false, vp8Keyframe(rnd, 1000)));

                // 7. a participant removed while its sender keeps sending
                api.removeParticipant(RemoveParticipantRequest.newBuilder().setRoomId("r1")
                        .setParticipantId("leaver").build());

                Thread.sleep(1500);
                RoomStats s1 = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
                ParticipantStats badStats = byId(s1, "bad");
                assertThat(badStats.getPacketsRejected()).as("rejected datagrams").isGreaterThanOrEqualTo(sentBad + 100);
                assertThat(badStats.getDecodeErrors() + badStats.getFramesDropped()).as("decode errors + drops")
                        .isPositive();
                assertThat(badStats.getKeyframeRequests()).isPositive();
                assertThat(s1.getParticipantsList()).extracting(ParticipantStats::getParticipantId)
                        .containsExactly("good", "bad");
                assertThat(events).anyMatch(e -> e.hasKeyframeNeeded()
                        && e.getKeyframeNeeded().getParticipantId().equals("bad"));

                // the good participant and the mix are unaffected
                long goodBefore = byId(s1, "good").getFramesDecoded();
                int mixBefore = rx.frameArrivals().size();
                Thread.sleep(2000);
                RoomStats s2 = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
                assertThat(byId(s2, "good").getFramesDecoded() - goodBefore).as("good frames in 2 s").isGreaterThan(20);
                assertThat(byId(s2, "good").getDecodeErrors()).isZero();
                assertThat(rx.frameArrivals().size() - mixBefore).as("mix frames in 2 s").isGreaterThan(25);
                assertThat(s2.getOutputs(0).getOutputFps()).isBetween(13.0, 17.0);
            }
            api.deleteRoom(DeleteRoomRequest.newBuilder().setRoomId("r1").build());
        }
        assertThat(NativeResources.outstandingFrames()).as("AVFrames leaked").isEqualTo(framesBefore);
        assertThat(NativeResources.outstandingPackets()).as("AVPackets leaked").isEqualTo(packetsBefore);
    }

    static AddParticipantResponse add(MixerGrpc.MixerBlockingStub api, String id) {
        return api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1").setParticipantId(id)
                .setPayloadType(96).build());
    }

    static ParticipantStats byId(RoomStats s, String id) {
        return s.getParticipantsList().stream().filter(p -> p.getParticipantId().equals(id)).findFirst()
                .orElseThrow();
    }

    static void awaitDecoded(MixerGrpc.MixerBlockingStub api, String id, int n) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            RoomStats s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build());
            if (byId(s, id).getFramesDecoded() >= n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " never decoded " + n + " frames");
    }

    /** A VP8 payload: descriptor (S=1, PID 0) + a key-frame-looking header + garbage. */
    static byte[] vp8Keyframe(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        b[0] = 0x10;               // X=0 N=0 S=1 PID=0
        b[1] = (byte) (b[1] & 0xfe); // P bit 0: key frame
        if (size > 4) {
            b[4] = (byte) 0x9d;    // start code 9d 01 2a, then a garbage size
            b[5] = 0x01;
            b[6] = 0x2a;
        }
        return b;
    }

    static byte[] rtp(int pt, int seq, long ts, long ssrc, boolean marker, byte[] payload) {
        byte[] p = new byte[12 + payload.length];
        RtpHeaderWriter.write(p, 0, marker, pt, seq, ts, ssrc);
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    static void send(DatagramSocket s, InetAddress to, int port, byte[] data) throws java.io.IOException {
        s.send(new DatagramPacket(data, data.length, to, port));
    }

    static <T> StreamObserver<T> collect(List<T> into) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                into.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
