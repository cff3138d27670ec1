package io.ams.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.testing.LossyTimeline;
import io.ams.engine.testing.Vp8Clip;
import io.ams.rtp.RepairWait;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.Vp8LayeredPackets;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;

/**
 * One participant's ingress fed real VP8 (2 s at 30 fps) with single packets lost: the keyframe
 * request comes only when repair failed (the gap outlived the RTT-based wait) and the frames after
 * it depend on the lost one; a repair within the wait costs nothing.
 */
class ParticipantIngressLossTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 5004);
    private static List<byte[]> clip;

    @BeforeAll
    static void encode() {
        clip = Vp8Clip.encode(320, 240, 60, 600, null);
    }

    private record Request(long atNanos, String reason) {
    }

    private static final class Recorder implements ParticipantIngress.Listener {
        final List<Request> keyframeRequests = new CopyOnWriteArrayList<>();
        volatile int frames;

        @Override
        public void onFrame(String participantId, VideoFrame frame) {
            frames++;
            frame.release();
        }

        @Override
        public void onKeyframeNeeded(String participantId, String reason) {
            keyframeRequests.add(new Request(System.nanoTime(), reason));
        }
    }

    /** Every 25th packet from the 30th on (never one of the first keyframe's): single-packet losses. */
    private static boolean lost(int packetIndex) {
        return packetIndex >= 30 && packetIndex % 25 == 5;
    }

    private record Result(IngressStats stats, Recorder recorder, LossyTimeline timeline) {
    }

    private static Result run(int rttHintMillis, long repairAfterMillis) throws InterruptedException {
        long framesBefore = NativeResources.outstandingFrames();
        Recorder rec = new Recorder();
        ParticipantIngress ingress = new ParticipantIngress("p1", VideoCodec.VP8, 96, -1, rec);
        if (rttHintMillis >= 0) {
            ingress.setRttHint(rttHintMillis);
        }
        EmbeddedChannel ch = new EmbeddedChannel(ingress);
        LossyTimeline timeline = new LossyTimeline(clip, i -> Vp8LayeredPackets.Layer.NONE, 77, ParticipantIngressLossTest::lost,
                repairAfterMillis);
        assertThat(timeline.lostPackets()).isGreaterThanOrEqualTo(5);
        timeline.play(d -> {
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(d), SENDER, SENDER));
            ch.runPendingTasks();
        });
        Thread.sleep(RepairWait.MAX_WAIT_MILLIS + 50);
        ch.runScheduledPendingTasks();
        ch.finishAndReleaseAll();
        assertThat(NativeResources.outstandingFrames()).as("decoder and frames freed").isEqualTo(framesBefore);
        return new Result(ingress.stats(), rec, timeline);
    }

    @Test
    void aRepairWithinTheRttBasedWaitLandsInOrderAndCostsNoKeyframe() throws Exception {
        Result r = run(120, 130);
        IngressStats s = r.stats();
        assertThat(s.reorderWaitMillis()).isEqualTo(200);
        assertThat(s.packetsReordered()).as("repairs put in order").isEqualTo(r.timeline().lostPackets());
        assertThat(s.lost()).isZero();
        assertThat(s.packetsLate()).isZero();
        assertThat(s.framesDecoded()).isEqualTo(60);
        assertThat(s.framesDropped()).isZero();
        assertThat(s.keyframeRequestsLoss()).as("keyframe requests for loss").isZero();
        assertThat(s.keyframeRequests()).as("only the one at the start").isEqualTo(s.keyframeRequestsStart());
        assertThat(s.keyframeRequestsStart()).isLessThanOrEqualTo(1);
        assertThat(r.recorder().frames).isEqualTo(60);
    }

    @Test
    void theSameRepairAfterTheDefaultWaitIsLateAndAKeyframeIsAskedFor() throws Exception {
        Result r = run(-1, 130);
        IngressStats s = r.stats();
        assertThat(s.reorderWaitMillis()).isEqualTo(RepairWait.MIN_WAIT_MILLIS);
        assertThat(s.packetsLate()).isEqualTo(r.timeline().lostPackets());
        assertThat(s.lost()).isEqualTo(r.timeline().lostPackets());
        assertThat(s.framesIncomplete()).isPositive();
        assertThat(s.framesReferenceLost()).as("frames after the loss depend on it").isPositive();
        assertThat(s.keyframeRequestsLoss()).isPositive();
        assertThat(r.recorder().keyframeRequests).anyMatch(q -> q.reason().startsWith("packet loss"));
    }

    @Test
    void aKeyframeIsAskedForOnlyOnceTheWaitForRepairHasExpired() throws Exception {
        Result r = run(120, -1);
        IngressStats s = r.stats();
        assertThat(s.keyframeRequestsLoss()).isPositive();
        Request first = r.recorder().keyframeRequests.stream().filter(q -> q.reason().startsWith("packet loss"))
                .findFirst().orElseThrow();
        long lossAt = r.timeline().startNanos() + r.timeline().firstLossMillis() * 1_000_000L;
        long afterMillis = (first.atNanos() - lossAt) / 1_000_000L;
        System.out.println("keyframe asked " + afterMillis + " ms after the first loss (wait "
                + s.reorderWaitMillis() + " ms)");
        assertThat(afterMillis).as("ms from the loss to the keyframe request").isGreaterThanOrEqualTo(190);
    }

    @Test
    void absurdRttHintsAreClampedAndCounted() {
        ParticipantIngress ingress = new ParticipantIngress("p1", VideoCodec.VP8, 96, -1, new Recorder());
        assertThat(ingress.setRttHint(-5)).isZero();
        assertThat(ingress.stats().reorderWaitMillis()).isEqualTo(RepairWait.MIN_WAIT_MILLIS);
        assertThat(ingress.setRttHint(3_600_000L)).isEqualTo(RepairWait.MAX_RTT_MILLIS);
        assertThat(ingress.stats().reorderWaitMillis()).isEqualTo(RepairWait.MAX_WAIT_MILLIS);
        assertThat(ingress.setRttHint(80)).isEqualTo(80);
        assertThat(ingress.stats().rttHintsClamped()).isEqualTo(2);
        assertThat(ingress.stats().rttMillis()).isEqualTo(80);
        assertThat(ingress.stats().reorderWaitMillis()).isEqualTo(140);
    }
}
