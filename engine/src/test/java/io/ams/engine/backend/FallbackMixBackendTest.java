package io.ams.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.media.NativeResources;
import io.ams.proto.v1.Backend;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

class FallbackMixBackendTest {
    static final EncoderConfig CONFIG = new EncoderConfig(VideoCodec.VP8, 160, 96, 30, 300, 120);

    static MixBackend.Frame frame(long i) {
        return new MixBackend.Frame(List.of(), Map.of(), Map.of(), LayoutSpec.grid(), Map.of(), i, false);
    }

    @Test
    void aFaultMovesTheOutputToTheFallbackWhichMixesTheSameFrameAsAKeyframe() {
        long before = NativeResources.outstandingFrames();
        FaultyBackend gpu = new FaultyBackend(CONFIG, 5);
        List<BackendFault> told = new ArrayList<>();
        List<Backend> nowOn = new ArrayList<>();
        List<EncodedFrame> out = new ArrayList<>();
        try (FallbackMixBackend b = new FallbackMixBackend("room r output main", gpu,
                () -> CpuMixBackend.open(CONFIG, "CPU fallback"), (fault, now) -> {
                    told.add(fault);
                    nowOn.add(now.kind());
                })) {
            assertThat(b.kind()).isEqualTo(Backend.GPU);
            for (long i = 0; i < 5; i++) {
                out.addAll(b.mix(frame(i)).frames());
            }
            assertThat(b.fellBack()).isFalse();
            MixBackend.Result r = b.mix(frame(5));
            assertThat(b.fellBack()).isTrue();
            assertThat(r.frames()).as("the faulted frame still comes out, from the fallback").isNotEmpty();
            assertThat(r.frames().get(0).keyframe()).as("first frame after the move is a keyframe").isTrue();
            assertThat(gpu.isClosed()).as("the faulted backend is freed at once").isTrue();
            assertThat(told).extracting(Throwable::getMessage).containsExactly(FaultyBackend.FAULT);
            assertThat(nowOn).containsExactly(Backend.CPU);
            assertThat(b.kind()).isEqualTo(Backend.CPU);
            assertThat(b.reason()).contains("CPU backend after a GPU fault").contains("CUDA_ERROR_LAUNCH_FAILED");
            for (long i = 6; i < 40; i++) {
                assertThat(b.mix(frame(i)).frames()).isNotEmpty();
            }
            assertThat(told).as("told once, not per frame").hasSize(1);
            assertThat(gpu.framesMixed()).isEqualTo(5);
        }
        assertThat(out).hasSize(5);
        assertThat(NativeResources.outstandingFrames()).as("canvases of both backends freed").isEqualTo(before);
    }

    @Test
    void aFaultOfTheFallbackItselfIsThrownNotLooped() {
        FaultyBackend gpu = new FaultyBackend(CONFIG, 0);
        FaultyBackend alsoBroken = new FaultyBackend(CONFIG, 1);
        try (FallbackMixBackend b = new FallbackMixBackend("r/main", gpu, () -> alsoBroken, null)) {
            b.mix(frame(0)); // gpu fails, the fallback mixes frame 0
            assertThatThrownBy(() -> b.mix(frame(1))).isInstanceOf(BackendFault.class);
        }
        assertThat(alsoBroken.isClosed()).isTrue();
    }
}
