package io.ams.sfu.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.quality.QualityLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

class UplinkGuardTest {
    private final UplinkGuard g = new UplinkGuard();

    @Test
    void poorForTwoSecondsDropsTheTopLayerBadDropsAllButTheSmallestGoodBringsThemBackOneByOne() {
        assertThat(g.update(QualityLevel.EXCELLENT, 0)).isZero();
        assertThat(g.update(QualityLevel.POOR, 1000)).as("a moment of poor").isZero();
        assertThat(g.update(QualityLevel.GOOD, 2000)).isZero();
        assertThat(g.update(QualityLevel.POOR, 3000)).isZero();
        assertThat(g.update(QualityLevel.POOR, 5000)).as("poor for 2 s").isEqualTo(1);
        assertThat(g.update(QualityLevel.BAD, 6000)).isEqualTo(1);
        assertThat(g.update(QualityLevel.BAD, 8000)).as("bad for 2 s").isEqualTo(2);
        assertThat(g.update(QualityLevel.UNKNOWN, 9000)).as("unknown changes nothing").isEqualTo(2);
        assertThat(g.update(QualityLevel.GOOD, 10_000)).isEqualTo(2);
        assertThat(g.update(QualityLevel.EXCELLENT, 19_999)).isEqualTo(2);
        assertThat(g.update(QualityLevel.EXCELLENT, 20_000)).as("10 s of good: one step").isEqualTo(1);
        assertThat(g.update(QualityLevel.GOOD, 25_000)).isEqualTo(1);
        assertThat(g.update(QualityLevel.GOOD, 30_000)).as("another 10 s").isZero();
    }

    @Test
    void theConstraintsLeaveTheTopLayersOffButNeverTheSmallest() {
        List<String> qhf = List.of("q", "h", "f");
        assertThat(SenderConstraints.encodings(new SenderConstraints.Wish(true, 360, 1), qhf))
                .extracting(SenderConstraints.Encoding::active).containsExactly(true, true, false);
        assertThat(SenderConstraints.encodings(new SenderConstraints.Wish(true, 360, 2), qhf))
                .extracting(SenderConstraints.Encoding::active).containsExactly(true, false, false);
        assertThat(SenderConstraints.encodings(new SenderConstraints.Wish(true, 360, 2), List.of("q", "h")))
                .extracting(SenderConstraints.Encoding::active).containsExactly(true, false);
        assertThat(SenderConstraints.encodings(new SenderConstraints.Wish(true, 360, 2), List.of()))
                .as("a single stream is never switched off").extracting(SenderConstraints.Encoding::active).containsExactly(true);
    }
}
