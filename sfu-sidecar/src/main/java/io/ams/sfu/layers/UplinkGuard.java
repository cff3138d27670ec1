package io.ams.sfu.layers;

import io.ams.sfu.quality.QualityLevel;

/**
 * Smart scale-down of a congested uplink (issue 7 part 5, DESIGN.md section 9): from the participant's
 * uplink quality (the network analyzer's level, measured on what the server receives), how many of its
 * camera's top simulcast layers it is asked to leave off. Poor for {@value #DOWN_AFTER_MILLIS} ms without a
 * break: the top layer goes; bad for as long: everything but the smallest. Back one step after
 * {@value #UP_AFTER_MILLIS} ms of good (or excellent) quality without a break, so a link that only just
 * recovered is not flooded again at once. Unknown quality changes nothing. Pure logic on the caller's
 * clock; not thread-safe (the room's timer owns it).
 */
public final class UplinkGuard {
    public static final long DOWN_AFTER_MILLIS = 2000;
    public static final long UP_AFTER_MILLIS = 10_000;
    static final int MAX_DROP = 2;

    private int dropTop;
    private QualityLevel trend = QualityLevel.UNKNOWN;
    private long trendSinceMillis;

    /** One quality reading; returns the top layers to leave off from now on. */
    public int update(QualityLevel level, long nowMillis) {
        if (level == null || level == QualityLevel.UNKNOWN) {
            return dropTop;
        }
        QualityLevel band = level == QualityLevel.EXCELLENT ? QualityLevel.GOOD : level;
        if (band != trend) {
            trend = band;
            trendSinceMillis = nowMillis;
        }
        long held = nowMillis - trendSinceMillis;
        if (band == QualityLevel.BAD && held >= DOWN_AFTER_MILLIS && dropTop < MAX_DROP) {
            dropTop = MAX_DROP;
        } else if (band == QualityLevel.POOR && held >= DOWN_AFTER_MILLIS && dropTop < 1) {
            dropTop = 1;
        } else if (band == QualityLevel.GOOD && held >= UP_AFTER_MILLIS && dropTop > 0) {
            dropTop--;
            trendSinceMillis = nowMillis; // the next step up waits as long again
        }
        return dropTop;
    }

    public int dropTop() {
        return dropTop;
    }
}
