package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class QualityScorerTest {
    private static StreamWindow video(long expected, long lost, double jitterMs, double rttMs) {
        return new StreamWindow(true, false, expected, lost, jitterMs, rttMs, 0, 0, false);
    }

    private static StreamWindow audio(boolean fec, long expected, long lost) {
        return new StreamWindow(false, fec, expected, lost, 0, Double.NaN, 0, 0, false);
    }

    @Test
    void bandsFollowTheDocumentedThresholds() {
        assertThat(QualityLevel.of(100)).isEqualTo(QualityLevel.EXCELLENT);
        assertThat(QualityLevel.of(80.01)).isEqualTo(QualityLevel.EXCELLENT);
        assertThat(QualityLevel.of(80)).isEqualTo(QualityLevel.GOOD);
        assertThat(QualityLevel.of(40.01)).isEqualTo(QualityLevel.GOOD);
        assertThat(QualityLevel.of(40)).isEqualTo(QualityLevel.POOR);
        assertThat(QualityLevel.of(20.01)).isEqualTo(QualityLevel.POOR);
        assertThat(QualityLevel.of(20)).isEqualTo(QualityLevel.BAD);
        assertThat(QualityLevel.of(0)).isEqualTo(QualityLevel.BAD);
        assertThat(QualityLevel.of(Double.NaN)).isEqualTo(QualityLevel.UNKNOWN);
        assertThat(QualityLevel.POOR.word()).isEqualTo("poor");
    }

    @Test
    void lossIsWeightedByMedia() {
        // 2% loss: video 100 - 2*10, Opus 100 - 2*8, Opus with FEC 100 - 2*8/1.5
        assertThat(QualityScorer.streamScore(video(100, 2, 0, Double.NaN))).isCloseTo(80, within(1e-9));
        assertThat(QualityScorer.streamScore(audio(false, 100, 2))).isCloseTo(84, within(1e-9));
        assertThat(QualityScorer.streamScore(audio(true, 100, 2))).isCloseTo(100 - 16 / 1.5, within(1e-9));
        // 10% video loss takes everything
        assertThat(QualityScorer.streamScore(video(100, 10, 0, Double.NaN))).isZero();
        assertThat(QualityLevel.of(QualityScorer.streamScore(video(100, 6, 0, Double.NaN)))).isEqualTo(QualityLevel.POOR);
    }

    @Test
    void delayIsHalfTheRttPlusTwiceTheJitter() {
        // 20 ms RTT + 10 ms jitter: effective 30 ms, effect 30/40
        assertThat(QualityScorer.streamScore(video(100, 0, 10, 20))).isCloseTo(100 - 0.75, within(1e-9));
        // 400 ms RTT: effective 200 ms, above 160: (200 - 120) / 10
        assertThat(QualityScorer.streamScore(video(100, 0, 0, 400))).isCloseTo(92, within(1e-9));
        // an unknown RTT counts as none
        assertThat(QualityScorer.streamScore(video(100, 0, 0, Double.NaN))).isEqualTo(100);
        // 1.5 s RTT: effective 750 ms, effect 63 -> poor
        assertThat(QualityLevel.of(QualityScorer.streamScore(video(100, 0, 0, 1500)))).isEqualTo(QualityLevel.POOR);
    }

    @Test
    void bitrateTermOnlyWhenTheWantedBitrateIsKnown() {
        assertThat(QualityScorer.bitrateScore(1000, 0)).isEqualTo(100);
        assertThat(QualityScorer.bitrateScore(1000, 1000)).isEqualTo(100);
        assertThat(QualityScorer.bitrateScore(0, 1000)).isZero();
        assertThat(QualityScorer.bitrateScore(1000, 2700)).isCloseTo(80, within(0.2));
        StreamWindow starved = new StreamWindow(true, false, 100, 0, 0, 10, 40_000, 1_000_000, false);
        assertThat(QualityLevel.of(QualityScorer.streamScore(starved))).isEqualTo(QualityLevel.POOR);
        assertThat(QualityScorer.reasonOf(starved)).isEqualTo("bitrate");
        assertThat(QualityScorer.textOf("bitrate", starved)).isEqualTo("getting only 4% of the bitrate sent");
    }

    @Test
    void fallsFastAndRecoversSlowly() {
        QualityScorer s = new QualityScorer();
        assertThat(s.update(List.of(video(100, 0, 0, 10)), 0).score()).isCloseTo(99.875, within(1e-9));
        double score = s.update(List.of(video(100, 10, 0, 10)), 0).score();
        assertThat(score).as("0.8 x 0 + 0.2 x 99.875").isCloseTo(0.2 * 99.875, within(1e-9));
        assertThat(QualityLevel.of(score)).isEqualTo(QualityLevel.BAD);
        LinkQuality q = s.update(List.of(video(100, 0, 0, 0)), 0);
        assertThat(q.score()).as("0.4 x 100 + 0.6 x previous").isCloseTo(0.4 * 100 + 0.6 * score, within(1e-9));
        assertThat(q.level()).isEqualTo(QualityLevel.GOOD);
        int windows = 1;
        LinkQuality last;
        do {
            last = s.update(List.of(video(100, 0, 0, 0)), 0);
            windows++;
        } while (last.level() != QualityLevel.EXCELLENT);
        assertThat(windows).as("windows of perfect packets until excellent again").isEqualTo(3);
        // one bad window after a perfect run drops at once
        assertThat(s.update(List.of(video(100, 8, 0, 0)), 0).level()).isEqualTo(QualityLevel.POOR);
    }

    @Test
    void theWorstStreamDecidesAndTheReasonSaysWhy() {
        QualityScorer s = new QualityScorer();
        LinkQuality q = s.update(List.of(audio(true, 50, 0), video(100, 7, 2, 12)), 900);
        assertThat(q.level()).isEqualTo(QualityLevel.POOR);
        assertThat(q.reason()).isEqualTo("loss");
        assertThat(q.text()).isEqualTo("losing 7% of packets");
        assertThat(q.lossPercent()).isCloseTo(7, within(1e-9));
        assertThat(q.rttMs()).isEqualTo(12);
        assertThat(q.kbps()).isEqualTo(900);

        QualityScorer slow = new QualityScorer();
        LinkQuality r = slow.update(List.of(video(100, 0, 5, 1500)), 0);
        assertThat(r.reason()).isEqualTo("rtt");
        assertThat(r.text()).isEqualTo("slow (RTT 1500 ms)");

        QualityScorer jittery = new QualityScorer();
        LinkQuality j = jittery.update(List.of(video(100, 0, 400, 10)), 0);
        assertThat(j.reason()).isEqualTo("jitter");
        assertThat(j.text()).isEqualTo("unsteady (jitter 400 ms)");

        QualityScorer fine = new QualityScorer();
        assertThat(fine.update(List.of(video(100, 0, 1, 1)), 0).text()).isEqualTo("fine");
    }

    @Test
    void whileClimbingBackTheReasonIsKeptAsRecovering() {
        QualityScorer s = new QualityScorer();
        s.update(List.of(video(100, 0, 0, 0)), 0);
        s.update(List.of(video(100, 12, 0, 0)), 0);
        LinkQuality q = s.update(List.of(video(100, 0, 0, 0)), 0);
        assertThat(q.level()).isNotEqualTo(QualityLevel.EXCELLENT);
        assertThat(q.reason()).isEqualTo("loss");
        assertThat(q.text()).isEqualTo("recovering (losing 12% of packets a moment ago)");
    }

    @Test
    void aStreamThatStopsArrivingIsBadAndNothingMeasuredIsUnknown() {
        QualityScorer s = new QualityScorer();
        assertThat(s.update(List.of(), 0)).isEqualTo(LinkQuality.UNKNOWN);
        LinkQuality q = s.update(List.of(new StreamWindow(true, false, 0, 0, 0, Double.NaN, 0, 0, true)), 0);
        assertThat(q.level()).isEqualTo(QualityLevel.BAD);
        assertThat(q.reason()).isEqualTo("no_media");
        assertThat(q.text()).startsWith("not arriving");
        assertThat(s.update(List.of(), 0).level()).as("no new data keeps the last level").isEqualTo(QualityLevel.BAD);
    }

    @Test
    void percentWords() {
        assertThat(QualityScorer.percent(8.0)).isEqualTo("8%");
        assertThat(QualityScorer.percent(0.5)).isEqualTo("0.5%");
        assertThat(QualityScorer.percent(12.4)).isEqualTo("12%");
    }
}
