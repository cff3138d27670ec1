package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.ice.TurnSecret;
import io.ams.sfu.ice.TurnUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's P2P decisions: when two go peer to peer, what is relayed, and every way back to the server. */
class P2pControlTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the control told one client. */
    static final class Told implements PeerChannel {
        final List<String> types = new ArrayList<>();
        final List<Map<String, Object>> fields = new ArrayList<>();

        @Override
        public void p2p(String type, Map<String, ?> f) {
            types.add(type);
            fields.add(new java.util.HashMap<>(f));
        }

        Map<String, Object> last(String type) {
            for (int i = types.size() - 1; i >= 0; i--) {
                if (types.get(i).equals(type)) {
                    return fields.get(i);
                }
            }
            return null;
        }

        @Override
        public void offer(String sdp, Map<String, TrackRole> tracks) {
        }

        @Override
        public void participants(List<ParticipantView> list) {
        }

        @Override
        public void speaker(String main, String previous) {
        }

        @Override
        public void mix(boolean available) {
        }

        @Override
        public void error(String code, String message) {
        }

        @Override
        public void bye(String reason) {
        }
    }

    boolean recorded;
    final List<Boolean> parked = new java.util.ArrayList<>(); // what the room was told about the engine
    final P2pControl.Room room = new P2pControl.Room() {
        @Override
        public String id() {
            return "r";
        }

        @Override
        public boolean recorded() {
            return recorded;
        }

        @Override
        public void engineParked(boolean p) {
            parked.add(p);
        }

        @Override
        public void audioLevel(Peer p, int level, boolean voice, long nowMillis) {
            levels.add(p.id + " " + level + " " + voice + " " + nowMillis);
        }
    };
    final List<String> levels = new java.util.ArrayList<>(); // the audio levels p2p-stats fed the room

    static Peer peer(String id, boolean allows) {
        Peer p = new Peer(id, id, new Told(), null, 1, 1, 2, 3, ssrc -> { }, ssrc -> { });
        p.p2pAllowed = allows;
        return p;
    }

    static Told told(Peer p) {
        return (Told) p.channel;
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    final P2pControl control = new P2pControl(new P2pSettings(true, 1000, 2000, 10_000),
            new IceServers(List.of(TurnUri.parse("stun:stun.example.org:3478"), TurnUri.parse("turn:turn.example.org")),
                    TurnSecret.of("p2p-test-secret"), Duration.ofHours(1)), room);
    final Peer a = peer("p1", true);
    final Peer b = peer("p2", true);

    /** Two peers eligible for 1 s: p2p-start to both, then both report connected. */
    void upToP2p() throws Exception {
        control.tick(List.of(a, b), 0);
        control.tick(List.of(a, b), 999);
        assertThat(told(a).types).isEmpty();
        control.tick(List.of(a, b), 1000);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.CONNECTING);
        control.onMessage(a, "p2p-state", json("{\"state\":\"connected\"}"), 1200);
        assertThat(control.mode()).as("one side up is not enough").isEqualTo(P2pControl.Mode.CONNECTING);
        control.onMessage(b, "p2p-state", json("{\"state\":\"connected\"}"), 1300);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.P2P);
    }

    @Test
    void twoWhoAllowItGoPeerToPeerAfterTheDelayAndTheirMessagesAreRelayed() throws Exception {
        upToP2p();
        Map<String, Object> startA = told(a).last("p2p-start");
        assertThat(startA.get("peer")).isEqualTo("p2");
        assertThat(startA.get("initiator")).isEqualTo(true);
        assertThat(told(b).last("p2p-start").get("initiator")).isEqualTo(false);
        assertThat(startA.get("iceServers").toString()).contains("stun:stun.example.org:3478")
                .contains("turn:turn.example.org:3478").containsPattern("username=\\d+:p1,");
        assertThat(told(b).last("p2p-start").get("iceServers").toString()).as("each with credentials of its own")
                .containsPattern("username=\\d+:p2,");
        assertThat(told(a).last("media-mode").get("mode")).isEqualTo("p2p");
        assertThat(told(b).last("media-mode").get("mode")).isEqualTo("p2p");
        assertThat(control.modeOf(a)).isEqualTo("p2p");
        assertThat(parked).as("the engine gets none of the room while it runs peer to peer").containsExactly(true);

        control.onMessage(a, "p2p-offer", json("{\"sdp\":\"v=0 offer\"}"), 1400);
        assertThat(told(b).last("p2p-offer")).containsEntry("sdp", "v=0 offer").containsEntry("from", "p1");
        control.onMessage(b, "p2p-answer", json("{\"sdp\":\"v=0 answer\"}"), 1410);
        assertThat(told(a).last("p2p-answer")).containsEntry("sdp", "v=0 answer");
        control.onMessage(b, "p2p-candidate", json("{\"candidate\":\"candidate:1 1 udp 1 192.0.2.9 5000 typ host\",\"sdpMid\":\"0\"}"), 1420);
        assertThat(told(a).last("p2p-candidate")).containsEntry("sdpMid", "0");
        control.onMessage(b, "p2p-candidate", json("{\"candidate\":null}"), 1430);
        assertThat(told(a).last("p2p-candidate").get("candidate")).isNull();
        assertThat(control.messagesRelayed.get()).isEqualTo(4);
    }

    @Test
    void aCallWhereOneSideReceivesNothingDirectlyGoesBackToTheServer() throws Exception {
        upToP2p(); // P2P from 1300 ms
        long n = 0;
        for (long t = 1400; t <= 1300 + P2pControl.MEDIA_STALL_MILLIS + 2000; t += 500) {
            n += 25; // a's page keeps receiving b's media; b reports the same count over and over
            a.p2pLink.onReport(n, 0, n * 1000, 1, 5, t * 1_000_000L);
            b.p2pLink.onReport(40, 0, 40_000, 1, 5, t * 1_000_000L);
            control.tick(List.of(a, b), t);
            if (control.mode() != P2pControl.Mode.P2P) {
                break;
            }
        }
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.summary()).contains("p2 received nothing over the direct path for 5000 ms").contains("(failed 1)");
        assertThat(told(b).last("media-mode").get("mode")).isEqualTo("server");
        assertThat(parked).containsExactly(true, false);
    }

    @Test
    void aThirdARecordingOrALeaveTakesThemBackToTheServerFirstResumingMedia() throws Exception {
        upToP2p();
        Peer c = peer("p3", true);
        control.tick(List.of(a, b, c), 2000);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(parked).as("the room back in the engine").containsExactly(true, false);
        for (Peer p : List.of(a, b)) {
            List<String> t = told(p).types;
            assertThat(t.subList(t.size() - 2, t.size())).as("media resumes on the server, then P2P closes")
                    .containsExactly("media-mode", "p2p-stop");
            assertThat(told(p).last("media-mode").get("mode")).isEqualTo("server");
        }
        assertThat(told(c).types).isEmpty();
        // at two again: back to P2P after the delay
        control.tick(List.of(a, b), 3000);
        control.tick(List.of(a, b), 3999);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        control.tick(List.of(a, b), 4000);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.CONNECTING);
        control.onMessage(a, "p2p-state", json("{\"state\":\"connected\"}"), 4100);
        control.onMessage(b, "p2p-state", json("{\"state\":\"connected\"}"), 4100);
        recorded = true;
        control.tick(List.of(a, b), 4200);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.reason()).isEqualTo("the room is recorded");
        recorded = false;
        control.tick(List.of(a, b), 5000);
        control.tick(List.of(a, b), 6000);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.CONNECTING);
        control.onLeave(b, 6100);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(told(a).last("p2p-stop").get("reason")).isEqualTo("p2 left");
        assertThat(control.failures.get()).isZero();
    }

    @Test
    void aFailureOrNoConnectionInTimeStaysOnTheServerAndIsNotRetriedAtOnce() throws Exception {
        control.tick(List.of(a, b), 0);
        control.tick(List.of(a, b), 1000);
        control.onMessage(a, "p2p-state", json("{\"state\":\"connected\"}"), 1100);
        control.tick(List.of(a, b), 3001); // connect window of 2000 ms passed
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.failures.get()).isEqualTo(1);
        control.tick(List.of(a, b), 4000);
        control.tick(List.of(a, b), 9000);
        assertThat(control.mode()).as("not retried within 10 s").isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.reason()).isEqualTo("P2P failed for these two lately");
        control.tick(List.of(a, b), 13_100);
        control.tick(List.of(a, b), 14_200);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.CONNECTING);
        control.onMessage(b, "p2p-state", json("{\"state\":\"failed\",\"reason\":\"ICE failed\"}"), 14_300);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.reason()).contains("p2's P2P connection failed: ICE failed");
        assertThat(control.failures.get()).isEqualTo(2);
        // the other's own failure report, crossing the server's p2p-stop, is dropped quietly
        control.onMessage(a, "p2p-state", json("{\"state\":\"failed\",\"reason\":\"not connected\"}"), 14_400);
        assertThat(control.messagesLate.get()).isEqualTo(1);
        assertThat(control.messagesRefused.get()).isZero();
    }

    @Test
    void notEligibleWhenAClientDoesNotAllowItOrP2pIsOff() throws Exception {
        Peer old = peer("p9", false);
        control.tick(List.of(a, old), 0);
        control.tick(List.of(a, old), 5000);
        assertThat(control.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(control.reason()).isEqualTo("p9's client does not allow P2P");
        P2pControl off = new P2pControl(P2pSettings.off(), room);
        off.tick(List.of(a, b), 0);
        off.tick(List.of(a, b), 10_000);
        assertThat(off.mode()).isEqualTo(P2pControl.Mode.SERVER);
        assertThat(off.reason()).isEqualTo("P2P is off on this server");
    }

    @Test
    void messagesForTheWrongPeerOrStateAreRefusedInWords() throws Exception {
        assertThatThrownBy(() -> control.onMessage(a, "p2p-offer", json("{\"sdp\":\"x\"}"), 0))
                .hasMessageContaining("no peer-to-peer call of yours");
        upToP2p();
        Peer stranger = peer("p7", true);
        assertThatThrownBy(() -> control.onMessage(stranger, "p2p-candidate", json("{\"candidate\":\"c\"}"), 2000))
                .hasMessageContaining("no peer-to-peer call of yours");
        assertThatThrownBy(() -> control.onMessage(b, "p2p-offer", json("{\"sdp\":\"x\"}"), 2000))
                .hasMessageContaining("from the answering side");
        assertThatThrownBy(() -> control.onMessage(a, "p2p-offer", json("{}"), 2000)).hasMessageContaining("needs an 'sdp'");
        assertThatThrownBy(() -> control.onMessage(a, "p2p-candidate", json("{\"candidate\":5}"), 2000))
                .hasMessageContaining("'candidate' string");
        assertThatThrownBy(() -> control.onMessage(a, "p2p-state", json("{\"state\":\"maybe\"}"), 2000))
                .hasMessageContaining("connected or failed");
        assertThat(control.messagesRefused.get()).isEqualTo(6);
        assertThat(control.mode()).as("bad messages do not end the call").isEqualTo(P2pControl.Mode.P2P);
    }

    @Test
    void statsFeedTheSpeakerSelectorAndTheLinkOnlyDuringACall() throws Exception {
        assertThatThrownBy(() -> control.onMessage(a, "p2p-stats", json("{\"audioLevel\":20}"), 500))
                .hasMessageContaining("'p2p-stats' outside a peer-to-peer call");
        upToP2p();

        control.onMessage(a, "p2p-stats", json("{\"audioLevel\":20,\"link\":{\"packetsReceived\":50,\"packetsLost\":1,"
                + "\"bytesReceived\":40000,\"jitterMs\":3,\"rttMs\":20}}"), 1500);
        assertThat(a.lastVoiceMillis).as("louder than -50 dBov: speaking").isEqualTo(1500);
        assertThat(a.p2pLink.packetsReceived()).isEqualTo(50);
        b.audioMuted = true;
        control.onMessage(b, "p2p-stats", json("{\"audioLevel\":10}"), 1510); // muted: a level, but no voice
        control.onMessage(a, "p2p-stats", json("{\"audioLevel\":90}"), 1520);
        control.onMessage(a, "p2p-stats", json("{\"audioLevel\":300}"), 1530); // out of range: ignored
        assertThat(levels).containsExactly("p1 20 true 1500", "p2 10 false 1510", "p1 90 false 1520");
        assertThat(a.lastVoiceMillis).isEqualTo(1500);
        assertThat(b.lastVoiceMillis).isZero();

        assertThatThrownBy(() -> control.onMessage(a, "p2p-stats", json("{\"link\":{\"packetsReceived\":-5}}"), 1600))
                .hasMessageContaining("counters must be numbers of at least 0");

        control.tick(List.of(a), 1700); // b left: back to the server; a's stats from before it heard are late, no error
        control.onMessage(a, "p2p-stats", json("{\"audioLevel\":20}"), 1710);
        assertThat(control.messagesLate.get()).isEqualTo(1);
        assertThat(levels).hasSize(3);
    }
}
