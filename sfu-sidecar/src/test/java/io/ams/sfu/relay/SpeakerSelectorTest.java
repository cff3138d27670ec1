package io.ams.sfu.relay;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scripted audio level sequences, one sample per participant every 20 ms (as Opus packets arrive). */
class SpeakerSelectorTest {
    private static final int TALK = 30;      // -30 dBov, voice
    private static final int SILENCE = 127;

    private final SpeakerSelector s = SpeakerSelector.standard();
    private long now;
    private final List<String> changes = new ArrayList<>();

    /** Runs {@code millis} of 20 ms samples; {@code levels[i]} is participant i's level (voice flag when < 127). */
    private void run(long millis, String[] ids, int... levels) {
        for (long t = 0; t < millis; t += 20) {
            now += 20;
            for (int i = 0; i < ids.length; i++) {
                if (s.onAudioLevel(ids[i], levels[i], levels[i] < SILENCE, now)) {
                    changes.add(now + ":" + s.main());
                }
            }
        }
    }

    private static final String[] AB = {"A", "B"};
    private static final String[] ABC = {"A", "B", "C"};

    @Test
    void briefInterruptionDoesNotSwitchButSustainedSpeechDoes() {
        run(2000, AB, TALK, SILENCE);
        assertThat(s.main()).isEqualTo("A");
        assertThat(s.previous()).isNull();
        run(200, AB, SILENCE, TALK - 10);      // B interrupts for 200 ms while A pauses
        run(1000, AB, TALK, SILENCE);           // A goes on
        assertThat(s.main()).isEqualTo("A");
        run(1000, AB, SILENCE, TALK);           // B talks for 1 s
        assertThat(s.main()).isEqualTo("B");
        assertThat(s.previous()).isEqualTo("A");
        assertThat(changes).hasSize(2);
    }

    @Test
    void overlappingQuieterSpeakerDoesNotTakeOver() {
        run(1000, AB, TALK, SILENCE);
        run(3000, AB, TALK, TALK + 15);         // B murmurs under A
        assertThat(s.main()).isEqualTo("A");
        assertThat(changes).containsExactly("20:A");
    }

    @Test
    void silenceDoesNotSwitch() {
        run(2000, AB, SILENCE, TALK);
        run(5000, AB, SILENCE, SILENCE);
        assertThat(s.main()).isEqualTo("B");
        // unflagged loud samples (no voice activity) are silence too
        for (int i = 0; i < 100; i++) {
            now += 20;
            s.onAudioLevel("A", 10, false, now);
        }
        assertThat(s.main()).isEqualTo("B");
    }

    @Test
    void mainSpeakerIsHeldForAtLeastTheHoldTime() {
        run(100, AB, TALK, SILENCE);            // A main at 20 ms
        run(3000, AB, SILENCE, TALK);           // B takes over, but not before A has been main for 1.5 s
        assertThat(changes).hasSize(2);
        long switchedAt = Long.parseLong(changes.get(1).split(":")[0]);
        assertThat(switchedAt).isBetween(20L + 1500, 20L + 1600);
        assertThat(s.previous()).isEqualTo("A");
    }

    @Test
    void thirdSpeakerMakesTheFormerMainPrevious() {
        run(2000, ABC, TALK, SILENCE, SILENCE);
        run(2000, ABC, SILENCE, TALK, SILENCE);
        run(2000, ABC, SILENCE, SILENCE, TALK);
        assertThat(s.main()).isEqualTo("C");
        assertThat(s.previous()).isEqualTo("B");
    }

    @Test
    void overrideWinsUntilCleared() {
        run(2000, AB, TALK, SILENCE);
        assertThat(s.setOverride("B", now)).isTrue();
        assertThat(s.main()).isEqualTo("B");
        assertThat(s.previous()).isEqualTo("A");
        run(5000, AB, TALK, SILENCE);           // A talks, B pinned
        assertThat(s.main()).isEqualTo("B");
        s.clearOverride(now);
        run(1000, AB, TALK, SILENCE);           // held 1.5 s after the pin is cleared
        assertThat(s.main()).isEqualTo("B");
        run(1000, AB, TALK, SILENCE);
        assertThat(s.main()).isEqualTo("A");
        assertThat(s.previous()).isEqualTo("B");
    }

    @Test
    void mutedParticipantWhoseSamplesStopDecaysAndLeavingRestoresPrevious() {
        run(2000, AB, TALK, SILENCE);
        run(2000, AB, SILENCE, TALK);
        assertThat(s.main()).isEqualTo("B");
        // B stops sending packets (mute) and A talks: B's stale score is 0
        String[] onlyA = {"A"};
        run(2000, onlyA, TALK);
        assertThat(s.main()).isEqualTo("A");
        assertThat(s.remove("A", now)).isTrue();
        assertThat(s.main()).isEqualTo("B");
        assertThat(s.previous()).isNull();
    }

    @Test
    void sameScriptSameResult() {
        int[][] script = {{TALK, SILENCE, 700}, {SILENCE, TALK - 5, 900}, {TALK - 8, TALK, 1300}};
        for (int[] step : script) {
            run(step[2], AB, step[0], step[1]);
        }
        SpeakerSelector other = SpeakerSelector.standard();
        long t = 0;
        for (int[] step : script) {
            for (long x = 0; x < step[2]; x += 20) {
                t += 20;
                other.onAudioLevel("A", step[0], step[0] < SILENCE, t);
                other.onAudioLevel("B", step[1], step[1] < SILENCE, t);
            }
        }
        assertThat(s.main()).isEqualTo("B");
        assertThat(other.main()).isEqualTo(s.main());
        assertThat(other.previous()).isEqualTo(s.previous());
    }
}
