package io.ams.engine.audio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room's audio mix for one 20 ms frame (OWT's model): the N loudest active speakers (default 3) are
 * summed; each of them gets that sum without their own voice, everyone else one shared mix. So a room
 * of 50 costs N+1 encodes, not 50.
 *
 * <p>Who is "loud" uses a level smoothed over frames (fast attack, slow release) with hysteresis: a
 * speaker in the mix stays until a newcomer is 3 dB louder than the quietest one in it, so the set does
 * not flap between breaths. Joining or leaving the mix ramps that voice's gain over one frame, so a
 * change is never a click. Every output has its own {@link Limiter}: no clipping however many talk.
 *
 * <p>Not thread-safe: one room's audio tick calls it.
 */
public final class MixMinus {
    /** Samples per frame: 20 ms at 48 kHz. */
    public static final int FRAME = 960;
    /** Below this smoothed level (dBFS) a participant does not count as speaking. */
    static final double ACTIVE_DB = -50;
    static final double HYSTERESIS_DB = 3;

    private final int maxSpeakers;
    private final Map<String, Double> level = new HashMap<>();  // smoothed dBFS
    private final Map<String, Float> gain = new HashMap<>();    // 0..1, ramped
    private final List<String> speakers = new ArrayList<>();
    private final Limiter sharedLimiter = new Limiter();
    private final Map<String, Limiter> minusLimiters = new HashMap<>();

    /** One frame's result: the shared mix, and a mix without their own voice for each speaker. */
    public record Result(List<String> speakers, float[] shared, Map<String, float[]> minus) {
        /** What {@code participantId} should hear. */
        public float[] forParticipant(String participantId) {
            float[] own = minus.get(participantId);
            return own != null ? own : shared;
        }
    }

    public MixMinus(int maxSpeakers) {
        if (maxSpeakers < 1 || maxSpeakers > 16) {
            throw new IllegalArgumentException("speakers to mix must be 1..16, was " + maxSpeakers);
        }
        this.maxSpeakers = maxSpeakers;
    }

    /**
     * Mixes one frame. {@code inputs}: each participant's decoded frame ({@link #FRAME} samples, -1..1);
     * a participant without a frame this time (lost, DTX) is absent or null and counts as silent.
     */
    public Result mix(Map<String, float[]> inputs) {
        level.keySet().retainAll(inputs.keySet());
        gain.keySet().retainAll(inputs.keySet());
        minusLimiters.keySet().retainAll(inputs.keySet());
        speakers.retainAll(inputs.keySet());
        for (Map.Entry<String, float[]> e : inputs.entrySet()) {
            double db = levelDb(e.getValue());
            double prev = level.getOrDefault(e.getKey(), -100.0);
            level.put(e.getKey(), db > prev ? prev + 0.6 * (db - prev) : prev + 0.08 * (db - prev)); // attack / release
        }
        chooseSpeakers();

        float[] sum = new float[FRAME];
        Map<String, float[]> contribution = new LinkedHashMap<>();
        for (String id : inputs.keySet()) {
            float from = gain.getOrDefault(id, 0f);
            float to = speakers.contains(id) ? 1f : 0f;
            float[] in = inputs.get(id);
            if ((from > 0 || to > 0) && in != null) {
                float[] c = new float[FRAME];
                for (int i = 0; i < FRAME; i++) {
                    float g = from + (to - from) * (i + 1) / FRAME; // ramp: no click entering or leaving the mix
                    c[i] = in[i] * g;
                    sum[i] += c[i];
                }
                contribution.put(id, c);
            }
            gain.put(id, to);
        }
        Map<String, float[]> minus = new LinkedHashMap<>();
        for (String id : speakers) {
            float[] own = contribution.get(id);
            float[] out = sum.clone();
            if (own != null) {
                for (int i = 0; i < FRAME; i++) {
                    out[i] -= own[i];
                }
            }
            minusLimiters.computeIfAbsent(id, k -> new Limiter()).apply(out);
            minus.put(id, out);
        }
        float[] shared = sum.clone();
        sharedLimiter.apply(shared);
        return new Result(List.copyOf(speakers), shared, minus);
    }

    private void chooseSpeakers() {
        speakers.removeIf(id -> level.getOrDefault(id, -100.0) < ACTIVE_DB);
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Double> e : level.entrySet()) {
            if (e.getValue() >= ACTIVE_DB && !speakers.contains(e.getKey())) {
                candidates.add(e.getKey());
            }
        }
        candidates.sort(Comparator.comparingDouble((String id) -> level.get(id)).reversed());
        for (String c : candidates) {
            if (speakers.size() < maxSpeakers) {
                speakers.add(c);
                continue;
            }
            String quietest = speakers.stream().min(Comparator.comparingDouble(level::get)).orElseThrow();
            if (level.get(c) > level.get(quietest) + HYSTERESIS_DB) {
                speakers.set(speakers.indexOf(quietest), c);
            }
        }
    }

    /** RMS level of a frame in dBFS (a full-scale sine is -3 dB); -100 for silence or none. */
    static double levelDb(float[] frame) {
        if (frame == null) {
            return -100;
        }
        double sq = 0;
        for (float v : frame) {
            sq += v * v;
        }
        double rms = Math.sqrt(sq / frame.length);
        return rms < 1e-5 ? -100 : 20 * Math.log10(rms);
    }

    /** The smoothed level of a participant (dBFS), for stats and speaker detection. */
    public double level(String participantId) {
        return level.getOrDefault(participantId, -100.0);
    }
}
