package io.ams.engine.gpu;

import java.nio.ByteBuffer;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

import io.ams.engine.media.VideoFrame;

/**
 * Brings a GPU canvas to the CPU encoder (the H100/H200 path, where there is no NVENC): an
 * asynchronous device-to-pinned-host copy of the NV12 canvas ({@link #start}, queued on the
 * default stream right after the composite), then, after the stream is synchronised, a conversion
 * of NV12 to the YUV420P frame {@link io.ams.engine.codec.VideoEncoder} takes ({@link #finish}).
 * The conversion is libswscale's unscaled NV12 to YUV420P path (a plain copy of Y and a
 * deinterleave of UV, SIMD), reading straight from the pinned buffer.
 *
 * <p>Ownership: the pinned buffer, the scaler and the YUV420P frame are allocated here and freed
 * by {@link #close()}; {@link #finish} returns the frame borrowed (valid until the next finish or
 * close; retain it to keep it). Not thread-safe.
 */
public final class CanvasDownload implements AutoCloseable {
    private final GpuContext gpu;
    private final int width;
    private final int height;
    private final PinnedBuffer host;       // owned: NV12, pitch = width
    private final VideoFrame picture;      // owned: YUV420P
    private final SwsContext scaler;       // owned
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final IntPointer srcStride = new IntPointer(4);
    private boolean closed;

    public CanvasDownload(GpuContext gpu, int width, int height) {
        if (width < 2 || height < 2 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("canvas size must be even: " + width + "x" + height);
        }
        this.gpu = gpu;
        this.width = width;
        this.height = height;
        this.host = gpu.allocatePinned((long) width * height * 3 / 2);
        this.picture = VideoFrame.allocateYuv420(width, height);
        this.scaler = swscale.sws_getContext(width, height, avutil.AV_PIX_FMT_NV12, width, height,
                avutil.AV_PIX_FMT_YUV420P, swscale.SWS_POINT, null, null, (DoublePointer) null);
        if (scaler == null || scaler.isNull()) {
            close();
            throw new IllegalStateException("sws_getContext(nv12 -> yuv420p) failed");
        }
    }

    /** Queues the copy of {@code canvas}' top-left width x height into pinned memory. */
    public void start(Nv12Surface canvas) {
        gpu.ensureCurrent();
        Cuda.copy2dDeviceToHost("cuMemcpy2DAsync(canvas Y to host)", canvas.yAddress(), canvas.pitch(),
                host.pointer(), 0, width, width, height);
        Cuda.copy2dDeviceToHost("cuMemcpy2DAsync(canvas UV to host)", canvas.uvAddress(), canvas.pitch(),
                host.pointer(), (long) width * height, width, width, height / 2);
    }

    /**
     * Converts the downloaded canvas to YUV420P. Call after the default stream was synchronised
     * ({@link GpuContext#synchronize()}); returns the picture, borrowed.
     */
    public VideoFrame finish() {
        picture.makeWritable();
        ByteBuffer nv12 = host.buffer();
        BytePointer base = new BytePointer(nv12);
        srcData.put(0, base);
        srcData.put(1, base.getPointer((long) width * height));
        srcData.put(2, null);
        srcData.put(3, null);
        srcStride.put(0, width).put(1, width).put(2, 0).put(3, 0);
        AVFrame dst = picture.avFrame();
        swscale.sws_scale(scaler, srcData, srcStride, 0, height, dst.data(), dst.linesize());
        return picture;
    }

    /** The NV12 bytes last downloaded (pitch = width; Y then UV), a view for tests. */
    public ByteBuffer nv12() {
        return host.buffer();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scaler != null) {
            swscale.sws_freeContext(scaler);
        }
        srcData.close();
        srcStride.close();
        picture.release();
        host.close();
    }
}
