package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.Tile;
import io.ams.engine.compose.Yuv;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

/**
 * ams_composite against CpuCompositor on the same random frames: two canvases (two rooms) in ONE
 * launch, each poisoned with 0x5A first so every pixel must be written; PSNR >= 40 dB per plane.
 * Participant ids are blank strings so the CPU compositor draws no name labels (labels are a
 * separate kernel).
 */
@Tag("gpu")
class CudaCompositorGpuTest {
    static final double MIN_PSNR = 40.0;

    @Test
    void batchedKernelMatchesTheCpuCompositorOnTwoCanvases() {
        GpuContext gpu = GpuTests.contextOrSkip();
        long framesBefore = NativeResources.outstandingFrames();
        Random rnd = new Random(42);
        Planes oneToOne = Planes.smoothRandom(rnd, 320, 180);
        Planes half = Planes.smoothRandom(rnd, 640, 360);
        Planes up = Planes.smoothRandom(rnd, 160, 90);
        Planes quarter = Planes.smoothRandom(rnd, 1280, 720);
        List<DeviceFrame> onGpu = new ArrayList<>();
        List<VideoFrame> onCpu = new ArrayList<>();
        try (Nv12Surface canvasA = gpu.allocateCanvas(640, 360);
                Nv12Surface canvasB = gpu.allocateCanvas(320, 180);
                CudaCompositor comp = new CudaCompositor(gpu, 16, 0);
                CpuCompositor cpu = new CpuCompositor()) {
            for (Planes p : List.of(oneToOne, half, up, quarter)) {
                onGpu.add(GpuTests.upload(gpu, p));
                onCpu.add(p.toFrame());
            }
            // room A: 640x360 on black, four 320x180 tiles (1:1 highlighted, 2x down, 2x up, placeholder)
            int[] black = Yuv.fromRgb(0x000000);
            int[] highlight = Yuv.fromRgb(CpuCompositor.HIGHLIGHT_RGB);
            int[] placeholder = Yuv.fromRgb(CpuCompositor.PLACEHOLDER_RGB);
            Rect a1 = new Rect(0, 0, 320, 180);
            Rect a2 = new Rect(320, 0, 320, 180);
            Rect a3 = new Rect(0, 180, 320, 180);
            Rect a4 = new Rect(320, 180, 320, 180);
            ByteBuffer table = GpuTests.table(16);
            GpuTests.fill(table, canvasA, new Rect(0, 0, 640, 360), black);
            GpuTests.picture(table, onGpu.get(0), canvasA, a1);
            GpuTests.picture(table, onGpu.get(1), canvasA, a2);
            GpuTests.picture(table, onGpu.get(2), canvasA, a3);
            GpuTests.fill(table, canvasA, a4, placeholder);
            int bw = 2; // CpuCompositor's border at 360 lines
            GpuTests.fill(table, canvasA, new Rect(0, 0, 320, bw), highlight);
            GpuTests.fill(table, canvasA, new Rect(0, 180 - bw, 320, bw), highlight);
            GpuTests.fill(table, canvasA, new Rect(0, bw, bw, 180 - 2 * bw), highlight);
            GpuTests.fill(table, canvasA, new Rect(320 - bw, bw, bw, 180 - 2 * bw), highlight);
            // room B: 320x180, one picture 4x down (box filter) on a blue background
            int blueRgb = 0x204080;
            GpuTests.fill(table, canvasB, new Rect(0, 0, 320, 180), Yuv.fromRgb(blueRgb));
            GpuTests.picture(table, onGpu.get(3), canvasB, new Rect(0, 0, 320, 180));
            int count = table.position() / KernelAbi.TILE_BYTES;
            table.flip();

            canvasA.fill((byte) 0x5A);
            canvasB.fill((byte) 0x5A);
            comp.composite(table, count, null, 0);
            gpu.synchronize();
            assertThat(comp.launches()).as("one launch for both canvases").isEqualTo(1);
            Planes gpuA = GpuTests.download(gpu, canvasA.yAddress(), canvasA.uvAddress(), canvasA.pitch(), 640, 360);
            Planes gpuB = GpuTests.download(gpu, canvasB.yAddress(), canvasB.uvAddress(), canvasB.pitch(), 320, 180);

            Map<String, VideoFrame> frames = new HashMap<>();
            frames.put(" ", onCpu.get(0));
            frames.put("  ", onCpu.get(1));
            frames.put("   ", onCpu.get(2));
            List<Tile> tilesA = List.of(new Tile(" ", a1, 0, true), new Tile("  ", a2, 0, false),
                    new Tile("   ", a3, 0, false), new Tile("    ", a4, 0, false));
            Planes cpuA;
            try (VideoFrame c = VideoFrame.allocateYuv420(640, 360)) {
                cpu.composite(c, tilesA, frames, Map.of(), new LayoutSpec(LayoutKind.GRID, List.of(), Fit.LETTERBOX, true,
                        0x000000));
                cpuA = Planes.of(c);
            }
            Planes cpuB;
            try (VideoFrame c = VideoFrame.allocateYuv420(320, 180)) {
                cpu.composite(c, List.of(new Tile(" ", new Rect(0, 0, 320, 180), 0, false)), Map.of(" ", onCpu.get(3)),
                        Map.of(), new LayoutSpec(LayoutKind.GRID, List.of(), Fit.LETTERBOX, false, blueRgb));
                cpuB = Planes.of(c);
            }
            compare("room A", gpuA, cpuA);
            compare("room B", gpuB, cpuB);
        } finally {
            onGpu.forEach(DeviceFrame::release);
            onCpu.forEach(VideoFrame::release);
        }
        assertThat(NativeResources.outstandingFrames()).isEqualTo(framesBefore);
    }

    private static void compare(String what, Planes gpu, Planes cpu) {
        double y = Planes.psnr(gpu.y(), cpu.y());
        double u = Planes.psnr(gpu.u(), cpu.u());
        double v = Planes.psnr(gpu.v(), cpu.v());
        System.out.printf("%s: PSNR Y %.2f dB, U %.2f dB, V %.2f dB%n", what, y, u, v);
        assertThat(y).as(what + " PSNR Y").isGreaterThanOrEqualTo(MIN_PSNR);
        assertThat(u).as(what + " PSNR U").isGreaterThanOrEqualTo(MIN_PSNR);
        assertThat(v).as(what + " PSNR V").isGreaterThanOrEqualTo(MIN_PSNR);
        // an unwritten pixel still holds the poison 0x5A, far from the CPU's value almost everywhere
        int limit = gpu.y().length / 1000;
        assertThat(Planes.countDiffering(gpu.y(), cpu.y(), 40)).as(what + " luma samples off by > 40").isLessThanOrEqualTo(limit);
        assertThat(Planes.countDiffering(gpu.u(), cpu.u(), 40)).as(what + " U samples off by > 40").isLessThanOrEqualTo(limit / 4);
        assertThat(Planes.countDiffering(gpu.v(), cpu.v(), 40)).as(what + " V samples off by > 40").isLessThanOrEqualTo(limit / 4);
    }
}
