package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClientLinkReportTest {
    static final long SEC = 1_000_000_000L;

    final ClientLinkReport r = new ClientLinkReport();

    @Test
    void aCleanDirectPathReadsExcellentAndLossReadsPoor() {
        assertThat(r.window(0).level()).as("nothing reported yet").isEqualTo(QualityLevel.UNKNOWN);
        assertThat(r.onReport(0, 0, 0, 0, Double.NaN, 0)).isTrue();
        assertThat(r.window(0).level()).as("one report is no window yet").isEqualTo(QualityLevel.UNKNOWN);
        long received = 0;
        long bytes = 0;
        LinkQuality q = null;
        for (int s = 1; s <= 3; s++) {
            received += 100;
            bytes += 125_000; // 1 Mbps
            r.onReport(received, 0, bytes, 3, 20, s * SEC);
            q = r.window(s * SEC);
        }
        assertThat(q.level()).isEqualTo(QualityLevel.EXCELLENT);
        assertThat(q.kbps()).isEqualTo(1000);
        assertThat(q.rttMs()).isCloseTo(20, within(0.01));

        long lost = 0;
        for (int s = 4; s <= 8; s++) {
            received += 90;
            lost += 10;
            bytes += 110_000;
            r.onReport(received, lost, bytes, 3, 20, s * SEC);
            q = r.window(s * SEC);
        }
        assertThat(q.lossPercent()).isCloseTo(10, within(0.01));
        assertThat(q.level()).isIn(QualityLevel.POOR, QualityLevel.BAD);
        assertThat(q.text()).isEqualTo("losing 10% of packets");
        assertThat(r.window(8 * SEC + SEC / 2)).as("no new report: the same reading").isEqualTo(q);
    }

    @Test
    void nonsenseIsRefusedAndARestartedConnectionCountsAfresh() {
        assertThat(r.onReport(-1, 0, 0, 0, 1, 0)).isFalse();
        assertThat(r.onReport(1, 0, 0, Double.NaN, 1, 0)).isFalse();
        assertThat(r.onReport(1, 0, 0, 1, Double.POSITIVE_INFINITY, 0)).isFalse();
        assertThat(r.fresh(0)).as("nothing usable came").isFalse();

        r.onReport(5000, 0, 5_000_000, 1, 10, 0);
        r.window(0);
        r.onReport(100, 0, 100_000, 1, 10, SEC); // counters went down: a new connection
        assertThat(r.window(SEC).level()).as("the first window of the new counters").isEqualTo(QualityLevel.UNKNOWN);
        r.onReport(200, 0, 200_000, 1, 10, 2 * SEC);
        assertThat(r.window(2 * SEC).lossPercent()).isZero();
    }

    @Test
    void aSilentClientGoesUnknown() {
        r.onReport(0, 0, 0, 0, 5, 0);
        r.window(0);
        r.onReport(100, 0, 100_000, 0, 5, SEC);
        assertThat(r.window(SEC).level()).isEqualTo(QualityLevel.EXCELLENT);
        assertThat(r.window(SEC + ClientLinkReport.FRESH_NANOS).level()).as("no report for 3 s").isEqualTo(QualityLevel.UNKNOWN);
    }
}
