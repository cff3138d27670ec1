package io.ams.engine.media;

import java.util.concurrent.atomic.AtomicInteger;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * A decoded picture in native memory: a reference-counted owner of one {@link AVFrame}.
 *
 * <p>Ownership rule (the whole engine follows it): a new frame starts with one reference, held
 * by whoever created it. Whoever receives a frame owns that reference and must {@link #release()}
 * it (or {@link #close()} it, the same thing) exactly once. To keep a frame beyond a call, or to
 * hand it to several consumers, {@link #retain()} it once per extra owner: fan-out retains, it
 * never copies. When the last reference is released the AVFrame and its buffers are freed and
 * {@link NativeResources} is told.
 */
public final class VideoFrame implements AutoCloseable {
    private final AVFrame frame;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** {@link System#nanoTime()} when the last RTP packet of this picture arrived; 0 if synthetic. */
    private final long receivedNanos;

    private VideoFrame(AVFrame frame, long receivedNanos) {
        this.frame = frame;
        this.receivedNanos = receivedNanos;
        NativeResources.frameAllocated();
    }

    /** Allocates a frame with its own buffers (32-byte aligned planes), contents undefined. */
    public static VideoFrame allocate(int width, int height, int pixelFormat) {
        AVFrame f = avutil.av_frame_alloc();
        if (f == null) {
            throw new OutOfMemoryError("av_frame_alloc");
        }
        f.width(width);
        f.height(height);
        f.format(pixelFormat);
        int ret = avutil.av_frame_get_buffer(f, 32);
        if (ret < 0) {
            avutil.av_frame_free(f);
            throw new FFmpegException("av_frame_get_buffer(" + width + "x" + height + ")", ret);
        }
        return new VideoFrame(f, 0);
    }

    /** Allocates a YUV 4:2:0 planar frame. */
    public static VideoFrame allocateYuv420(int width, int height) {
        return allocate(width, height, avutil.AV_PIX_FMT_YUV420P);
    }

    /**
     * Takes the references out of {@code source} (which is left blank, ready for reuse, e.g. by
     * {@code avcodec_receive_frame}) into a new frame owned by the caller. No pixels are copied.
     */
    public static VideoFrame moveFrom(AVFrame source, long receivedNanos) {
        AVFrame f = avutil.av_frame_alloc();
        if (f == null) {
            throw new OutOfMemoryError("av_frame_alloc");
        }
        avutil.av_frame_move_ref(f, source);
        return new VideoFrame(f, receivedNanos);
    }

    /** Adds a reference; returns this for chaining. */
    public VideoFrame retain() {
        int before = refs.getAndIncrement();
        if (before <= 0) {
            refs.getAndDecrement();
            throw new IllegalStateException("retain() of a released VideoFrame");
        }
        return this;
    }

    /** Drops one reference; the last one frees the native frame. */
    public void release() {
        int after = refs.decrementAndGet();
        if (after == 0) {
            avutil.av_frame_free(frame);
            NativeResources.frameFreed();
        } else if (after < 0) {
            throw new IllegalStateException("release() of an already released VideoFrame");
        }
    }

    @Override
    public void close() {
        release();
    }

    /**
     * Makes the pixel buffers exclusively this frame's before it is drawn into again (an encoder
     * may still hold a reference to the previous picture's buffers; then they are copied).
     */
    public void makeWritable() {
        FFmpegException.check("av_frame_make_writable", avutil.av_frame_make_writable(frame));
    }

    /** The native frame, borrowed: valid only while the caller holds a reference. */
    public AVFrame avFrame() {
        return frame;
    }

    public int width() {
        return frame.width();
    }

    public int height() {
        return frame.height();
    }

    public int pixelFormat() {
        return frame.format();
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public int refCount() {
        return refs.get();
    }
}
