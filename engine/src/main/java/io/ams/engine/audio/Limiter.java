package io.ams.engine.audio;

/**
 * Keeps a summed signal within [-1, 1] without hard clipping: the gain drops at once to what the frame's
 * peak needs (no sample ever above {@link #CEILING}), and recovers slowly (about 0.5 s from -6 dB), so ten
 * loud people at once come out loud but undistorted. One per output stream (it has state).
 */
public final class Limiter {
    static final float CEILING = 0.98f;
    private static final float RECOVERY_PER_FRAME = 1.03f; // +0.26 dB per 20 ms frame
    private float gain = 1f;

    /** Scales {@code frame} in place. */
    public void apply(float[] frame) {
        float peak = 0f;
        for (float v : frame) {
            peak = Math.max(peak, Math.abs(v));
        }
        // never above what this frame's peak allows; otherwise recover slowly towards 1
        float target = Math.min(Math.min(1f, gain * RECOVERY_PER_FRAME), peak > 0 ? CEILING / peak : 1f);
        float from = Math.min(gain, target); // falling: the whole frame at the safe gain; rising: ramp up to it
        int n = frame.length;
        for (int i = 0; i < n; i++) {
            float g = from + (target - from) * (i + 1) / n;
            frame[i] = Math.max(-1f, Math.min(1f, frame[i] * g));
        }
        gain = target;
    }

    public float gain() {
        return gain;
    }
}
