package io.ams.sfu.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.layers.SenderConstraints.Encoding;
import io.ams.sfu.layers.SenderConstraints.Wish;
import java.util.List;
import org.junit.jupiter.api.Test;

class SenderConstraintsTest {
    private static final List<String> QHF = List.of("q", "h", "f");
    private static final long HOLD = SenderConstraints.DOWN_HOLD_MILLIS;

    private final SenderConstraints c = new SenderConstraints();

    @Test
    void relayedCameraSendsEveryLayerAtLadderBitrates() {
        List<Encoding> enc = c.update(new Wish(true, 360), QHF, 0);
        assertThat(enc).containsExactly(
                new Encoding("q", true, 0, 200_000),
                new Encoding("h", true, 0, 700_000),
                new Encoding("f", true, 0, 2_500_000));
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.applied()).isEqualTo(new Wish(true, 360));
    }

    @Test
    void ladderBitrateGoesByPositionFromTheTop() {
        assertThat(c.update(new Wish(true, 0), List.of("a", "b"), 0)).containsExactly(
                new Encoding("a", true, 0, 700_000),
                new Encoding("b", true, 0, 2_500_000));
        SenderConstraints four = new SenderConstraints();
        assertThat(four.update(new Wish(true, 0), List.of("0", "1", "2", "3"), 0))
                .extracting(Encoding::maxBitrateBps).containsExactly(200_000, 200_000, 700_000, 2_500_000);
    }

    @Test
    void unrelayedCameraSendsOnlyItsSmallestLayerAtTheTileHeight() {
        List<Encoding> enc = c.update(new Wish(false, 359), QHF, 0);
        assertThat(enc).containsExactly(
                new Encoding("q", true, 360, SenderConstraints.bitrateFor(360)),
                new Encoding("h", false, 0, 0),
                new Encoding("f", false, 0, 0));
        assertThat(SenderConstraints.bitrateFor(360)).isEqualTo(800_000);
    }

    @Test
    void tileHeightRoundedToEvenAndAtLeastTheMinimum() {
        assertThat(SenderConstraints.encodings(new Wish(false, 181), QHF).get(0))
                .isEqualTo(new Encoding("q", true, 182, SenderConstraints.bitrateFor(182)));
        assertThat(SenderConstraints.encodings(new Wish(false, 180), QHF).get(0))
                .isEqualTo(new Encoding("q", true, 180, 200_000));
        assertThat(SenderConstraints.encodings(new Wish(false, 40), QHF).get(0))
                .isEqualTo(new Encoding("q", true, 90, 100_000));
        assertThat(SenderConstraints.encodings(new Wish(false, 0), QHF).get(0).maxHeight()).isEqualTo(90);
    }

    @Test
    void bitrateScalesWithAreaWithinBounds() {
        assertThat(SenderConstraints.bitrateFor(180)).isEqualTo(200_000);
        assertThat(SenderConstraints.bitrateFor(90)).isEqualTo(100_000);   // 50k, raised to the floor
        assertThat(SenderConstraints.bitrateFor(270)).isEqualTo(450_000);
        assertThat(SenderConstraints.bitrateFor(1080)).isEqualTo(1_500_000); // capped
    }

    @Test
    void singleStreamHasOneEncodingWithoutRid() {
        assertThat(c.update(new Wish(true, 360), List.of(), 0)).containsExactly(new Encoding(null, true, 0, 0));
        SenderConstraints other = new SenderConstraints();
        assertThat(other.update(new Wish(false, 180), List.of(), 0))
                .containsExactly(new Encoding(null, true, 180, 200_000));
    }

    @Test
    void unchangedWishReturnsNull() {
        assertThat(c.update(new Wish(false, 180), QHF, 0)).isNotNull();
        assertThat(c.update(new Wish(false, 180), QHF, 10)).isNull();
        assertThat(c.update(new Wish(false, 180), QHF, 5000)).isNull();
        assertThat(c.version()).isEqualTo(1);
    }

    @Test
    void upgradeIsAppliedAtOnce() {
        c.update(new Wish(false, 180), QHF, 0);
        assertThat(c.update(new Wish(false, 360), QHF, 1)).isNotNull()
                .first().isEqualTo(new Encoding("q", true, 360, 800_000));
        assertThat(c.update(new Wish(true, 360), QHF, 2)).isNotNull()
                .allMatch(Encoding::active);
        assertThat(c.version()).isEqualTo(3);
        assertThat(c.applied()).isEqualTo(new Wish(true, 360));
    }

    @Test
    void downgradeOnlyAfterTheHold() {
        c.update(new Wish(true, 360), QHF, 0);
        Wish down = new Wish(false, 180);
        assertThat(c.update(down, QHF, 100)).isNull();
        assertThat(c.update(down, QHF, 100 + HOLD / 2)).isNull();
        assertThat(c.update(down, QHF, 100 + HOLD - 1)).isNull();
        assertThat(c.applied()).isEqualTo(new Wish(true, 360));
        assertThat(c.version()).isEqualTo(1);
        List<Encoding> enc = c.update(down, QHF, 100 + HOLD);
        assertThat(enc).isNotNull().extracting(Encoding::active).containsExactly(true, false, false);
        assertThat(c.applied()).isEqualTo(down);
        assertThat(c.version()).isEqualTo(2);
    }

    @Test
    void smallerTileIsADowngradeToo() {
        c.update(new Wish(false, 360), QHF, 0);
        assertThat(c.update(new Wish(false, 180), QHF, 10)).isNull();
        assertThat(c.update(new Wish(false, 180), QHF, 10 + HOLD)).isNotNull()
                .first().extracting(Encoding::maxHeight).isEqualTo(180);
    }

    @Test
    void interruptedDowngradeRestartsTheHold() {
        Wish up = new Wish(true, 360);
        Wish down = new Wish(false, 180);
        c.update(up, QHF, 0);
        assertThat(c.update(down, QHF, 100)).isNull();
        assertThat(c.update(up, QHF, 600)).as("back to what is applied").isNull();
        assertThat(c.update(down, QHF, 700)).isNull();
        assertThat(c.update(down, QHF, 100 + HOLD + 50)).as("the hold began again at 700").isNull();
        assertThat(c.update(down, QHF, 700 + HOLD - 1)).isNull();
        assertThat(c.update(down, QHF, 700 + HOLD)).isNotNull();
        assertThat(c.version()).isEqualTo(2);
    }

    @Test
    void newRidsApplyAtOnceEvenWhenSmaller() {
        c.update(new Wish(true, 360), QHF, 0);
        assertThat(c.update(new Wish(false, 180), List.of(), 1)).containsExactly(new Encoding(null, true, 180, 200_000));
    }

    @Test
    void resetForgetsTheAppliedWishButVersionKeepsGrowing() {
        c.update(new Wish(false, 180), QHF, 0);
        c.update(new Wish(true, 180), QHF, 1);
        assertThat(c.version()).isEqualTo(2);
        c.reset();
        assertThat(c.applied()).isNull();
        assertThat(c.update(new Wish(true, 180), QHF, 2)).as("the same wish is sent again after a reset").hasSize(3);
        assertThat(c.version()).as("the client echoes versions: never reused").isEqualTo(3);
    }

    @Test
    void resetDropsAPendingDowngrade() {
        c.update(new Wish(true, 360), QHF, 0);
        assertThat(c.update(new Wish(false, 180), QHF, 10)).isNull();
        c.reset();
        assertThat(c.update(new Wish(false, 180), QHF, 20)).as("nothing applied: no hold").isNotNull();
    }

    @Test
    void wishThatGivesTheSameEncodingsSendsNothing() {
        // a relayed camera sends its full ladder whatever its tile: the mix growing changes nothing
        c.update(new Wish(true, 360), QHF, 0);
        assertThat(c.update(new Wish(true, 180), QHF, 10)).isNull();
        assertThat(c.update(new Wish(true, 720), QHF, 20)).isNull();
        assertThat(c.version()).isEqualTo(1);
        // 181 and 182 lines are both asked as 182
        SenderConstraints odd = new SenderConstraints();
        odd.update(new Wish(false, 182), List.of(), 0);
        assertThat(odd.update(new Wish(false, 181), List.of(), 10 + HOLD)).isNull();
        assertThat(odd.version()).isEqualTo(1);
    }

    @Test
    void returningToRelayedWithAnotherTileCancelsAPendingDowngrade() {
        c.update(new Wish(true, 360), QHF, 0);
        assertThat(c.update(new Wish(false, 180), QHF, 100)).isNull();
        assertThat(c.update(new Wish(true, 180), QHF, 600)).isNull();
        assertThat(c.update(new Wish(false, 180), QHF, 700)).isNull();
        assertThat(c.update(new Wish(false, 180), QHF, 100 + HOLD + 50)).as("the hold began again at 700").isNull();
        assertThat(c.update(new Wish(false, 180), QHF, 700 + HOLD)).isNotNull();
    }
}
