package io.ams.sfu.room;

import static io.ams.sfu.room.TestPeers.channel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.sfu.sdp.OfferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The main speaker (selector, screen share, operator's choice), what each participant sees in its main slot (pin,
 * main, previous, anyone with a camera), and what is announced and counted; with the standard selector and
 * time passed in.
 */
class MainSourceControlTest {
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private final List<String> changes = new ArrayList<>(); // "main/previous/mainChanged" as the room was told
    private final List<String> chosen = new ArrayList<>();  // the main speaker each time sources were chosen
    private final MainSourceControl control = new MainSourceControl(room(peers, changes, chosen));
    private Peer a;
    private Peer b;
    private Peer c;

    /** A room of {@code peers} that records what it was told in {@code changes} and {@code chosen}. */
    static MainSourceControl.Room room(Map<String, Peer> peers, List<String> changes, List<String> chosen) {
        return new MainSourceControl.Room() {
            @Override
            public String id() {
                return "r";
            }

            @Override
            public Map<String, Peer> peersById() {
                return peers;
            }

            @Override
            public void speakerChanged(String main, String previous, boolean mainChanged) {
                changes.add(main + "/" + previous + "/" + mainChanged);
            }

            @Override
            public void sourcesChosen(String main) {
                chosen.add(String.valueOf(main));
            }
        };
    }

    @BeforeEach
    void threeWithCameras() {
        a = join("a");
        b = join("b");
        c = join("c");
    }

    private Peer join(String id) {
        Peer p = TestPeers.peer(id);
        p.camera.negotiate(OfferBuilder.CAMERA_RIDS, 0, 0);
        p.camera.latch(SfuRoom.randomSsrc(), "q", System.nanoTime());
        peers.put(id, p);
        return p;
    }

    /** {@code id} speaks loudly every 20 ms from {@code from} to {@code to}; @return when the main speaker changed, or -1 */
    private long talk(String id, long from, long to) {
        long changedAt = -1;
        for (long t = from; t <= to; t += 20) {
            if (control.onAudioLevel(id, 10, true, t) && changedAt < 0) {
                changedAt = t;
            }
        }
        return changedAt;
    }

    private static String mains(Peer... ps) {
        StringBuilder s = new StringBuilder();
        for (Peer p : ps) {
            s.append(p.id).append("->").append(p.mainSource).append(' ');
        }
        return s.toString().trim();
    }

    @Test
    void withNobodySpeakingEveryoneSeesTheFirstOtherCamera() {
        control.update();
        assertThat(mains(a, b, c)).isEqualTo("a->b b->a c->a");
        assertThat(control.main()).isNull();
        assertThat(control.switches()).isZero();
        assertThat(chosen).containsExactly("null");

        Peer late = TestPeers.peer("d");
        control.tell(late); // nobody speaks yet: nothing to tell
        assertThat(channel(late).speakers).isEmpty();
    }

    @Test
    void theFirstVoiceIsMainAtOnceAndEveryoneIsTold() {
        assertThat(talk("b", 0, 0)).isZero();
        control.apply();

        assertThat(control.main()).isEqualTo("b");
        assertThat(control.previous()).isNull();
        assertThat(changes).containsExactly("b/null/true");
        for (Peer p : List.of(a, b, c)) {
            assertThat(channel(p).speakers).containsExactly("b/null");
        }
        assertThat(mains(a, b, c)).as("the speaker itself sees the first other camera").isEqualTo("a->b b->a c->b");
        assertThat(chosen).containsExactly("b");
        assertThat(control.switches()).isEqualTo(1);

        control.apply(); // nothing new: sources chosen again, nothing announced or counted
        assertThat(changes).hasSize(1);
        assertThat(channel(a).speakers).hasSize(1);
        assertThat(control.switches()).isEqualTo(1);
        assertThat(chosen).containsExactly("b", "b");

        Peer late = TestPeers.peer("d");
        control.tell(late);
        assertThat(channel(late).speakers).containsExactly("b/null");
    }

    @Test
    void anotherVoiceTakesOverOnlyAfterTheHoldAndTheOldOneIsPrevious() {
        talk("a", 0, 0);
        control.apply();
        long switchedAt = talk("c", 20, 3000);
        assertThat(switchedAt).as("main for 1.5 s before anyone takes over").isEqualTo(1500);
        control.apply();

        assertThat(control.main()).isEqualTo("c");
        assertThat(control.previous()).isEqualTo("a");
        assertThat(changes).containsExactly("a/null/true", "c/a/true");
        assertThat(channel(b).speakers).containsExactly("a/null", "c/a");
        assertThat(mains(a, b, c)).as("the new speaker sees the previous one").isEqualTo("a->c b->c c->a");
        assertThat(control.switches()).isEqualTo(2);
    }

    @Test
    void theTickNoticesADominatingSpeakerBetweenSamples() {
        talk("a", 0, 0);
        control.apply();
        assertThat(talk("c", 20, 1480)).as("within the hold").isEqualTo(-1);
        control.tick(1490);
        assertThat(control.main()).isEqualTo("a");

        control.tick(1500); // c's last sample is 20 ms old: it still dominates
        assertThat(control.main()).isEqualTo("c");
        assertThat(control.switches()).isEqualTo(2);
        assertThat(c.mainSource).isEqualTo("a");
    }

    @Test
    void aPinWinsOverTheSpeakerAndAnUnknownOrOwnPinUnpins() {
        talk("a", 0, 0);
        control.apply();
        control.pin(c, "b");
        assertThat(c.pinned).isEqualTo("b");
        assertThat(mains(a, b, c)).isEqualTo("a->b b->a c->b");

        talk("b", 20, 1600);
        control.apply(); // b speaks now; c keeps its pin, a sees b
        assertThat(control.main()).isEqualTo("b");
        assertThat(mains(a, b, c)).isEqualTo("a->b b->a c->b");

        control.pin(c, "nobody");
        assertThat(c.pinned).isNull();
        assertThat(c.mainSource).isEqualTo("b");
        control.pin(c, "a");
        control.pin(c, "c");
        assertThat(c.pinned).as("a pin of oneself unpins").isNull();
        assertThat(control.switches()).as("pins are no speaker changes").isEqualTo(2);
    }

    @Test
    void anOperatorsChoiceOverridesTheVoicesUntilCleared() throws Exception {
        talk("a", 0, 0);
        control.apply();
        control.setMainSpeaker("c", 100);
        assertThat(control.main()).isEqualTo("c");
        assertThat(control.override()).isEqualTo("c");
        assertThat(changes).containsExactly("a/null/true", "c/a/true");

        assertThat(talk("b", 120, 4000)).as("voices do not switch while forced").isEqualTo(-1);
        assertThat(control.main()).isEqualTo("c");

        control.setMainSpeaker(null, 4000); // automatic again; c stays main for the hold
        assertThat(control.override()).isNull();
        assertThat(control.main()).isEqualTo("c");
        assertThat(talk("b", 4020, 5480)).isEqualTo(-1);
        assertThat(talk("b", 5500, 5500)).isEqualTo(5500);

        assertThatThrownBy(() -> control.setMainSpeaker("nobody", 6000)).isInstanceOf(RoomException.class)
                .hasMessageContaining("'nobody' is not in room 'r'");
    }

    @Test
    void aScreenShareIsEveryonesMainVideoAndReceivesNothing() {
        talk("a", 0, 0);
        control.apply();
        Peer s = join("s3");
        s.screenOf = "a";
        control.screenShared("s3", 100);
        control.apply();

        assertThat(control.main()).isEqualTo("s3");
        assertThat(control.override()).isEqualTo("s3");
        assertThat(mains(a, b, c)).isEqualTo("a->s3 b->s3 c->s3");
        assertThat(s.mainSource).isNull();

        peers.remove("s3"); // the share ends: back to the voices
        control.left(s, 200);
        control.apply();
        assertThat(control.main()).isEqualTo("a");
        assertThat(control.override()).isNull();
        assertThat(mains(a, b, c)).isEqualTo("a->b b->a c->a");
    }

    @Test
    void whenTheMainSpeakerLeavesThePreviousIsMainAndPinsOnItAreDropped() {
        talk("a", 0, 0);
        control.apply();
        talk("b", 20, 1600);
        control.apply();
        control.pin(c, "b");
        assertThat(control.main()).isEqualTo("b");

        peers.remove("b");
        control.left(b, 2000);
        assertThat(c.pinned).isNull();
        control.apply();

        assertThat(control.main()).isEqualTo("a");
        assertThat(control.previous()).isNull();
        assertThat(changes).containsExactly("a/null/true", "b/a/true", "a/null/true");
        assertThat(channel(c).speakers).containsExactly("a/null", "b/a", "a/null");
        assertThat(mains(a, c)).isEqualTo("a->c c->a");
        assertThat(control.switches()).isEqualTo(3);

        assertThat(talk("c", 2020, 4000)).isEqualTo(3500);
        control.apply();
        peers.remove("a"); // the previous speaker leaving changes only who is previous
        control.left(a, 4000);
        control.apply();
        assertThat(changes).endsWith("c/a/true", "c/null/false");
        assertThat(control.switches()).isEqualTo(5);
    }
}
