package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.room.AudioDelivery.Mode;
import org.junit.jupiter.api.Test;

class AudioDeliveryTest {
    @Test
    void aRoomIsMixedAboveTheThresholdAlwaysAtZeroAndNeverAtMinusOne() {
        assertThat(AudioDelivery.roomMixed(6, 5)).isFalse();
        assertThat(AudioDelivery.roomMixed(6, 6)).as("the issue: rooms above 6 participants").isFalse();
        assertThat(AudioDelivery.roomMixed(6, 7)).isTrue();
        assertThat(AudioDelivery.roomMixed(0, 1)).isTrue();
        assertThat(AudioDelivery.roomMixed(0, 2)).isTrue();
        assertThat(AudioDelivery.roomMixed(-1, 2)).isFalse();
        assertThat(AudioDelivery.roomMixed(-1, 500)).isFalse();
        assertThat(AudioDelivery.roomMixed(3, 3)).isFalse();
        assertThat(AudioDelivery.roomMixed(3, 4)).isTrue();
    }

    @Test
    void mixedOnlyWhenTheRoomIsMixedTheSlotNegotiatedAndTheEnginesAudioFresh() {
        assertThat(AudioDelivery.mode(true, true, true)).isEqualTo(Mode.MIXED);
        assertThat(AudioDelivery.mode(false, true, true)).as("below the threshold").isEqualTo(Mode.FORWARDED);
        assertThat(AudioDelivery.mode(true, false, true)).as("slot not answered yet").isEqualTo(Mode.FORWARDED);
        assertThat(AudioDelivery.mode(true, true, false)).as("engine audio stale: engine down").isEqualTo(Mode.FORWARDED);
        assertThat(AudioDelivery.mode(false, false, false)).isEqualTo(Mode.FORWARDED);
        assertThat(Mode.MIXED.wire()).isEqualTo("mixed");
        assertThat(Mode.FORWARDED.wire()).isEqualTo("forwarded");
    }
}
