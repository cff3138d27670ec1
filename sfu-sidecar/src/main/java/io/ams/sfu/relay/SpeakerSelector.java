package io.ams.sfu.relay;

import java.util.HashMap;
import java.util.Map;

/**
 * Picks the main speaker of a room from RFC 6464 audio levels, and remembers the previous one.
 *
 * <p>Each participant has a smoothed loudness: a sample counts as {@code silenceLevel - level}
 * when its voice flag is set and its level is below {@code silenceLevel} (in -dBov), else 0;
 * the score follows samples with an exponential time constant {@code smoothingMillis}, and a
 * participant with no sample for {@code staleMillis} scores 0. The loudest participant with a
 * score of at least {@code minScore} is the candidate. A candidate replaces the main speaker once
 * it has been the candidate for {@code dominateMillis} without a break and the main speaker has
 * been main for {@code holdMillis}. Silence never switches (no candidate, no change). With no
 * main speaker yet, the first candidate becomes main at once. A manual override (a pin from the
 * API) wins until cleared.
 *
 * <p>Deterministic: time is passed in. Not thread-safe: feed it from one thread (or lock).
 */
public final class SpeakerSelector {
    private final int silenceLevel;
    private final double smoothingMillis;
    private final double minScore;
    private final long staleMillis;
    private final long dominateMillis;
    private final long holdMillis;

    private final Map<String, Loudness> participants = new HashMap<>();
    private String main;
    private String previous;
    private long mainSince;
    private String override;
    private String challenger;
    private long challengerSince;

    private static final class Loudness {
        double score;
        long lastMillis = Long.MIN_VALUE;
    }

    public SpeakerSelector(int silenceLevel, long smoothingMillis, double minScore, long staleMillis,
                           long dominateMillis, long holdMillis) {
        if (silenceLevel < 1 || silenceLevel > 127 || smoothingMillis <= 0) {
            throw new IllegalArgumentException("silence level " + silenceLevel + ", smoothing " + smoothingMillis);
        }
        this.silenceLevel = silenceLevel;
        this.smoothingMillis = smoothingMillis;
        this.minScore = minScore;
        this.staleMillis = staleMillis;
        this.dominateMillis = dominateMillis;
        this.holdMillis = holdMillis;
    }

    /** Defaults: silence from -70 dBov, 200 ms smoothing, min score 3, stale after 500 ms, dominate 400 ms, hold 1.5 s. */
    public static SpeakerSelector standard() {
        return new SpeakerSelector(70, 200, 3, 500, 400, 1500);
    }

    /**
     * Feeds one audio level sample.
     *
     * @param level  -dBov, 0 (loudest) .. 127 (silence)
     * @param voice  the RFC 6464 voice activity flag
     * @return true if the main speaker changed
     */
    public boolean onAudioLevel(String participantId, int level, boolean voice, long nowMillis) {
        Loudness l = participants.computeIfAbsent(participantId, k -> new Loudness());
        double sample = voice && level < silenceLevel ? silenceLevel - Math.max(0, level) : 0;
        if (l.lastMillis == Long.MIN_VALUE || nowMillis - l.lastMillis > staleMillis) {
            l.score = 0;
            l.lastMillis = nowMillis - 20; // as if the previous (silent) sample was one packet ago
        }
        double alpha = 1 - Math.exp(-Math.max(0, nowMillis - l.lastMillis) / smoothingMillis);
        l.score += (sample - l.score) * alpha;
        l.lastMillis = nowMillis;
        return evaluate(nowMillis);
    }

    /** Re-evaluates without a sample (call periodically so that dominance is noticed during silence of others). */
    public boolean tick(long nowMillis) {
        return evaluate(nowMillis);
    }

    /** Pins {@code participantId} as main speaker until {@link #clearOverride}. @return true if main changed */
    public boolean setOverride(String participantId, long nowMillis) {
        override = participantId;
        return makeMain(participantId, nowMillis);
    }

    /** Returns to automatic selection; the pinned speaker stays main for the hold time. */
    public void clearOverride(long nowMillis) {
        if (override != null) {
            override = null;
            mainSince = nowMillis;
            challenger = null;
        }
    }

    /** Forgets a participant who left; if it was main, the previous speaker (if any) becomes main. @return true if main changed */
    public boolean remove(String participantId, long nowMillis) {
        participants.remove(participantId);
        if (participantId.equals(override)) {
            override = null;
        }
        if (participantId.equals(challenger)) {
            challenger = null;
        }
        if (participantId.equals(previous)) {
            previous = null;
        }
        if (participantId.equals(main)) {
            main = previous;
            previous = null;
            mainSince = nowMillis;
            return true;
        }
        return false;
    }

    /** The main speaker, or null. */
    public String main() {
        return main;
    }

    /** The speaker before the main one, or null. */
    public String previous() {
        return previous;
    }

    /** The pinned participant, or null. */
    public String override() {
        return override;
    }

    private boolean evaluate(long now) {
        if (override != null) {
            return false;
        }
        String candidate = null;
        double best = minScore;
        for (Map.Entry<String, Loudness> e : participants.entrySet()) {
            double s = score(e.getValue(), now);
            if (s >= best && (candidate == null || s > best || e.getKey().equals(main))) {
                candidate = e.getKey();
                best = s;
            }
        }
        if (candidate == null || candidate.equals(main)) {
            challenger = null;
            return false;
        }
        if (main == null) {
            return makeMain(candidate, now);
        }
        if (!candidate.equals(challenger)) {
            challenger = candidate;
            challengerSince = now;
        }
        if (now - challengerSince >= dominateMillis && now - mainSince >= holdMillis) {
            return makeMain(candidate, now);
        }
        return false;
    }

    private double score(Loudness l, long now) {
        return now - l.lastMillis > staleMillis ? 0 : l.score;
    }

    private boolean makeMain(String id, long now) {
        challenger = null;
        if (id.equals(main)) {
            return false;
        }
        previous = main;
        main = id;
        mainSince = now;
        return true;
    }
}
