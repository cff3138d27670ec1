package io.ams.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.ams.rtp.RtpHeaderWriter;

/** Issue 8 part 7: a participant's ingress takes RTP from its sender only; the rest is dropped and counted. */
class SenderPinTest {
    static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5004);
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5006);

    @Test
    void aGivenSenderIsTheOnlyOne() throws Exception {
        SenderPin pin = SenderPin.of(InetAddress.getByName("127.0.0.1"), 5004);
        assertThat(pin.allows(A, true)).isTrue();
        assertThat(pin.allows(B, true)).isFalse();
        assertThat(pin.allows(new InetSocketAddress("::1", 5004), false)).isTrue(); // loopback is one host
        assertThat(pin.allows(new InetSocketAddress("192.0.2.99", 5004), true)).isFalse();
    }

    @Test
    void aGivenPortLatchesTheFirstHostForGood() throws Exception {
        SenderPin pin = SenderPin.of(null, 5004);
        assertThat(pin.allows(B, true)).isFalse();
        InetSocketAddress remote = new InetSocketAddress("192.0.2.99", 5004);
        assertThat(pin.allows(remote, true)).isTrue();
        pin.accepted(remote);
        assertThat(pin.allows(A, true)).isFalse();
        assertThat(pin.describe()).isEqualTo("192.0.2.99:5004");
    }

    @Test
    void withoutASenderTheFirstIsLatchedAndMovesOnlyAfterSilence() {
        SenderPin pin = SenderPin.latchFirst();
        assertThat(pin.describe()).isEqualTo("*:*");
        assertThat(pin.allows(A, true)).isTrue();
        pin.accepted(A);
        assertThat(pin.allows(B, false)).isFalse();
        assertThat(pin.allows(B, true)).isTrue();
        pin.accepted(B);
        assertThat(pin.allows(A, false)).isFalse();
    }

    @Test
    void anInjectedPacketFromAnotherLocalSocketIsDroppedAndCounted() throws Exception {
        try (EngineHarness h = new EngineHarness();
             DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket intruder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
            AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("alice").setSenderHost("127.0.0.1").setSenderPort(sender.getLocalPort()).build());
            assertThat(r.getParticipant().getSender()).isEqualTo("127.0.0.1:" + sender.getLocalPort());
            InetSocketAddress ingress = new InetSocketAddress(r.getRtpHost(), r.getRtpPort());
            send(intruder, ingress, 1, 0x1111);
            send(intruder, ingress, 2, 0x1111);
            send(sender, ingress, 1, 0x2222);
            ParticipantStats s = awaitStats(api, st -> st.getPacketsWrongSender() == 2 && st.getPackets() == 1);
            assertThat(s.getPacketsRejected()).isZero();
            assertThat(api.getRoom(io.ams.proto.v1.GetRoomRequest.newBuilder().setRoomId("r1").build())
                    .getParticipants(0).getSsrc()).isEqualTo(0x2222); // the intruder's SSRC was never latched
        }
    }

    @Test
    void withoutASenderTheFirstOneIsLatched() throws Exception {
        try (EngineHarness h = new EngineHarness();
             DatagramSocket first = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket second = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("r1").build());
            AddParticipantResponse r = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("r1")
                    .setParticipantId("alice").build());
            InetSocketAddress ingress = new InetSocketAddress(r.getRtpHost(), r.getRtpPort());
            send(first, ingress, 1, 0x3333);
            awaitStats(api, st -> st.getPackets() == 1);
            send(second, ingress, 2, 0x3333);
            send(first, ingress, 2, 0x3333);
            ParticipantStats s = awaitStats(api, st -> st.getPacketsWrongSender() == 1 && st.getPackets() == 2);
            assertThat(s.getPacketsRejected()).isZero();
        }
    }

    /** A valid RTP packet (payload type 96) with a one-byte VP8 descriptor and a little payload. */
    private static void send(DatagramSocket from, InetSocketAddress to, int seq, long ssrc) throws Exception {
        byte[] b = new byte[12 + 5];
        RtpHeaderWriter.write(b, 0, false, 96, seq, seq * 3000L, ssrc);
        b[12] = 0x10; // VP8 descriptor: start of partition
        from.send(new DatagramPacket(b, b.length, to));
    }

    private static ParticipantStats awaitStats(MixerGrpc.MixerBlockingStub api,
                                               java.util.function.Predicate<ParticipantStats> done) throws Exception {
        ParticipantStats s = null;
        for (int i = 0; i < 100; i++) {
            s = api.getStats(GetStatsRequest.newBuilder().setRoomId("r1").build()).getParticipants(0);
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("stats never got there: " + s);
    }
}
