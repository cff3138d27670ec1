package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.parse;
import static io.ams.sfu.room.StagePackets.rtx;
import static io.ams.sfu.room.StagePackets.sent;
import static io.ams.sfu.room.StagePackets.vp8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.sdp.OfferBuilder;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The camera path alone: layer latching, repair, the engine feed and the relay to each receiver. */
class CameraReceiverTest {
    private static final long Q = 0x1000_0001L;
    private static final long H = 0x1000_0002L;
    private static final long H_RTX = 0x2000_0002L;
    private static final int RID = OfferBuilder.EXT_RID;
    private static final int REPAIRED = OfferBuilder.EXT_REPAIRED_RID;
    private static final InetSocketAddress ENGINE = new InetSocketAddress("127.0.0.1", 40000);

    private final Peer a = StagePackets.peer("a"); // the sender
    private final Peer b = StagePackets.peer("b");
    private final Peer c = StagePackets.peer("c");
    private final List<byte[]> toEngine = new ArrayList<>();
    private final List<CameraLayer> keyframesAsked = new ArrayList<>();
    private int layersChanged;
    private long now = 1_000_000_000L;
    private CameraReceiver camera;

    @BeforeEach
    void setUp() {
        a.ridExtId = RID;
        a.repairedRidExtId = REPAIRED;
        a.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        camera = new CameraReceiver(a, new CameraReceiver.Room() {
            @Override
            public Peer[] peers() {
                return new Peer[] {a, b, c};
            }

            @Override
            public InetSocketAddress engineRoute(Peer p) {
                return ENGINE;
            }

            @Override
            public void sendToEngine(DatagramPacket dp) {
                assertThat(dp.getSocketAddress()).isEqualTo(ENGINE);
                toEngine.add(Arrays.copyOfRange(dp.getData(), dp.getOffset(), dp.getOffset() + dp.getLength()));
            }

            @Override
            public void requestKeyframe(Peer src, CameraLayer layer) {
                keyframesAsked.add(layer);
            }

            @Override
            public void layersChanged(Peer p) {
                layersChanged++;
            }
        }, () -> now);
    }

    private void receive(byte[] packet) {
        now += 1_000_000;
        camera.onPacket(parse(packet), packet, 0, packet.length);
    }

    @Test
    void eachReceiverAndTheEngineGetTheLayerTheyTake() {
        b.mainRewriter.switchTo(H, now);
        c.mainRewriter.switchTo(Q, now);
        a.engineRewriter.switchTo(Q, now);

        receive(vp8(Q, 10, 900, true, 320, 180, RID, "q"));
        receive(vp8(H, 500, 900, true, 640, 360, RID, "h"));
        receive(vp8(Q, 11, 3900, false, 0, 0, RID, "q"));
        receive(vp8(H, 501, 3900, false, 0, 0, RID, "h"));

        assertThat(layersChanged).as("each new layer SSRC is announced once").isEqualTo(2);
        assertThat(a.camera.byRid("q").ssrc()).isEqualTo(Q);
        assertThat(a.camera.byRid("h").width()).isEqualTo(640);
        assertThat(a.camera.byRid("h").height()).isEqualTo(360);

        List<RtpPacket> toB = sent(b).rtpPackets();
        assertThat(toB).hasSize(2).allSatisfy(p -> assertThat(p.ssrc()).isEqualTo(b.mainSsrc));
        assertThat(toB.get(0).sequenceNumber() + 1 & 0xFFFF).as("one continuous stream").isEqualTo(toB.get(1).sequenceNumber());
        assertThat(payload(sent(b).rtp.get(0))).as("b takes the 640x360 layer").isEqualTo(payload(vp8(H, 0, 0, true, 640, 360, 0, null)));
        assertThat(payload(sent(c).rtp.get(0))).as("c takes the 320x180 layer").isEqualTo(payload(vp8(Q, 0, 0, true, 320, 180, 0, null)));
        assertThat(sent(a).rtp).as("nobody gets their own camera back").isEmpty();

        assertThat(toEngine).hasSize(2);
        RtpPacket first = parse(toEngine.get(0));
        assertThat(first.ssrc()).isEqualTo(a.engineSsrc);
        assertThat(toEngine.get(0)[0] & 0x10).as("extensions stripped for the engine").isZero();
        assertThat(a.forwarded.get()).isEqualTo(4);
    }

    @Test
    void aGapIsNackedAtOnceAndTheRtxRepairReachesTheReceiver() throws Exception {
        b.mainRewriter.switchTo(H, now);
        byte[] lost = vp8(H, 102, 6900, false, 0, 0, RID, "h");
        receive(vp8(H, 100, 900, true, 640, 360, RID, "h"));
        receive(vp8(H, 101, 3900, false, 0, 0, RID, "h"));
        receive(vp8(H, 103, 9900, false, 0, 0, RID, "h"));

        assertThat(sent(a).nacks()).singleElement().satisfies(n -> {
            assertThat(n.mediaSsrc()).isEqualTo(H);
            assertThat(n.lostSequenceNumbers()).containsExactly(102);
        });
        assertThat(a.nacksSent.get()).isEqualTo(1);

        receive(rtx(H_RTX, 7, 102, lost, REPAIRED, "h"));

        assertThat(a.camera.byRid("h").rtxSsrc()).as("RTX latched by its repaired-rid").isEqualTo(H_RTX);
        List<RtpPacket> toB = sent(b).rtpPackets();
        assertThat(toB).hasSize(4);
        RtpPacket repaired = toB.get(3);
        assertThat(repaired.ssrc()).isEqualTo(b.mainSsrc);
        assertThat(repaired.payloadType()).isEqualTo(OfferBuilder.VP8_PT);
        assertThat(repaired.sequenceNumber()).as("the repair takes the lost packet's place")
                .isEqualTo(toB.get(1).sequenceNumber() + 1 & 0xFFFF);
        assertThat(payload(sent(b).rtp.get(3))).isEqualTo(payload(lost));
        assertThat(a.rtpDropped.get()).isZero();
    }

    @Test
    void aGapTooLargeToRepairAsksForAKeyframeOfThatLayer() {
        receive(vp8(H, 100, 900, true, 640, 360, RID, "h"));
        receive(vp8(H, 1100, 90900, false, 0, 0, RID, "h"));

        assertThat(keyframesAsked).containsExactly(a.camera.byRid("h"));
    }

    @Test
    void packetsNoLayerFitsAreCountedAndGoNowhere() {
        b.mainRewriter.switchTo(H, now);
        receive(vp8(0x3000_0000L, 1, 900, true, 640, 360, RID, "x")); // a rid the answer did not have
        receive(rtx(0x4000_0000L, 1, 5, vp8(H, 5, 0, false, 0, 0, 0, null), 0, null)); // RTX with no repaired-rid
        receive(vp8(0x5000_0000L, 1, 900, true, 640, 360, 0, null)); // simulcast packet without rid, unknown SSRC

        assertThat(a.rtpDropped.get()).isEqualTo(3);
        assertThat(a.rtxUnknown.get()).isEqualTo(1);
        assertThat(a.camera.unknownRid()).isEqualTo(1);
        assertThat(sent(b).rtp).isEmpty();
        assertThat(toEngine).isEmpty();
        assertThat(layersChanged).isZero();
    }

    @Test
    void paddingProbesAreCountedNotRelayed() {
        b.mainRewriter.switchTo(H, now);
        receive(vp8(H, 100, 900, true, 640, 360, RID, "h"));
        receive(StagePackets.rtp(96, false, H, 101, 900, RID, "h".getBytes(), new byte[0]));

        assertThat(a.paddingIn.get()).isEqualTo(1);
        assertThat(sent(b).rtp).hasSize(1);
    }

    @Test
    void aSingleStreamSenderWithoutRidsIsRelayed() {
        a.camera.negotiate(List.of(), 0, 0); // aiortc, Firefox-style: one stream, no rid extension
        long ssrc = 0x6000_0000L;
        b.mainRewriter.switchTo(ssrc, now);
        receive(vp8(ssrc, 1, 900, true, 640, 480, 0, null));
        receive(vp8(ssrc, 2, 3900, false, 0, 0, 0, null));

        assertThat(a.camera.all()).singleElement().satisfies(l -> assertThat(l.ssrc()).isEqualTo(ssrc));
        assertThat(sent(b).rtpPackets()).hasSize(2);
        assertThat(a.camera.all()[0].width()).isEqualTo(640);
    }

    private static byte[] payload(byte[] packet) {
        RtpPacket p = parse(packet);
        return Arrays.copyOfRange(packet, p.payloadOffset(), p.payloadOffset() + p.payloadLength());
    }
}
