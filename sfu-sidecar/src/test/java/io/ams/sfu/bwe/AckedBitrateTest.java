package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckedBitrateTest {
    @Test
    void measuresTheRateOverTheLastHalfSecond() {
        AckedBitrate a = new AckedBitrate();
        assertThat(a.bps()).isNaN();
        for (int i = 0; i < 1000; i++) { // 1000 bytes every ms: 8 Mbps
            a.add(5_000_000L + i * 1000L, 1000);
        }
        assertThat(a.bps()).isBetween(7.9e6, 8.1e6);
        a.add(1_000, 1000); // far older than the window: ignored
        assertThat(a.bps()).isBetween(7.9e6, 8.1e6);
    }
}
