package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.relay.NackTracker;
import io.ams.sfu.relay.TwccFeedback;
import io.ams.sfu.sdp.OfferBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The timer's feedback to a sender: NACK retries per camera layer, the RTT they measure, transport-cc. */
class UplinkFeedbackTest {
    private static final long Q = 0x1000_0001L;
    private static final long H = 0x1000_0002L;
    private final Peer p = StagePackets.peer("p");

    @Test
    void missingPacketsOfEachLayerAreAskedForAgainOnTheTimer() throws Exception {
        p.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        long t0 = System.nanoTime();
        CameraLayer q = p.camera.latch(Q, "q", t0);
        CameraLayer h = p.camera.latch(H, "h", t0);
        NackTracker hLoss = h.loss();
        synchronized (hLoss) {
            hLoss.onPacket(10, t0);
            hLoss.onPacket(13, t0); // 11 and 12 missing
            hLoss.buildNack(SfuRoom.SFU_SSRC, H, t0); // the first NACK went out at once (CameraReceiver)
        }
        synchronized (q.loss()) {
            q.loss().onPacket(1, t0);
            q.loss().onPacket(2, t0);
        }

        long retry = t0 + TimeUnit.MILLISECONDS.toNanos(150);
        UplinkFeedback.sendNacks(p, SfuRoom.SFU_SSRC, retry);

        assertThat(sent(p).nacks()).singleElement().satisfies(n -> {
            assertThat(n.mediaSsrc()).as("only the layer with a gap").isEqualTo(H);
            assertThat(n.lostSequenceNumbers()).containsExactly(11, 12);
        });
        assertThat(p.nacksSent.get()).isEqualTo(1);

        synchronized (hLoss) {
            hLoss.onPacket(11, retry + TimeUnit.MILLISECONDS.toNanos(40)); // the repair: 190 ms after the first NACK
        }
        int rtt = UplinkFeedback.sendNacks(p, SfuRoom.SFU_SSRC, retry + TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(rtt).as("the worst layer's RTT").isBetween(150, 250);
    }

    @Test
    void noGapNoNackAndAnUnknownRttIsMinusOne() {
        p.camera.negotiate(java.util.List.of(), 0, 0);
        p.camera.latch(Q, null, System.nanoTime());
        assertThat(UplinkFeedback.sendNacks(p, SfuRoom.SFU_SSRC, System.nanoTime())).isEqualTo(-1);
        assertThat(sent(p).rtcp).isEmpty();
    }

    @Test
    void transportCcFeedbackIsSentWhenDue() throws Exception {
        UplinkFeedback.sendTransportCc(p, System.nanoTime()); // no extension negotiated: nothing
        assertThat(sent(p).rtcp).isEmpty();

        long t0 = System.nanoTime();
        p.twcc = new TwccFeedback(SfuRoom.SFU_SSRC, Q, TimeUnit.MILLISECONDS.toNanos(100));
        synchronized (p.twcc) {
            for (int seq = 0; seq < 5; seq++) {
                p.twcc.onPacket(seq, t0 + seq * 1_000_000L);
            }
        }
        UplinkFeedback.sendTransportCc(p, t0 + TimeUnit.MILLISECONDS.toNanos(120));

        assertThat(sent(p).rtcp).isNotEmpty();
        byte[] fb = sent(p).rtcp.get(0);
        assertThat(RtcpParser.parse(fb, 0, fb.length)).singleElement().isInstanceOf(RtcpPacket.TransportCc.class);
    }
}
