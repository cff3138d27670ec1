package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.sdp.Direction;
import io.ams.sfu.sdp.OfferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The room's delivery decision applied to its receivers: threshold, negotiation, the engine's audio fresh or stale. */
class MixedAudioControlTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final byte[] out = new byte[2048];

    private static List<Peer> peers(int n) {
        List<Peer> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(TestPeers.peer("p" + i));
        }
        return list;
    }

    /** A second of the engine's mix for {@code p}, one packet every {@code everyMs}, the last at {@code now}. */
    private void engineAudio(Peer p, long now, int everyMs) throws Exception {
        for (int i = 1000 / everyMs - 1; i >= 0; i--) {
            p.mixedAudio.onEnginePacket(MixedAudioTest.opus(7000, 1000 - i, 960L * (1000 - i)), now - i * everyMs * MS, out);
        }
    }

    private void engineAudio(Peer p, long now) throws Exception {
        engineAudio(p, now, 20);
    }

    @Test
    void slotsAreAddedOnlyOnceTheRoomReachesTheThresholdAndSitAfterTheForwardedSlotsOfferedSoFar() {
        MixedAudioControl c = new MixedAudioControl("r", 2);
        List<Peer> room = peers(2);
        room.get(0).audioSlots.add(new Peer.AudioSlot("4", 11, "p2"));
        assertThat(c.addSlots(room)).isEmpty();
        assertThat(room.get(0).mixedAudio).isNull();
        room.add(TestPeers.peer("p3"));
        assertThat(c.addSlots(room)).containsExactlyElementsOf(room);
        assertThat(room.get(0).mixedAudio.position).isEqualTo(1);
        assertThat(room.get(1).mixedAudio.position).isZero();
        assertThat(c.addSlots(room)).as("once").isEmpty();

        List<OfferBuilder.Section> sections = new ArrayList<>();
        Map<String, PeerChannel.TrackRole> roles = new LinkedHashMap<>();
        MixedAudioControl.offerSection(room.get(0), 0, 7, sections, roles);
        assertThat(sections).as("not before the first forwarded slot").isEmpty();
        MixedAudioControl.offerSection(room.get(0), 1, 7, sections, roles);
        assertThat(sections).hasSize(1);
        assertThat(sections.get(0).mid()).isEqualTo(MixedAudio.MID);
        assertThat(sections.get(0).direction()).isEqualTo(Direction.SENDONLY);
        assertThat(sections.get(0).ssrc()).isEqualTo(room.get(0).mixedAudio.ssrc);
        assertThat(roles.get(MixedAudio.MID)).isEqualTo(new PeerChannel.TrackRole("mixed-audio", null));
        assertThat(room.get(0).mixedAudio.offeredIn).isEqualTo(7);
    }

    @Test
    void aReceiverSwitchesToMixedOnlyWhenNegotiatedAndFedAndBackAtOnceWhenTheEngineStopsOrTheRoomShrinks() throws Exception {
        MixedAudioControl c = new MixedAudioControl("r", 2);
        List<Peer> room = peers(3);
        c.addSlots(room);
        Peer p1 = room.get(0);
        long t = 10_000 * MS;
        engineAudio(p1, t);
        c.update(room, t);
        assertThat(c.roomMixed()).isTrue();
        assertThat(MixedAudioControl.modeOf(p1)).as("slot not answered yet").isEqualTo(AudioDelivery.Mode.FORWARDED);
        assertThat(TestPeers.channel(p1).audioModes).isEmpty();

        p1.mixedAudio.negotiated = true;
        room.get(1).mixedAudio.negotiated = true; // negotiated, but the engine sends it nothing
        c.update(room, t + 20 * MS);
        assertThat(MixedAudioControl.modeOf(p1)).isEqualTo(AudioDelivery.Mode.MIXED);
        assertThat(TestPeers.channel(p1).audioModes).containsExactly("mixed");
        assertThat(MixedAudioControl.modeOf(room.get(1))).isEqualTo(AudioDelivery.Mode.FORWARDED);
        assertThat(p1.mixedAudio.replacesForwarded(t + 20 * MS)).isTrue();

        c.update(room, t + 20 * MS + MixedAudio.FRESH_NANOS); // the engine's audio stopped (engine down)
        assertThat(MixedAudioControl.modeOf(p1)).isEqualTo(AudioDelivery.Mode.FORWARDED);
        assertThat(TestPeers.channel(p1).audioModes).containsExactly("mixed", "forwarded");

        long t2 = t + 2000 * MS;
        engineAudio(p1, t2); // back, but it failed 1.9 s ago: not yet
        c.update(room, t2);
        assertThat(MixedAudioControl.modeOf(p1)).as("held back after a stall").isEqualTo(AudioDelivery.Mode.FORWARDED);
        t2 = t + 4000 * MS;
        engineAudio(p1, t2); // steady for 3 s since the stall
        c.update(room, t2);
        assertThat(TestPeers.channel(p1).audioModes).containsExactly("mixed", "forwarded", "mixed");

        engineAudio(p1, t2 + 3000 * MS, 40); // the engine short of CPU: every other frame
        c.update(room, t2 + 3000 * MS);
        assertThat(MixedAudioControl.modeOf(p1)).as("choppy mixed audio: forwarded is better").isEqualTo(AudioDelivery.Mode.FORWARDED);
        engineAudio(p1, t2 + 4000 * MS);
        c.update(room, t2 + 4000 * MS);
        assertThat(MixedAudioControl.modeOf(p1)).as("no flapping: 1 s after the trouble").isEqualTo(AudioDelivery.Mode.FORWARDED);
        engineAudio(p1, t2 + 6500 * MS);
        c.update(room, t2 + 6500 * MS);
        assertThat(MixedAudioControl.modeOf(p1)).isEqualTo(AudioDelivery.Mode.MIXED);
        t2 += 6500 * MS;

        room.remove(2); // someone left: back to the threshold
        c.update(room, t2 + 10 * MS);
        assertThat(c.roomMixed()).isFalse();
        assertThat(MixedAudioControl.modeOf(p1)).isEqualTo(AudioDelivery.Mode.FORWARDED);
        assertThat(TestPeers.channel(p1).audioModes).containsExactly("mixed", "forwarded", "mixed", "forwarded", "mixed", "forwarded");
        assertThat(p1.mixedAudio).as("the slot stays negotiated for the next time").isNotNull();
        assertThat(c.switches.get()).isEqualTo(6);
    }

    @Test
    void thresholdZeroMixesEvenTwoAndMinusOneNeverOffersASlot() {
        MixedAudioControl always = new MixedAudioControl("r", 0);
        assertThat(always.addSlots(peers(1))).hasSize(1);
        MixedAudioControl never = new MixedAudioControl("r", -1);
        assertThat(never.addSlots(peers(50))).isEmpty();
    }
}
