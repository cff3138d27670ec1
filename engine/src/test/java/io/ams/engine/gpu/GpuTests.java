package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Assumptions;

import io.ams.engine.compose.Rect;

/** Shared set-up of the GPU-tagged tests: the context (or a printed skip), uploads, downloads and AmsTile entries. */
final class GpuTests {
    private GpuTests() {
    }

    /** The process's GPU context; skips the test, printing why, when the probe says the GPU is unusable. */
    static GpuContext contextOrSkip() {
        GpuInfo info = GpuProbe.probe();
        if (!info.usable()) {
            System.out.println("GPU test skipped: " + info.reason());
        }
        Assumptions.assumeTrue(info.usable(), () -> "no usable GPU: " + info.reason());
        return GpuContext.open(info);
    }

    /** A pooled device frame holding {@code p} (uploaded through pinned memory, synchronised). */
    static DeviceFrame upload(GpuContext gpu, Planes p) {
        DeviceFrame f = gpu.framePool().acquire(p.width(), p.height(), 0);
        if (f == null) {
            throw new IllegalStateException("frame pool has no buffer for " + p.width() + "x" + p.height());
        }
        byte[] nv12 = p.toNv12();
        try (PinnedBuffer staging = gpu.allocatePinned(nv12.length)) {
            staging.buffer().put(nv12);
            int w = p.width();
            int h = p.height();
            Cuda.copy2dHostToDevice("upload Y", staging.pointer(), w, f.yAddress(), f.pitch(), w, h);
            Cuda.copy2dHostToDevice("upload UV", staging.pointer().withByteOffset((long) w * h), w, f.uvAddress(),
                    f.pitch(), w, h / 2);
            gpu.synchronize();
        }
        return f;
    }

    /** The w x h NV12 picture at (y, uv, pitch) on the device, read back (synchronised). */
    static Planes download(GpuContext gpu, long y, long uv, long pitch, int w, int h) {
        try (PinnedBuffer host = gpu.allocatePinned((long) w * h * 3 / 2)) {
            Cuda.copy2dDeviceToHost("download Y", y, pitch, host.pointer(), 0, w, w, h);
            Cuda.copy2dDeviceToHost("download UV", uv, pitch, host.pointer(), (long) w * h, w, w, h / 2);
            gpu.synchronize();
            return Planes.fromNv12(host.buffer(), w, h, w);
        }
    }

    static ByteBuffer table(int tiles) {
        return ByteBuffer.allocateDirect(tiles * KernelAbiStandIn.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Appends a picture tile: {@code src} scaled into {@code dst}; box filter beyond 2x down, as the CPU path does. */
    static void picture(ByteBuffer b, DeviceFrame src, Nv12Surface canvas, Rect dst) {
        int at = b.position();
        b.putLong(at + KernelAbiStandIn.TILE_SRC_Y, src.yAddress());
        b.putLong(at + KernelAbiStandIn.TILE_SRC_UV, src.uvAddress());
        b.putInt(at + KernelAbiStandIn.TILE_SRC_PITCH, (int) src.pitch());
        b.putInt(at + KernelAbiStandIn.TILE_SRC_W, src.width());
        b.putInt(at + KernelAbiStandIn.TILE_SRC_H, src.height());
        boolean box = src.width() > 2 * dst.width() || src.height() > 2 * dst.height();
        b.put(at + KernelAbiStandIn.TILE_FILTER, (byte) (box ? 1 : 0));
        common(b, at, canvas, dst);
    }

    /** Appends a fill-only tile of colour {y, u, v}. */
    static void fill(ByteBuffer b, Nv12Surface canvas, Rect dst, int[] yuv) {
        int at = b.position();
        b.put(at + KernelAbiStandIn.TILE_FILL_Y, (byte) yuv[0]);
        b.put(at + KernelAbiStandIn.TILE_FILL_U, (byte) yuv[1]);
        b.put(at + KernelAbiStandIn.TILE_FILL_V, (byte) yuv[2]);
        common(b, at, canvas, dst);
    }

    private static void common(ByteBuffer b, int at, Nv12Surface canvas, Rect dst) {
        b.putLong(at + KernelAbiStandIn.TILE_DST_Y, canvas.yAddress());
        b.putLong(at + KernelAbiStandIn.TILE_DST_UV, canvas.uvAddress());
        b.putInt(at + KernelAbiStandIn.TILE_DST_PITCH, (int) canvas.pitch());
        b.putShort(at + KernelAbiStandIn.TILE_DST_X, (short) dst.x());
        b.putShort(at + KernelAbiStandIn.TILE_DST_Y_POS, (short) dst.y());
        b.putShort(at + KernelAbiStandIn.TILE_DST_W, (short) dst.width());
        b.putShort(at + KernelAbiStandIn.TILE_DST_H, (short) dst.height());
        b.position(at + KernelAbiStandIn.TILE_BYTES);
    }
}
