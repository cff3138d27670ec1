package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoDecoder;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.TestPattern;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/** NVDEC through FFmpeg against the CPU decoder on the same stream: PSNR >= 40 dB per plane, nothing leaked. */
@Tag("gpu")
class NvdecDecoderGpuTest {
    @ParameterizedTest
    @EnumSource(VideoCodec.class)
    void decodesLikeTheCpuDecoder(VideoCodec codec) {
        GpuContext gpu = GpuTests.contextOrSkip();
        String name = codec == VideoCodec.VP8 ? "vp8" : "h264";
        long framesBefore = NativeResources.outstandingFrames();
        long packetsBefore = NativeResources.outstandingPackets();
        List<EncodedFrame> stream = new ArrayList<>();
        try (VideoEncoder enc = VideoEncoder.create(new EncoderConfig(codec, 320, 240, 30, 1500, 30));
                VideoFrame picture = VideoFrame.allocateYuv420(320, 240)) {
            TestPattern pattern = new TestPattern();
            for (int i = 0; i < 12; i++) {
                picture.makeWritable();
                pattern.draw(picture, 0x3080C0, "nvdec", i);
                stream.addAll(enc.encode(picture, i, i == 0));
            }
        }
        assertThat(stream).isNotEmpty();
        int compared = 0;
        try (VideoDecoder cpu = VideoDecoder.create(codec); NvdecDecoder nvdec = NvdecDecoder.create(gpu, codec)) {
            for (EncodedFrame f : stream) {
                VideoFrame ref = cpu.decode(f);
                DeviceFrame got = nvdec.decode(f);
                try {
                    if (ref == null || got == null) {
                        assertThat(got == null).as("NVDEC and CPU both produce a picture or both none").isEqualTo(ref == null);
                        continue;
                    }
                    assertThat(got.width()).isEqualTo(ref.width());
                    assertThat(got.height()).isEqualTo(ref.height());
                    Planes expected = Planes.of(ref);
                    Planes actual = GpuTests.download(gpu, got.yAddress(), got.uvAddress(), got.pitch(), got.width(),
                            got.height());
                    double y = Planes.psnr(actual.y(), expected.y());
                    double u = Planes.psnr(actual.u(), expected.u());
                    double v = Planes.psnr(actual.v(), expected.v());
                    assertThat(y).as(codec + " frame " + compared + " PSNR Y").isGreaterThanOrEqualTo(40);
                    assertThat(u).as(codec + " frame " + compared + " PSNR U").isGreaterThanOrEqualTo(40);
                    assertThat(v).as(codec + " frame " + compared + " PSNR V").isGreaterThanOrEqualTo(40);
                    compared++;
                } finally {
                    if (ref != null) {
                        ref.release();
                    }
                    if (got != null) {
                        got.release();
                    }
                }
            }
            System.out.printf("%s: %d pictures compared, %d decoded on NVDEC, %d in software, errors %d (%s)%n", codec,
                    compared, nvdec.framesDecoded() - nvdec.softwareFrames(), nvdec.softwareFrames(),
                    nvdec.decodeErrors(), nvdec.lastError());
            assertThat(nvdec.decodeErrors()).isZero();
            if (gpu.info().nvdecCodecs().contains(name)) {
                assertThat(nvdec.softwareFrames()).as("every picture came from NVDEC").isZero();
            } else {
                System.out.println(codec + " is not decoded by NVDEC on this GPU (probe: " + gpu.info().reason()
                        + "); the software fallback was compared instead");
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(10);
        assertThat(NativeResources.outstandingFrames()).isEqualTo(framesBefore);
        assertThat(NativeResources.outstandingPackets()).isEqualTo(packetsBefore);
    }
}
