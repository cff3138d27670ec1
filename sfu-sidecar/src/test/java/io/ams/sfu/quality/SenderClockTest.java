package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SenderClockTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1000 * MS;
    static final long AUDIO = 0xA0A0A0A0L;
    static final long VIDEO = 0xB0B0B0B0L;
    /** The sender's wallclock: NTP 3,900,000,000 s plus whatever our nanoTime says, so both run at one rate. */
    static final long SENDER_EPOCH_SECONDS = 3_900_000_000L;

    final SenderClock clock = new SenderClock();

    /** The sender's NTP timestamp at our instant {@code nanos} (its clock is ours shifted by its epoch). */
    private static long senderNtp(long nanos) {
        long seconds = SENDER_EPOCH_SECONDS + nanos / SEC;
        long frac = ((nanos % SEC) << 32) / SEC;
        return (seconds << 32) | frac;
    }

    /** Seconds on the sender's clock at which {@code rtp} (of a stream whose SR said ntpNanos=rtp0) was captured. */
    private static double capturedAt(long rtp, long rtp0, long srNanos, int rate) {
        return srNanos / 1e9 + (int) (rtp - rtp0) / (double) rate;
    }

    @Test
    void audioAndVideoMapToTheSameInstantOfTheSendersClockWhateverTheirPathDelay() {
        // one sender report each, written at the sender's 10.000 s; audio arrives 5 ms later, video 45 ms later (pacer)
        long written = 10 * SEC;
        clock.onSenderReport(AUDIO, senderNtp(written), 1_000, written + 5 * MS);
        clock.onSenderReport(VIDEO, senderNtp(written), 500_000, written + 45 * MS);

        long now = 11 * SEC;
        long a = clock.rtpAt(AUDIO, now, 48_000);
        long v = clock.rtpAt(VIDEO, now, 90_000);
        double audioAt = capturedAt(a, 1_000, written, 48_000);
        double videoAt = capturedAt(v, 500_000, written, 90_000);
        assertThat(audioAt - videoAt).as("one instant of the sender's clock for both streams").isCloseTo(0, within(0.0001));
        // the offset is the quickest path (audio's 5 ms): 'now' is the sender's now - 5 ms
        assertThat(audioAt).isCloseTo((now - 5 * MS) / 1e9, within(0.0001));
        // an arrival-time mapping would have put video 40 ms (3600 ticks) later than audio
        assertThat((int) (v - (500_000 + (now - written - 45 * MS) * 90_000 / SEC))).isCloseTo(3600, within(2));
    }

    @Test
    void aSlowerReportDoesNotMoveTheOffsetUntilTheWindowHasPassed() {
        clock.onSenderReport(AUDIO, senderNtp(10 * SEC), 0, 10 * SEC + 5 * MS);
        clock.onSenderReport(AUDIO, senderNtp(11 * SEC), 48_000, 11 * SEC + 80 * MS); // a queue on the path
        long now = 12 * SEC;
        assertThat(capturedAt(clock.rtpAt(AUDIO, now, 48_000), 48_000, 11 * SEC, 48_000))
                .as("still the 5 ms path").isCloseTo((now - 5 * MS) / 1e9, within(0.0001));

        long later = 10 * SEC + (SenderClock.OFFSET_WINDOW_SECONDS + 1) * SEC;
        clock.onSenderReport(AUDIO, senderNtp(later), 0, later + 20 * MS); // the path is 20 ms now, for good
        assertThat(capturedAt(clock.rtpAt(AUDIO, later + SEC, 48_000), 0, later, 48_000))
                .as("after the window the offset follows").isCloseTo((later + SEC - 20 * MS) / 1e9, within(0.0001));
    }

    @Test
    void unknownStaleAndClocklessStreamsHaveNoMapping() {
        assertThat(clock.rtpAt(AUDIO, SEC, 48_000)).as("never reported").isEqualTo(-1);
        clock.onSenderReport(VIDEO, 0, 1234, SEC); // RFC 3550: NTP 0 = the sender has no wallclock
        assertThat(clock.rtpAt(VIDEO, 2 * SEC, 90_000)).isEqualTo(-1);
        clock.onSenderReport(AUDIO, senderNtp(SEC), 0, SEC);
        assertThat(clock.rtpAt(AUDIO, 2 * SEC, 48_000)).isEqualTo(48_000);
        assertThat(clock.rtpAt(AUDIO, SEC + SenderClock.STALE_NANOS + 1, 48_000)).as("no report for 10 s").isEqualTo(-1);
    }

    @Test
    void timestampsWrapAt32Bits() {
        clock.onSenderReport(VIDEO, senderNtp(SEC), 0xFFFFFF00L, SEC);
        assertThat(clock.rtpAt(VIDEO, 2 * SEC, 90_000)).isEqualTo((0xFFFFFF00L + 90_000) & 0xFFFFFFFFL);
    }

    @Test
    void manyStreamsAreBoundedAndStaleOnesMakeRoom() {
        for (int i = 0; i < SenderClock.MAX_STREAMS; i++) {
            clock.onSenderReport(i + 1, senderNtp(SEC), 0, SEC);
        }
        clock.onSenderReport(999, senderNtp(2 * SEC), 0, 2 * SEC);
        assertThat(clock.rtpAt(999, 2 * SEC, 90_000)).as("full, none stale: refused").isEqualTo(-1);
        long late = SEC + SenderClock.STALE_NANOS + SEC;
        clock.onSenderReport(999, senderNtp(late), 7, late);
        assertThat(clock.rtpAt(999, late, 90_000)).as("the stale ones made room").isEqualTo(7);
    }
}
