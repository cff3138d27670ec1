package io.ams.engine.codec;

import io.ams.rtp.VideoCodec;

import java.util.Objects;

/**
 * Settings of a {@link VideoEncoder}.
 *
 * @param codec                  VP8 (libvpx) or H.264 (OpenH264, constrained baseline)
 * @param width                  picture width in pixels (even)
 * @param height                 picture height in pixels (even)
 * @param fps                    frames per second; the encoder's time base is 1/fps
 * @param bitrateKbps            target (constant) bitrate in kbit/s
 * @param keyframeIntervalFrames frames between automatic keyframes (GOP length)
 */
public record EncoderConfig(VideoCodec codec, int width, int height, int fps, int bitrateKbps,
        int keyframeIntervalFrames) {
    public EncoderConfig {
        Objects.requireNonNull(codec, "codec");
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("size must be positive and even: " + width + "x" + height);
        }
        if (fps <= 0 || fps > 240) {
            throw new IllegalArgumentException("fps out of range: " + fps);
        }
        if (bitrateKbps <= 0) {
            throw new IllegalArgumentException("bitrateKbps must be positive: " + bitrateKbps);
        }
        if (keyframeIntervalFrames <= 0) {
            throw new IllegalArgumentException("keyframeIntervalFrames must be positive: " + keyframeIntervalFrames);
        }
    }
}
