package io.ams.sfu.engine;

import io.ams.proto.v1.LayoutKind;

/**
 * What the sidecar asks the engine for when it creates a room's mix, and when rooms take their audio from it.
 *
 * @param width   canvas width (even, 16..7680)
 * @param height  canvas height
 * @param fps     mix frame rate
 * @param bitrateKbps VP8 target bitrate of the mix
 * @param layout  GRID by default: every participant the same size in the PIP
 * @param audioMixThreshold in rooms of more participants each receiver gets one mixed audio stream from the engine
 *                instead of one forwarded stream per other participant (docs/DESIGN.md "Audio delivery");
 *                0: always mixed, -1: never (the engine is then not asked for mixed audio at all)
 */
public record MixSettings(int width, int height, int fps, int bitrateKbps, LayoutKind layout, int audioMixThreshold) {
    public static final int DEFAULT_AUDIO_MIX_THRESHOLD = 6;
    /** Opus bitrate of each mixed audio stream the engine encodes. */
    public static final int AUDIO_MIX_BITRATE_KBPS = 32;
    /** Loudest voices the engine mixes (mix-minus for each of them, one shared mix for everyone else). */
    public static final int AUDIO_MIX_SPEAKERS = 3;

    public MixSettings {
        if (audioMixThreshold < -1 || audioMixThreshold > 500) {
            throw new IllegalArgumentException("audio mix threshold " + audioMixThreshold
                    + " is out of range: -1 (never), 0 (always) or 1..500 participants");
        }
    }

    /** With the default audio mix threshold. */
    public MixSettings(int width, int height, int fps, int bitrateKbps, LayoutKind layout) {
        this(width, height, fps, bitrateKbps, layout, DEFAULT_AUDIO_MIX_THRESHOLD);
    }

    public static MixSettings defaults() {
        return new MixSettings(960, 540, 30, 1200, LayoutKind.GRID);
    }

    public MixSettings withAudioMixThreshold(int threshold) {
        return new MixSettings(width, height, fps, bitrateKbps, layout, threshold);
    }

    /** Whether mixed audio is ever delivered (the engine is asked for it). */
    public boolean audioMixEnabled() {
        return audioMixThreshold >= 0;
    }
}
