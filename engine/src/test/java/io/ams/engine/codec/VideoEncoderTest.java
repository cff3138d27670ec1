package io.ams.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class VideoEncoderTest {
    private static final YuvColor[] COLORS = {YuvColor.RED, YuvColor.GREEN, YuvColor.BLUE};

    static Stream<Arguments> codecsAndSizes() {
        return Stream.of(
                Arguments.of(VideoCodec.VP8, 320, 240),
                Arguments.of(VideoCodec.VP8, 1280, 720),
                Arguments.of(VideoCodec.H264, 320, 240),
                Arguments.of(VideoCodec.H264, 1280, 720));
    }

    /** 60 pictures, 20 each of red, green, blue: 60 frames out, each decoding to its colour. */
    @ParameterizedTest
    @MethodSource("codecsAndSizes")
    void solidColoursSurviveEncodeAndDecode(VideoCodec codec, int width, int height) {
        int frames = 60;
        int fps = 30;
        int kbps = width >= 1280 ? 2500 : 600;
        List<VideoFrame> pictures = new ArrayList<>();
        for (YuvColor c : COLORS) {
            pictures.add(YuvColor.solid(width, height, c));
        }
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, width, height, fps, kbps, 1000));
                VideoDecoder decoder = VideoDecoder.create(codec)) {
            List<EncodedFrame> encoded = new ArrayList<>();
            List<YuvColor> expected = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                YuvColor c = COLORS[i / 20];
                List<EncodedFrame> out = encoder.encode(pictures.get(i / 20), i, false);
                assertThat(out).as("frame %d", i).hasSize(1);
                encoded.addAll(out);
                expected.add(c);
            }
            assertThat(encoder.framesEncoded()).isEqualTo(frames);
            assertThat(encoder.encodeErrors()).isZero();
            assertThat(encoded.get(0).keyframe()).isTrue();
            List<Integer> keyIndexes = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                if (encoded.get(i).keyframe()) {
                    keyIndexes.add(i);
                }
            }
            assertThat(encoder.keyframes()).isEqualTo(keyIndexes.size());
            if (codec == VideoCodec.VP8) {
                assertThat(keyIndexes).containsExactly(0);
            } else {
                // OpenH264's scene-change detection (not reachable through FFmpeg) may add an
                // IDR at a hard cut, and only there
                assertThat(keyIndexes).startsWith(0).isSubsetOf(0, 20, 40);
            }
            for (int i = 0; i < frames; i++) {
                EncodedFrame f = encoded.get(i);
                assertThat(f.codec()).isEqualTo(codec);
                assertThat(f.rtpTimestamp()).isEqualTo(i * 3000L);
                assertThat(f.receivedNanos()).isZero();
                try (VideoFrame decoded = decoder.decode(f)) {
                    assertThat(decoded).as("decoded frame %d", i).isNotNull();
                    assertThat(decoded.width()).isEqualTo(width);
                    assertThat(decoded.height()).isEqualTo(height);
                    YuvColor got = YuvColor.centre(decoded);
                    // libvpx refines the first frames of a stream (and a P-frame after a cut may too)
                    int tolerance = i < 10 || i % 20 < 3 ? 12 : 4;
                    assertThat(got.near(expected.get(i), tolerance))
                            .as("frame %d: got %s, want %s", i, got, expected.get(i)).isTrue();
                }
            }
            assertThat(decoder.framesDecoded()).isEqualTo(frames);
            assertThat(decoder.decodeErrors()).isZero();
        } finally {
            pictures.forEach(VideoFrame::release);
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void forcedKeyframeComesExactlyWhereAsked(VideoCodec codec) {
        List<Integer> keyframeIndexes = new ArrayList<>();
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, YuvColor.GREEN)) {
            for (int i = 0; i < 30; i++) {
                // a moving bar so that every frame carries real inter-frame content
                YuvColor.fill(picture, YuvColor.GREEN);
                paintBar(picture, (i * 8) % 320);
                for (EncodedFrame f : encoder.encode(picture, i, i == 17)) {
                    if (f.keyframe()) {
                        keyframeIndexes.add((int) (f.rtpTimestamp() / 3000));
                    }
                }
            }
            assertThat(encoder.framesEncoded()).isEqualTo(30);
            assertThat(encoder.keyframes()).isEqualTo(2);
        }
        assertThat(keyframeIndexes).containsExactly(0, 17);
    }

    @Test
    void h264KeyframesCarrySpsPpsAndIdrInAnnexB() {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.H264, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, YuvColor.BLUE)) {
            assertThat(encoder.encoderName()).isEqualTo("libopenh264");
            for (int i = 0; i < 12; i++) {
                paintBar(picture, i * 10);
                List<EncodedFrame> out = encoder.encode(picture, i, i == 9);
                assertThat(out).hasSize(1);
                EncodedFrame f = out.get(0);
                assertThat(f.data()).startsWith(0, 0, 0, 1);
                List<Integer> types = AnnexB.nalTypes(f.data());
                if (i == 0 || i == 9) {
                    assertThat(f.keyframe()).isTrue();
                    assertThat(types).as("NAL types of keyframe %d", i).contains(7, 8, 5);
                    assertThat(types.indexOf(7)).isLessThan(types.indexOf(5));
                    assertThat(types.indexOf(8)).isLessThan(types.indexOf(5));
                    // SPS: profile_idc 66 with constraint_set1 = constrained baseline (42 c0 / 42 e0)
                    int[] sps = AnnexB.nalUnits(f.data()).get(types.indexOf(7));
                    assertThat(f.data()[sps[0] + 1] & 0xff).isEqualTo(66);
                    assertThat(f.data()[sps[0] + 2] & 0x40).isEqualTo(0x40);
                } else {
                    assertThat(f.keyframe()).isFalse();
                    assertThat(types).as("NAL types of frame %d", i).contains(1).doesNotContain(5, 7, 8);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void everyOptionSetIsKnownToTheEncoder(VideoCodec codec) {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, 640, 360, 30, 800, 60))) {
            assertThat(encoder.unknownOptions()).isEmpty();
            assertThat(encoder.encoderName()).isEqualTo(codec == VideoCodec.VP8 ? "libvpx" : "libopenh264");
        }
    }

    @Test
    void unknownOptionIsReported() {
        var options = new CodecOptions().set("deadline", "realtime").set("no-such-option", 3);
        var codec = org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name("libvpx");
        var ctx = org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3(codec);
        try {
            ctx.width(64);
            ctx.height(64);
            ctx.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
            ctx.time_base(avutil.av_make_q(1, 30));
            assertThat(options.open(ctx, codec)).containsExactly("no-such-option");
        } finally {
            org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context(ctx);
        }
    }

    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void encoderKeepsNoReferenceToThePicture(VideoCodec codec) {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, YuvColor.RED)) {
            for (int i = 0; i < 5; i++) {
                encoder.encode(picture, i, false);
                assertThat(avutil.av_buffer_get_ref_count(picture.avFrame().buf(0))).isEqualTo(1);
                assertThat(picture.avFrame().pict_type()).isEqualTo(avutil.AV_PICTURE_TYPE_NONE);
            }
        }
    }

    @Test
    void wrongSizedPictureIsDroppedAndCounted() {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(640, 480, YuvColor.RED)) {
            assertThat(encoder.encode(picture, 0, false)).isEmpty();
            assertThat(encoder.encodeErrors()).isEqualTo(1);
            assertThat(encoder.lastError()).contains("640x480");
        }
    }

    @Test
    void rtpTimestampWrapsAt32Bits() {
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 320, 240, 30, 500, 1000));
                VideoFrame picture = YuvColor.solid(320, 240, YuvColor.RED)) {
            long index = (1L << 32) / 3000 + 1; // index * 3000 just past 2^32
            EncodedFrame f = encoder.encode(picture, index, false).get(0);
            assertThat(f.rtpTimestamp()).isEqualTo((index * 3000) & 0xFFFF_FFFFL).isLessThan(3000);
        }
    }

    /** Paints a white vertical bar 16 pixels wide at column {@code x} (luma only). */
    static void paintBar(VideoFrame picture, int x) {
        var f = picture.avFrame();
        int stride = f.linesize(0);
        byte[] bar = new byte[Math.min(16, f.width() - x)];
        java.util.Arrays.fill(bar, (byte) 235);
        for (int row = 0; row < f.height(); row++) {
            f.data(0).position((long) row * stride + x).put(bar);
        }
    }
}
