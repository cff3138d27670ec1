package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.rtcp.RtcpWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RTCP about what we send one receiver: keyframe requests routed to the right source, NACKs from its caches. */
class RtcpReceiverTest {
    private static final long BROWSER = 0x0B0B_0B0BL;
    private static final long LAYER = 0x1000_0002L;

    private final Peer p = StagePackets.peer("p");
    private final List<Long> layerKeyframes = new ArrayList<>();
    private int mixKeyframes;
    private RtcpReceiver rtcp;

    @BeforeEach
    void setUp() {
        rtcp = new RtcpReceiver(p, new RtcpReceiver.Room() {
            @Override
            public void requestKeyframeOfLayer(long layerSsrc) {
                layerKeyframes.add(layerSsrc);
            }

            @Override
            public void requestMixKeyframe() {
                mixKeyframes++;
            }
        });
    }

    private void receive(byte[] b) {
        rtcp.onRtcp(b, 0, b.length);
    }

    @Test
    void aPliOnTheMainSlotAsksTheLayerItShowsAndOnTheMixSlotTheMix() {
        p.mainRewriter.switchTo(LAYER, 0); // waits for LAYER's keyframe: that is what the receiver needs
        receive(RtcpWriter.pli(BROWSER, p.mainSsrc));
        receive(RtcpWriter.fir(BROWSER, p.mixSsrc, 1));
        receive(RtcpWriter.pli(BROWSER, 0x9999L)); // an SSRC we never sent

        assertThat(layerKeyframes).containsExactly(LAYER);
        assertThat(mixKeyframes).isEqualTo(1);
        assertThat(p.keyframeRequestsIn.get()).isEqualTo(3);
    }

    @Test
    void aNackIsAnsweredFromTheSlotsCacheAndWhatIsGoneIsCounted() {
        byte[] main7 = StagePackets.rtp(96, false, p.mainSsrc, 7, 900, 0, null, new byte[] {0x10, 1, 2});
        byte[] mix7 = StagePackets.rtp(96, false, p.mixSsrc, 7, 900, 0, null, new byte[] {0x10, 9, 9});
        long now = System.nanoTime();
        p.mainCache.put(main7, 0, main7.length, now);
        p.mixCache.put(mix7, 0, mix7.length, now);

        receive(RtcpWriter.nack(BROWSER, p.mixSsrc, new int[] {7, 8}));

        assertThat(sent(p).rtp).singleElement().isEqualTo(mix7);
        assertThat(p.nacksAnswered.get()).isEqualTo(1);
        assertThat(p.nacksMissed.get()).as("8 was never sent").isEqualTo(1);

        receive(RtcpWriter.nack(BROWSER, 0x9999L, new int[] {7})); // not one of our slots: ignored
        assertThat(sent(p).rtp).hasSize(1);
    }

    @Test
    void aRembReachesTheDownlinkEstimator() {
        receive(RtcpWriter.remb(BROWSER, 250_000, p.mainSsrc, p.mixSsrc));
        assertThat(p.rtcpIn.get()).isEqualTo(1);
        assertThat(p.bwe.stats(System.nanoTime()).rembBps()).isBetween(245_000L, 255_000L); // REMB's mantissa rounds
    }

    @Test
    void garbageIsCountedAndTheNextCompoundStillWorks() {
        receive(new byte[] {(byte) 0x81, (byte) 200, 0x00, 0x7F, 1, 2}); // an SR that claims 128 words
        receive(new byte[0]);
        receive(RtcpWriter.pli(BROWSER, p.mixSsrc));

        assertThat(p.rtcpMalformed.get()).isEqualTo(2);
        assertThat(p.rtcpIn.get()).isEqualTo(1);
        assertThat(mixKeyframes).isEqualTo(1);
    }
}
