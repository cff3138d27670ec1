package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoDecoder;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.compose.Yuv;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/** A room output on the GPU end to end, and what a forced launch failure does to it. */
@Tag("gpu")
class GpuRoomPipelineGpuTest {
    static final EncoderConfig CONFIG = new EncoderConfig(VideoCodec.VP8, 320, 180, 30, 800, 60);

    @AfterEach
    void disarm() {
        FaultInjector.reset();
    }

    private static ByteBuffer twoColours(Nv12Surface canvas) {
        ByteBuffer t = GpuTests.table(2);
        GpuTests.fill(t, canvas, new Rect(0, 0, 320, 180), Yuv.fromRgb(0x0000FF));
        GpuTests.fill(t, canvas, new Rect(0, 0, 160, 180), Yuv.fromRgb(0xFF0000));
        t.flip();
        return t;
    }

    @Test
    void aTickEncodesTheCompositedCanvas() {
        GpuContext gpu = GpuTests.contextOrSkip();
        try (GpuRoomPipeline p = GpuRoomPipeline.create(gpu, CONFIG, 8, 0); VideoDecoder dec = VideoDecoder.create(VideoCodec.VP8)) {
            List<EncodedFrame> out = p.tick(twoColours(p.canvas()), 2, null, 0, 0, true);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).keyframe()).isTrue();
            try (VideoFrame pic = dec.decode(out.get(0))) {
                Planes pl = Planes.of(pic);
                int[] red = Yuv.fromRgb(0xFF0000);
                int[] blue = Yuv.fromRgb(0x0000FF);
                assertThat(Math.abs((pl.y()[90 * 320 + 80] & 0xFF) - red[0])).isLessThan(12);
                assertThat(Math.abs((pl.y()[90 * 320 + 240] & 0xFF) - blue[0])).isLessThan(12);
            }
        }
    }

    @Test
    void aForcedLaunchFailureIsAGpuFaultNamingTheCallAndTheRoomGoesOnOnTheCpu() {
        GpuContext gpu = GpuTests.contextOrSkip();
        try (GpuRoomPipeline p = GpuRoomPipeline.create(gpu, CONFIG, 8, 0)) {
            FaultInjector.failNextLaunch();
            assertThatThrownBy(() -> p.tick(twoColours(p.canvas()), 2, null, 0, 0, true))
                    .isInstanceOfSatisfying(GpuFault.class, f -> {
                        assertThat(f.call()).isEqualTo("cuLaunchKernel(ams_composite)");
                        assertThat(f.resultName()).isEqualTo("CUDA_ERROR_LAUNCH_FAILED");
                    })
                    .hasMessage("cuLaunchKernel(ams_composite): CUDA_ERROR_LAUNCH_FAILED");
            assertThat(p.fault()).isNotNull();
            // the pipeline stays failed: the output must switch, not retry
            assertThatThrownBy(() -> p.tick(twoColours(p.canvas()), 2, null, 0, 1, false)).isSameAs(p.fault());
        }
        // what Output does on the fault: CPU compositor and encoder, keyframe first
        try (CpuCompositor cpu = new CpuCompositor(); VideoEncoder enc = VideoEncoder.create(CONFIG);
                VideoFrame canvas = VideoFrame.allocateYuv420(320, 180)) {
            cpu.composite(canvas, List.of(new Tile("p", new Rect(0, 0, 320, 180), 0, false)), Map.of(), Map.of("p", "P"),
                    null);
            assertThat(enc.encode(canvas, 2, true)).singleElement().satisfies(f -> assertThat(f.keyframe()).isTrue());
        }
        // the injected fault did not break the context: a new pipeline works
        try (GpuRoomPipeline again = GpuRoomPipeline.create(gpu, CONFIG, 8, 0)) {
            assertThat(again.tick(twoColours(again.canvas()), 2, null, 0, 0, true)).isNotEmpty();
        }
    }
}
