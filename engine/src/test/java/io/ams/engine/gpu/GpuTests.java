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
        return ByteBuffer.allocateDirect(tiles * KernelAbi.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Appends a picture tile: {@code src} scaled into {@code dst}; box filter beyond 2x down, as the CPU path does. */
    static void picture(ByteBuffer b, DeviceFrame src, Nv12Surface canvas, Rect dst) {
        int at = b.position();
        b.putLong(at + KernelAbi.SRC_Y_OFFSET, src.yAddress());
        b.putLong(at + KernelAbi.SRC_UV_OFFSET, src.uvAddress());
        b.putInt(at + KernelAbi.SRC_PITCH_OFFSET, (int) src.pitch());
        b.putInt(at + KernelAbi.SRC_W_OFFSET, src.width());
        b.putInt(at + KernelAbi.SRC_H_OFFSET, src.height());
        boolean box = src.width() > 2 * dst.width() || src.height() > 2 * dst.height();
        b.put(at + KernelAbi.FILTER_OFFSET, (byte) (box ? 1 : 0));
        common(b, at, canvas, dst);
    }

    /** Appends a fill-only tile of colour {y, u, v}. */
    static void fill(ByteBuffer b, Nv12Surface canvas, Rect dst, int[] yuv) {
        int at = b.position();
        b.put(at + KernelAbi.FILL_Y_OFFSET, (byte) yuv[0]);
        b.put(at + KernelAbi.FILL_U_OFFSET, (byte) yuv[1]);
        b.put(at + KernelAbi.FILL_V_OFFSET, (byte) yuv[2]);
        common(b, at, canvas, dst);
    }

    private static void common(ByteBuffer b, int at, Nv12Surface canvas, Rect dst) {
        b.putLong(at + KernelAbi.DST_Y_OFFSET, canvas.yAddress());
        b.putLong(at + KernelAbi.DST_UV_OFFSET, canvas.uvAddress());
        b.putInt(at + KernelAbi.DST_PITCH_OFFSET, (int) canvas.pitch());
        b.putShort(at + KernelAbi.DST_X_OFFSET, (short) dst.x());
        b.putShort(at + KernelAbi.DST_Y_POS_OFFSET, (short) dst.y());
        b.putShort(at + KernelAbi.DST_W_OFFSET, (short) dst.width());
        b.putShort(at + KernelAbi.DST_H_OFFSET, (short) dst.height());
        b.position(at + KernelAbi.TILE_BYTES);
    }
}
