package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.sdp.OfferBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PLIs to the right sender, for the right layer, not more than one per layer in the interval. */
class KeyframeRequestsTest {
    private static final long Q = 0x1000_0001L;
    private static final long H = 0x1000_0002L;

    private final Peer a = StagePackets.peer("a");
    private final Peer b = StagePackets.peer("b");
    private final KeyframeRequests keyframes = new KeyframeRequests(() -> new Peer[] {a, b});

    @BeforeEach
    void layers() {
        a.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        a.camera.latch(Q, "q", System.nanoTime());
        a.camera.latch(H, "h", System.nanoTime());
    }

    private List<Long> plisTo(Peer p) throws Exception {
        List<Long> out = new ArrayList<>();
        for (byte[] r : sent(p).rtcp) {
            for (RtcpPacket x : RtcpParser.parse(r, 0, r.length)) {
                if (x instanceof RtcpPacket.Pli pli) {
                    out.add(pli.mediaSsrc());
                }
            }
        }
        return out;
    }

    @Test
    void aLayerSsrcFindsItsSenderAndManyAsksMakeOnePli() throws Exception {
        for (int i = 0; i < 5; i++) {
            keyframes.ofSsrc(H); // five receivers switch to a's 640x360 layer at once
        }
        keyframes.ofSsrc(Q);
        keyframes.ofSsrc(0x9999L); // nobody sends it
        keyframes.ofSsrc(-1);

        assertThat(plisTo(a)).containsExactly(H, Q);
        assertThat(sent(b).rtcp).isEmpty();
        assertThat(a.plisSent.get()).isEqualTo(2);

        Thread.sleep(KeyframeRequests.MIN_INTERVAL_MS + 50);
        keyframes.ofSsrc(H);
        assertThat(plisTo(a)).containsExactly(H, Q, H);
    }

    @Test
    void theEngineFeedAsksTheLayerItWaitsForElseTheOneItTakesElseTheSmallest() throws Exception {
        keyframes.ofEngineFeed(a); // no feed yet: it starts with the smallest layer
        assertThat(plisTo(a)).containsExactly(Q);

        a.engineRewriter.switchTo(H, System.nanoTime()); // the tile grew: the feed waits for H's keyframe
        keyframes.ofEngineFeed(a);
        assertThat(plisTo(a)).containsExactly(Q, H);
    }

    @Test
    void aCameraWithoutLayersIsNotAsked() {
        keyframes.ofEngineFeed(b);
        assertThat(sent(b).rtcp).isEmpty();
    }
}
