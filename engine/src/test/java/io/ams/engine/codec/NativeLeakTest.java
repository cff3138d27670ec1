package io.ams.engine.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every AVFrame and AVPacket the codec package allocates is freed on close/release. */
class NativeLeakTest {

    @Test
    void encodeDecodeCyclesLeaveNoNativeBuffers() {
        long frames = NativeResources.outstandingFrames();
        long packets = NativeResources.outstandingPackets();
        Random random = new Random(1);
        for (int cycle = 0; cycle < 50; cycle++) {
            VideoCodec codec = cycle % 2 == 0 ? VideoCodec.VP8 : VideoCodec.H264;
            try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(codec, 160, 120, 30, 200, 1000));
                    VideoDecoder decoder = VideoDecoder.create(codec);
                    VideoFrame picture = YuvColor.solid(160, 120, YuvColor.RED)) {
                for (int i = 0; i < 4; i++) {
                    for (EncodedFrame f : encoder.encode(picture, i, i == 2)) {
                        VideoFrame out = decoder.decode(f);
                        if (out != null) {
                            out.release();
                        }
                    }
                }
                byte[] junk = new byte[200];
                random.nextBytes(junk);
                VideoFrame out = decoder.decode(new EncodedFrame(codec, junk, false, 0, 0));
                if (out != null) {
                    out.release();
                }
            }
        }
        assertThat(NativeResources.outstandingFrames()).isEqualTo(frames);
        assertThat(NativeResources.outstandingPackets()).isEqualTo(packets);
    }

    @Test
    void fileWriteReadCyclesLeaveNoNativeBuffers(@TempDir Path dir) {
        long frames = NativeResources.outstandingFrames();
        long packets = NativeResources.outstandingPackets();
        for (int cycle = 0; cycle < 10; cycle++) {
            Path file = dir.resolve("leak" + cycle + ".webm");
            try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 160, 120, 30, 200, 1000));
                    MediaFileWriter writer = MediaFileWriter.open(file, VideoCodec.VP8, 160, 120, 30);
                    VideoFrame picture = YuvColor.solid(160, 120, YuvColor.BLUE)) {
                for (int i = 0; i < 5; i++) {
                    encoder.encode(picture, i, false).forEach(writer::write);
                }
            }
            try (MediaFileReader reader = MediaFileReader.open(file)) {
                VideoFrame f;
                while ((f = reader.next()) != null) {
                    f.release();
                }
                assertThat(reader.framesRead()).isEqualTo(5);
            }
        }
        assertThat(NativeResources.outstandingFrames()).isEqualTo(frames);
        assertThat(NativeResources.outstandingPackets()).isEqualTo(packets);
    }
}
