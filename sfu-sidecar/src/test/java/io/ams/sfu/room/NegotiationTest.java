package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.sfu.sdp.SessionDescription;
import io.ams.sfu.transport.DtlsIdentity;
import io.ams.sfu.transport.MediaPort;
import io.ams.sfu.transport.PeerTransport;
import io.ams.sfu.transport.TransportConfig;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The offer a participant gets and what its answer changes, against a real transport on loopback. */
class NegotiationTest {
    private static final DtlsIdentity IDENTITY = DtlsIdentity.generate();

    private MediaPort port;
    private PeerTransport transport;
    private Peer p;

    @BeforeEach
    void open() {
        port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of()), IDENTITY);
        transport = port.newPeer("r/p1");
        p = new Peer("p1", "Ann", new TestPeers.RecordingChannel(), transport, 7, SfuRoom.randomSsrc(), SfuRoom.randomSsrc(),
                SfuRoom.randomSsrc(), ssrc -> { }, ssrc -> { });
    }

    @AfterEach
    void close() {
        transport.close();
        port.close();
    }

    private SessionDescription lastOffer() throws Exception {
        List<String> offers = TestPeers.channel(p).offers;
        return SessionDescription.parse(offers.get(offers.size() - 1));
    }

    @Test
    void theOfferAsksForSimulcastLayersOrOneStream() throws Exception {
        new Negotiation("r", true).sendOffer(p);
        String sdp = TestPeers.channel(p).offers.get(0);
        assertThat(sdp).contains("a=simulcast:recv q;h;f", "a=rid:q recv", "a=rid:f recv");
        assertThat(lastOffer().byMid("1").direction().receives()).isTrue();

        new Negotiation("r", false).applyAnswer(p, answer(false, "4"));
        new Negotiation("r", false).sendOffer(p);
        assertThat(TestPeers.channel(p).offers.get(1)).doesNotContain("a=simulcast", "a=rid:");
        assertThat(lastOffer().byMid("1").direction().receives()).isTrue();
    }

    @Test
    void everyOtherParticipantHasAnAudioSlotAndAFreedSlotIsReused() throws Exception {
        Negotiation n = new Negotiation("r", true);
        Negotiation.assignSlot(p, "p2");
        Negotiation.assignSlot(p, "p3");
        n.sendOffer(p);

        SessionDescription offer = lastOffer();
        assertThat(offer.byMid("2").direction().sends()).as("the main video").isTrue();
        assertThat(offer.byMid("3").direction().sends()).as("the mix").isTrue();
        long slot4 = p.audioSlots.get(0).ssrc;
        assertThat(offer.byMid("4").ssrcs()).containsExactly(slot4);
        assertThat(offer.byMid("5").direction().sends()).isTrue();
        String sdp = TestPeers.channel(p).offers.get(0);
        assertThat(sdp).as("each sender's audio under its own CNAME (lip sync); ours under ams")
                .contains("a=ssrc:" + slot4 + " cname:ams-p2", "a=ssrc:" + p.audioSlots.get(1).ssrc + " cname:ams-p3",
                        "a=ssrc:" + p.mainSsrc + " cname:ams");
        assertThat(TestPeers.channel(p).offerTracks.get(0)).containsEntry("4", new PeerChannel.TrackRole("audio", "p2"))
                .containsEntry("2", new PeerChannel.TrackRole("main", null));

        n.applyAnswer(p, answer(true, "4", "5"));
        p.audioSlots.get(0).senderId = null; // p2 left
        n.sendOffer(p);
        assertThat(lastOffer().byMid("4").direction().sends()).as("p2's slot is inactive").isFalse();
        n.applyAnswer(p, answer(true, "4", "5"));
        assertThat(p.audioSlots.get(0).negotiated).isFalse();

        Negotiation.assignSlot(p, "p4");
        assertThat(p.audioSlots).hasSize(2);
        assertThat(p.audioSlots.get(0).mid).isEqualTo("4");
        assertThat(p.audioSlots.get(0).ssrc).as("a new SSRC for the new sender").isNotEqualTo(slot4);
    }

    @Test
    void theAnswerSaysWhatTheParticipantSends() throws Exception {
        Negotiation n = new Negotiation("r", true);
        Negotiation.assignSlot(p, "p2");
        n.sendOffer(p);

        assertThat(n.applyAnswer(p, answer(true, "4"))).as("it sends media").isTrue();

        assertThat(p.transportStarted).isTrue();
        assertThat(p.micSsrc).isEqualTo(1111);
        assertThat(p.audioLevelExtId).isEqualTo(1);
        assertThat(p.camera.simulcast()).isTrue();
        assertThat(p.camera.rids()).containsExactly("q", "h", "f");
        assertThat(p.ridExtId).isEqualTo(10);
        assertThat(p.repairedRidExtId).isEqualTo(11);
        assertThat(p.audioSlots.get(0).negotiated).isTrue();
        assertThat(p.awaitingAnswer).isFalse();
    }

    @Test
    void oneOfferAtATime() throws Exception {
        Negotiation n = new Negotiation("r", true);
        n.sendOffer(p);
        Negotiation.assignSlot(p, "p2");
        n.sendOffer(p); // p2 joined before p answered

        assertThat(TestPeers.channel(p).offers).hasSize(1);
        assertThat(p.needsOffer).isTrue();
        n.applyAnswer(p, answer(true));
        assertThat(p.needsOffer).as("the room offers again after the answer").isTrue();
        n.sendOffer(p);
        assertThat(TestPeers.channel(p).offers).hasSize(2);
        assertThat(lastOffer().byMid("4")).isNotNull();
    }

    @Test
    void unusableAnswersAreRefusedAndChangeNothing() {
        Negotiation n = new Negotiation("r", true);
        assertThatThrownBy(() -> n.applyAnswer(p, answer(true))).hasMessageContaining("no offer is waiting");

        n.sendOffer(p);
        assertThatThrownBy(() -> n.applyAnswer(p, "v=0\r\ngarbage")).isInstanceOf(RoomException.class)
                .hasMessageContaining("unusable");
        assertThatThrownBy(() -> n.applyAnswer(p, answer(true).replace("a=mid:1", "a=mid:9")))
                .hasMessageContaining("lacks mid 0 (microphone) or mid 1 (camera)");
        assertThatThrownBy(() -> n.applyAnswer(p, answer(true).replace("rtpmap:96 VP8", "rtpmap:96 H264")))
                .hasMessageContaining("VP8 with payload type 96");

        assertThat(p.awaitingAnswer).as("the offer still waits").isTrue();
        assertThat(p.transportStarted).isFalse();
        assertThat(p.camera.any()).isFalse();
    }

    /** An answer as Chrome gives it: microphone and camera sent (simulcast or one stream), everything else received. */
    private static String answer(boolean simulcast, String... audioMids) {
        StringBuilder s = new StringBuilder("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        s.append("a=group:BUNDLE 0 1 2 3").append(audioMids.length == 0 ? "" : " " + String.join(" ", audioMids)).append("\r\n");
        s.append("a=ice-ufrag:Kq8p\r\na=ice-pwd:Vb2n2DrbB0mUB1c3sJ2c7hzX\r\n");
        s.append("a=fingerprint:sha-256 ").append(IDENTITY.fingerprintSha256()).append("\r\na=setup:active\r\n");
        s.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n")
                .append("a=rtpmap:111 opus/48000/2\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n")
                .append("a=ssrc:1111 cname:x\r\n");
        s.append("m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n")
                .append("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n")
                .append("a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n")
                .append("a=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n");
        if (simulcast) {
            s.append("a=rid:q send\r\na=rid:h send\r\na=rid:f send\r\na=simulcast:send q;h;f\r\n");
        } else {
            s.append("a=ssrc-group:FID 2222 3333\r\na=ssrc:2222 cname:x\r\na=ssrc:3333 cname:x\r\n");
        }
        for (String mid : new String[] {"2", "3"}) {
            s.append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(mid)
                    .append("\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n");
        }
        for (String mid : audioMids) {
            s.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:").append(mid)
                    .append("\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n");
        }
        return s.toString();
    }
}
