package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.sdp.OfferBuilder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The room's mix socket: video and mixed audio apart by payload type, audio to its receiver by SSRC, the rest dropped. */
class MixedAudioDemuxTest {
    private static byte[] rtp(int pt, long ssrc, int seq, byte firstPayloadByte) {
        byte[] b = new byte[12 + 20];
        b[0] = (byte) 0x80;
        b[1] = (byte) pt;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            b[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        b[12] = firstPayloadByte;
        return b;
    }

    private static boolean await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return cond.getAsBoolean();
    }

    @Test
    void mixedAudioReachesOnlyItsReceiverAndUnknownSsrcsWrongPayloadTypesAndStrangersAreCounted() throws Exception {
        Peer a = TestPeers.peer("p1");
        Peer b = TestPeers.peer("p2"); // no mixed slot (the room below the threshold when it joined)
        a.mixedAudio = new MixedAudio(0x1111L, 0);
        Peer[] peers = {a, b};
        MixedAudioIn in = new MixedAudioIn("r");
        in.learn("p1", 7001);
        in.learn("p2", 7002);
        try (DatagramSocket engine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             MixReceiver mix = new MixReceiver("r", InetAddress.getLoopbackAddress(), () -> peers, in)) {
            mix.expect((InetSocketAddress) engine.getLocalSocketAddress());
            InetSocketAddress to = mix.address();
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 7001, 1, (byte) 0x78), 32, to));
            assertThat(await(() -> a.mixedAudio.fresh(System.nanoTime()))).as("p1's mix reached p1's slot").isTrue();
            assertThat(a.mixedAudio.notDelivered.get()).as("p1 is on forwarded audio: not sent").isEqualTo(1);

            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 7002, 1, (byte) 0x78), 32, to));
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 9999, 1, (byte) 0x78), 32, to));
            engine.send(new DatagramPacket(rtp(100, 7001, 2, (byte) 0x78), 32, to));
            engine.send(new DatagramPacket(rtp(OfferBuilder.VP8_PT, 5555, 1, (byte) 0x00), 32, to));
            stranger.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 7001, 3, (byte) 0x78), 32, to));
            assertThat(await(() -> in.noSlot.get() == 1 && in.early.get() == 1 && mix.wrongPayloadType() == 1
                    && mix.packets() == 1 && mix.wrongSender() == 1)).as("noSlot %d unknown %d wrongPt %d video %d stranger %d",
                    in.noSlot.get(), in.early.get(), mix.wrongPayloadType(), mix.packets(), mix.wrongSender()).isTrue();
            assertThat(in.packets.get()).as("audio packets from the engine").isEqualTo(3);
            assertThat(in.unknownSsrc.get()).as("9999 unclaimed for less than a second: early, not a stranger yet").isZero();
            Thread.sleep(MixedAudioIn.EARLY_MS + 100);
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 9999, 2, (byte) 0x78), 32, to));
            assertThat(await(() -> in.unknownSsrc.get() == 1)).as("still nobody's after a second: unknown").isTrue();
            assertThat(a.mixedAudio.notDelivered.get()).as("nothing else reached p1's slot").isEqualTo(1);

            // the engine re-created the room: p1's mix has a new SSRC; the old one's last packets are expected, not strangers
            in.learn("p1", 8001);
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 7001, 4, (byte) 0x78), 32, to));
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 8001, 1, (byte) 0x78), 32, to));
            assertThat(await(() -> in.retired.get() == 1 && a.mixedAudio.notDelivered.get() == 2)).isTrue();
            assertThat(in.ssrcOf("p1")).isEqualTo(8001);
            // p2 left: the engine's packets for it until RemoveParticipant lands are dropped the same way
            in.forget("p2");
            assertThat(in.ssrcOf("p2")).isZero();
            engine.send(new DatagramPacket(rtp(OfferBuilder.OPUS_PT, 7002, 2, (byte) 0x78), 32, to));
            assertThat(await(() -> in.retired.get() == 2)).isTrue();
            assertThat(in.unknownSsrc.get()).as("only 9999 was a stranger").isEqualTo(1);
        }
    }
}
