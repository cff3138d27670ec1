package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.opus;
import static io.ams.sfu.room.StagePackets.sent;
import static io.ams.sfu.room.StagePackets.vp8;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.layers.CameraLayer;
import io.ams.sfu.sdp.OfferBuilder;
import io.ams.sfu.transport.PeerTransport;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first stage of a participant's media: each packet to its path by SSRC and payload type, RTCP apart. */
class PeerMediaListenerTest {
    private static final long MIC = 0x7000_0001L;
    private static final long CAM = 0x6000_0001L;

    private final Peer a = StagePackets.peer("a");
    private final Peer b = StagePackets.peer("b");
    private int ready;
    private PeerMediaListener listener;

    @BeforeEach
    void setUp() {
        a.camera.negotiate(List.of(), 0, 0);
        a.twccExtId = OfferBuilder.EXT_TRANSPORT_CC;
        Peer[] peers = {a, b};
        b.audioSlots.add(new Peer.AudioSlot("4", SfuRoom.randomSsrc(), "a"));
        b.publishSlots();
        b.audioSlotFor("a").negotiated = true;
        b.mainRewriter.switchTo(CAM, System.nanoTime());
        CameraReceiver camera = new CameraReceiver(a, new CameraReceiver.Room() {
            @Override
            public Peer[] peers() {
                return peers;
            }

            @Override
            public InetSocketAddress engineRoute(Peer p) {
                return null;
            }

            @Override
            public void sendToEngine(DatagramPacket dp) {
            }

            @Override
            public void requestKeyframe(Peer src, CameraLayer layer) {
            }

            @Override
            public void layersChanged(Peer p) {
            }
        }, System::nanoTime);
        AudioReceiver audio = new AudioReceiver(a, new AudioReceiver.Room() {
            @Override
            public Peer[] peers() {
                return peers;
            }

            @Override
            public void onAudioLevel(Peer p, int level, boolean voice, long nowMillis) {
            }

            @Override
            public InetSocketAddress engineRoute(Peer p) {
                return null;
            }

            @Override
            public void sendToEngine(DatagramPacket dp) {
            }
        });
        RtcpReceiver rtcp = new RtcpReceiver(a, new RtcpReceiver.Room() {
            @Override
            public void requestKeyframeOfLayer(long layerSsrc) {
            }

            @Override
            public void requestMixKeyframe() {
            }
        });
        listener = new PeerMediaListener("r", a, camera, audio, rtcp, () -> ready++);
    }

    private void rtp(byte[] packet) {
        listener.onRtp(packet, 0, packet.length);
    }

    @Test
    void opusGoesToTheMicrophonePathAndVp8ToTheCamera() {
        rtp(opus(MIC, 1, 960, 0, 0, false));
        rtp(vp8(CAM, 1, 900, true, 640, 360, 0, null));

        assertThat(a.micSsrc).as("the first Opus SSRC is the microphone").isEqualTo(MIC);
        assertThat(sent(b).rtpPackets()).extracting(p -> p.payloadType()).containsExactly(111, 96);
        assertThat(sent(b).rtpPackets().get(1).ssrc()).isEqualTo(b.mainSsrc);
        assertThat(a.rtpIn.get()).isEqualTo(2);
        assertThat(a.rtpDropped.get()).isZero();
    }

    @Test
    void otherPayloadTypesAndGarbageAreDroppedAndCounted() {
        rtp(StagePackets.rtp(100, false, CAM, 1, 0, 0, null, new byte[] {1, 2}));
        rtp(new byte[] {1, 2, 3});
        rtp(opus(MIC, 1, 960, 0, 0, false));

        assertThat(a.rtpDropped.get()).isEqualTo(2);
        assertThat(a.rtpIn.get()).as("garbage is not counted as RTP in").isEqualTo(2);
        assertThat(sent(b).rtp).hasSize(1);
    }

    @Test
    void transportWideSequenceNumbersAreRecordedForFeedback() {
        byte[] seq = {0x01, 0x02};
        rtp(StagePackets.rtp(96, true, CAM, 1, 900, OfferBuilder.EXT_TRANSPORT_CC, seq,
                vp8(CAM, 0, 0, true, 640, 360, 0, null).clone()));

        assertThat(a.twcc).as("feedback started at the first packet with the extension").isNotNull();
        long due = System.nanoTime() + 1_000_000_000L;
        synchronized (a.twcc) {
            assertThat(a.twcc.poll(due)).as("feedback about packet 258").isNotEmpty();
        }
    }

    @Test
    void readyRestartsItsMainSlotAtAKeyframeAndTellsTheRoom() {
        long bCam = 0x5000_0001L;
        a.mainRewriter.switchTo(bCam, System.nanoTime());
        byte[] key = vp8(bCam, 1, 900, true, 640, 360, 0, null);
        a.mainRewriter.rewrite(StagePackets.parse(key), System.nanoTime(), new byte[2048], 0);
        assertThat(a.mainRewriter.currentSource()).isEqualTo(bCam);

        listener.onState(PeerTransport.State.READY, null); // what was relayed before is lost: start at a fresh keyframe

        assertThat(a.mainRewriter.currentSource()).isEqualTo(io.ams.sfu.relay.StreamRewriter.NONE);
        assertThat(a.mainRewriter.pendingSource()).isEqualTo(bCam);
        assertThat(ready).isEqualTo(1);
    }

    @Test
    void aFailedTransportEndsTheSession() {
        listener.onState(PeerTransport.State.FAILED, "consent expired");
        assertThat(ready).isZero();
        assertThat(TestPeers.channel(a).byes).singleElement().asString().contains("media connection failed");
    }

    @Test
    void aFailureBeforeReadySaysWhetherIceOrDtlsDidNotComplete() {
        listener.onState(PeerTransport.State.CHECKING, "ICE checks started");
        listener.onState(PeerTransport.State.FAILED, "ICE failed: no candidate pair succeeded");
        assertThat(a.setupFailedIn).isEqualTo(PeerTransport.State.CHECKING);
        assertThat(RelayTotals.of(a).iceFailed()).isEqualTo(1);
        assertThat(RelayTotals.of(a).dtlsFailed()).isZero();
    }

    @Test
    void aFailureAfterReadyIsNoSetupFailure() {
        listener.onState(PeerTransport.State.CHECKING, null);
        listener.onState(PeerTransport.State.CONNECTED, null);
        listener.onState(PeerTransport.State.READY, null);
        listener.onState(PeerTransport.State.FAILED, "peer silent");
        assertThat(a.setupFailedIn).isNull();
        assertThat(RelayTotals.of(a).iceFailed() + RelayTotals.of(a).dtlsFailed()).isZero();
    }
}
