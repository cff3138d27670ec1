package io.ams.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/** Encoded clips of solid colours, as the recording tests feed them to sinks, and byte searches in files. */
public final class ColourClips {
    private ColourClips() {
    }

    /**
     * {@code count} VP8 frames of {@code width}x{@code height} at {@code fps}, frame i in {@code colour.apply(i)},
     * a keyframe each second (as the mix asks).
     */
    public static List<EncodedFrame> vp8(int width, int height, int fps, int kbps, int count,
            IntFunction<YuvColor> colour) {
        List<EncodedFrame> frames = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, width, height, fps, kbps,
                1000))) {
            for (int i = 0; i < count; i++) {
                try (VideoFrame picture = YuvColor.solid(width, height, colour.apply(i))) {
                    frames.addAll(encoder.encode(picture, i, i % fps == 0));
                }
            }
        }
        return frames;
    }

    /** Where {@code needle} first occurs in {@code hay}; -1 when nowhere. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
