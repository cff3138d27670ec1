package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.sent;
import static io.ams.sfu.room.StagePackets.vp8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mix path over a real loopback socket: only the engine's address, video into every mix slot. */
class MixReceiverTest {
    private static final long ENGINE_SSRC = 0x00E0_0001L;

    private final Peer a = StagePackets.peer("a");
    private final Peer b = StagePackets.peer("b");
    private final MixedAudioIn audio = new MixedAudioIn("r");
    private MixReceiver mix;

    @AfterEach
    void close() {
        if (mix != null) {
            mix.close();
        }
    }

    private MixReceiver open() throws Exception {
        mix = new MixReceiver("r", InetAddress.getLoopbackAddress(), () -> new Peer[] {a, b}, audio);
        return mix;
    }

    private void send(DatagramSocket from, byte[] b) throws Exception {
        from.send(new DatagramPacket(b, b.length, mix.address()));
    }

    @Test
    void theEnginesMixReachesEveryReceiverInItsOwnSlotFromTheKeyframeOn() throws Exception {
        open();
        try (DatagramSocket engine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            mix.expect((InetSocketAddress) engine.getLocalSocketAddress());
            send(engine, vp8(ENGINE_SSRC, 1, 900, false, 0, 0, 0, null)); // a delta before any keyframe: nobody can decode it
            send(engine, vp8(ENGINE_SSRC, 2, 3900, true, 1280, 720, 0, null));
            send(engine, vp8(ENGINE_SSRC, 3, 6900, false, 0, 0, 0, null));
            await(() -> sent(a).rtp.size() == 2 && sent(b).rtp.size() == 2);

            for (Peer q : new Peer[] {a, b}) {
                List<RtpPacket> got = sent(q).rtpPackets();
                assertThat(got).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(q.mixSsrc));
                assertThat(got.get(1).sequenceNumber()).isEqualTo(got.get(0).sequenceNumber() + 1 & 0xFFFF);
                assertThat(q.mixCache.get(got.get(0).sequenceNumber(), System.nanoTime())).as("kept for NACKs").isNotNull();
            }
            assertThat(mix.packets()).isEqualTo(3);
        }
    }

    @Test
    void datagramsFromAnyoneButTheEngineAreDroppedAndCounted() throws Exception {
        open();
        try (DatagramSocket engine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket intruder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            send(engine, vp8(ENGINE_SSRC, 1, 900, true, 1280, 720, 0, null)); // before the engine said where it sends from
            await(() -> mix.wrongSender() == 1);
            mix.expect((InetSocketAddress) engine.getLocalSocketAddress());
            send(intruder, vp8(0x666L, 1, 900, true, 1280, 720, 0, null));
            send(engine, new byte[] {1, 2, 3}); // not RTP
            send(engine, StagePackets.rtp(100, true, ENGINE_SSRC, 5, 900, 0, null, new byte[] {1})); // no such payload type
            send(engine, vp8(ENGINE_SSRC, 6, 900, true, 1280, 720, 0, null));
            await(() -> mix.packets() == 1);

            assertThat(mix.wrongSender()).isEqualTo(2);
            assertThat(mix.dropped()).isEqualTo(1);
            assertThat(mix.wrongPayloadType()).isEqualTo(1);
            assertThat(sent(a).rtpPackets()).singleElement().satisfies(p -> assertThat(p.sequenceNumber()).isNotNegative());
        }
    }

    private static void await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!cond.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(cond.getAsBoolean()).as("within 5 s").isTrue();
    }
}
