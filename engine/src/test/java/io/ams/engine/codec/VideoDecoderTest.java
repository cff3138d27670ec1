package io.ams.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VideoDecoderTest {

    /** Encodes {@code count} pictures of {@code color} (the first is a keyframe). */
    static List<EncodedFrame> encodeSolid(VideoCodec codec, YuvColor color, int count) {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, color)) {
            List<EncodedFrame> out = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.addAll(encoder.encode(picture, i, false));
            }
            return out;
        }
    }

    private static EncodedFrame withData(EncodedFrame f, byte[] data, boolean keyframe) {
        return new EncodedFrame(f.codec(), data, keyframe, f.rtpTimestamp(), f.receivedNanos());
    }

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void badDataNeverThrowsAndNextKeyframeDecodes(VideoCodec codec) {
        EncodedFrame redKey = encodeSolid(codec, YuvColor.RED, 1).get(0);
        EncodedFrame blueKey = encodeSolid(codec, YuvColor.BLUE, 1).get(0);
        assertThat(redKey.keyframe()).isTrue();
        byte[] random = new byte[3000];
        new Random(42).nextBytes(random);
        byte[] truncated = Arrays.copyOf(redKey.data(), redKey.size() / 3);
        byte[] zeroed = redKey.data().clone();
        Arrays.fill(zeroed, zeroed.length / 4, zeroed.length * 3 / 4, (byte) 0);
        List<EncodedFrame> bad = List.of(
                withData(redKey, random, false),
                withData(redKey, random, true),
                withData(redKey, truncated, true),
                withData(redKey, zeroed, true),
                withData(redKey, new byte[0], true),
                new EncodedFrame(codec == VideoCodec.VP8 ? VideoCodec.H264 : VideoCodec.VP8, redKey.data(), true, 0, 0));

        try (VideoDecoder decoder = VideoDecoder.create(codec)) {
            int nulls = 0;
            for (EncodedFrame f : bad) {
                VideoFrame[] out = new VideoFrame[1];
                assertThatCode(() -> out[0] = decoder.decode(f)).doesNotThrowAnyException();
                if (out[0] == null) {
                    nulls++;
                } else {
                    out[0].release();
                }
            }
            assertThat(decoder.decodeErrors()).isPositive();
            assertThat(nulls).isGreaterThanOrEqualTo(3);
            assertThat(decoder.lastError()).isNotNull();

            long errorsBefore = decoder.decodeErrors();
            try (VideoFrame good = decoder.decode(withData(blueKey, blueKey.data(), true))) {
                assertThat(good).isNotNull();
                assertThat(YuvColor.centre(good).near(YuvColor.BLUE, 4))
                        .as("centre %s", YuvColor.centre(good)).isTrue();
            }
            assertThat(decoder.decodeErrors()).isEqualTo(errorsBefore);
        }
    }

    @Test
    void vp8InvalidDataNamesTheCallAndCode() {
        byte[] random = new byte[500];
        new Random(7).nextBytes(random);
        random[0] = (byte) (random[0] | 1); // an inter frame without a prior keyframe
        try (VideoDecoder decoder = VideoDecoder.create(VideoCodec.VP8)) {
            assertThat(decoder.decode(new EncodedFrame(VideoCodec.VP8, random, false, 0, 0))).isNull();
            assertThat(decoder.decodeErrors()).isEqualTo(1);
            assertThat(decoder.lastError())
                    .isEqualTo("avcodec_send_packet: -1094995529 (Invalid data found when processing input)");
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void pictureCarriesTheFramesReceiveTime(VideoCodec codec) {
        EncodedFrame key = encodeSolid(codec, YuvColor.GREEN, 1).get(0);
        try (VideoDecoder decoder = VideoDecoder.create(codec);
                VideoFrame picture = decoder.decode(withReceived(key, 123_456_789L))) {
            assertThat(picture.receivedNanos()).isEqualTo(123_456_789L);
            assertThat(picture.refCount()).isEqualTo(1);
        }
    }

    private static EncodedFrame withReceived(EncodedFrame f, long nanos) {
        return new EncodedFrame(f.codec(), f.data(), f.keyframe(), f.rtpTimestamp(), nanos);
    }

    @Test
    void decodeAfterCloseReturnsNullAndCloseIsIdempotent() {
        EncodedFrame key = encodeSolid(VideoCodec.VP8, YuvColor.GREEN, 1).get(0);
        VideoDecoder decoder = VideoDecoder.create(VideoCodec.VP8);
        decoder.close();
        decoder.close();
        assertThat(decoder.decode(key)).isNull();
        assertThat(decoder.decodeErrors()).isEqualTo(1);
    }
}
