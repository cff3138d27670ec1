package io.ams.engine.gpu;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/**
 * Decodes one participant's VP8 or H.264 frames on NVDEC: FFmpeg's native "vp8"/"h264" decoders
 * with the process's CUDA hw device ({@code hw_device_ctx}) and a get_format that picks
 * {@code AV_PIX_FMT_CUDA}. Each decoded picture arrives as an NV12 frame in device memory
 * ({@code data[0]}/{@code data[1]} with {@code linesize} pitches); it is copied at once
 * (cuMemcpy2DAsync on the default stream) into a pooled {@link DeviceFrame} and the FFmpeg frame is
 * unreferenced, because holding decoder surfaces starves the decoder. The copy is queued before
 * any later decoder write to the same FFmpeg buffer (same stream), so unreferencing at once is safe.
 *
 * <p>When FFmpeg does not offer CUDA output for a stream (e.g. a profile NVDEC cannot decode) it
 * decodes on the CPU; such pictures are converted to NV12 with libswscale and uploaded, counted in
 * {@link #softwareFrames()}.
 *
 * <p>Ownership: the codec context (holding a reference to the hw device), one AVPacket, one
 * scratch AVFrame and the fallback's scaler and host frame are allocated here and freed by
 * {@link #close()}. Each returned {@link DeviceFrame} is owned by the caller.
 *
 * <p>Media path: like {@link io.ams.engine.codec.VideoDecoder}, {@link #decode} never throws on bad
 * data: it returns null and counts the error. It throws {@link GpuFault} only when a CUDA call
 * fails (the device, not the data, is at fault). Not thread-safe: one thread decodes.
 */
public final class NvdecDecoder implements AutoCloseable {
    static final int AVERROR_EAGAIN = -11;
    /** Chooses CUDA output when offered, else FFmpeg's first software format. Stateless, shared. */
    private static final PickCuda PICK_CUDA = new PickCuda();

    private final GpuContext gpu;
    private final VideoCodec codec;
    // allocated here, freed in close()
    private AVCodecContext ctx;
    private AVPacket packet;
    private AVFrame scratch;
    private SwsContext toNv12;
    private io.ams.engine.media.VideoFrame hostNv12;
    private boolean closed;

    private long framesDecoded;
    private long decodeErrors;
    private long softwareFrames;
    private long droppedNoBuffer;
    private volatile String lastError;

    private NvdecDecoder(GpuContext gpu, VideoCodec codec, AVCodecContext ctx, AVPacket packet, AVFrame scratch) {
        this.gpu = gpu;
        this.codec = codec;
        this.ctx = ctx;
        this.packet = packet;
        this.scratch = scratch;
    }

    /** Opens the decoder for {@code codec} on the process's GPU. */
    public static NvdecDecoder create(GpuContext gpu, VideoCodec codec) {
        AVCodecContext ctx = openHw(codec, gpu.hwDevice());
        AVPacket packet = avcodec.av_packet_alloc();
        AVFrame scratch = avutil.av_frame_alloc();
        if (packet == null || scratch == null) {
            avcodec.avcodec_free_context(ctx);
            if (packet != null) {
                avcodec.av_packet_free(packet);
            }
            if (scratch != null) {
                avutil.av_frame_free(scratch);
            }
            throw new OutOfMemoryError("av_packet_alloc/av_frame_alloc");
        }
        NativeResources.packetAllocated();
        NativeResources.frameAllocated();
        return new NvdecDecoder(gpu, codec, ctx, packet, scratch);
    }

    /**
     * Opens FFmpeg's native decoder for {@code codec} with {@code hwDevice} (a reference is taken)
     * and the CUDA get_format; single-threaded and low-delay like the CPU decoder.
     */
    static AVCodecContext openHw(VideoCodec codec, AVBufferRef hwDevice) {
        String name = codec == VideoCodec.VP8 ? "vp8" : "h264";
        AVCodec decoder = avcodec.avcodec_find_decoder_by_name(name);
        if (decoder == null) {
            throw new IllegalStateException("FFmpeg has no decoder named " + name);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(decoder);
        if (ctx == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3");
        }
        AVBufferRef device = avutil.av_buffer_ref(hwDevice);
        if (device == null) {
            avcodec.avcodec_free_context(ctx);
            throw new OutOfMemoryError("av_buffer_ref");
        }
        ctx.hw_device_ctx(device); // the context owns this reference now
        ctx.get_format(PICK_CUDA);
        ctx.extra_hw_frames(2);
        ctx.thread_count(1);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        ctx.flags2(ctx.flags2() | avcodec.AV_CODEC_FLAG2_FAST);
        int ret = avcodec.avcodec_open2(ctx, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("avcodec_open2(" + name + ", cuda)", ret);
        }
        return ctx;
    }

    /**
     * Decodes one encoded frame. Returns the picture as a new {@link DeviceFrame} owned by the
     * caller (stamped with {@code frame.receivedNanos()}), or null when there is none (invisible
     * frame, bad data, no free buffer, closed decoder).
     *
     * @throws GpuFault when copying the picture on the device fails
     */
    public DeviceFrame decode(EncodedFrame frame) {
        if (closed) {
            return fail("decode after close");
        }
        if (frame.codec() != codec) {
            return fail("frame codec " + frame.codec() + " given to a " + codec + " decoder");
        }
        byte[] data = frame.data();
        if (data.length == 0) {
            return fail("empty frame");
        }
        int ret = avcodec.av_new_packet(packet, data.length);
        if (ret < 0) {
            return fail("av_new_packet", ret);
        }
        packet.data().put(data, 0, data.length);
        if (frame.keyframe()) {
            packet.flags(packet.flags() | avcodec.AV_PKT_FLAG_KEY);
        }
        gpu.ensureCurrent();
        ret = avcodec.avcodec_send_packet(ctx, packet);
        avcodec.av_packet_unref(packet);
        if (ret == avutil.AVERROR_EOF) {
            avcodec.avcodec_flush_buffers(ctx);
            return fail("avcodec_send_packet", ret);
        }
        if (ret < 0 && ret != AVERROR_EAGAIN) {
            return fail("avcodec_send_packet", ret);
        }
        DeviceFrame picture = null;
        while (true) {
            ret = avcodec.avcodec_receive_frame(ctx, scratch);
            if (ret == AVERROR_EAGAIN || ret == avutil.AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                fail("avcodec_receive_frame", ret);
                break;
            }
            try {
                DeviceFrame copy = copyOut(scratch, frame.receivedNanos());
                if (copy != null) {
                    if (picture != null) {
                        picture.release(); // keep the newest
                    }
                    picture = copy;
                    framesDecoded++;
                }
            } catch (GpuFault e) {
                if (picture != null) {
                    picture.release();
                }
                throw e;
            } finally {
                avutil.av_frame_unref(scratch); // give the surface back to the decoder now
            }
        }
        return picture;
    }

    private DeviceFrame copyOut(AVFrame f, long receivedNanos) {
        int w = f.width();
        int h = f.height();
        DeviceFrame out = gpu.framePool().acquire(w, h, receivedNanos);
        if (out == null) {
            droppedNoBuffer++;
            fail("no free GPU frame buffer for " + w + "x" + h);
            return null;
        }
        try {
            int wEven = w + (w & 1);
            int chromaRows = (h + 1) / 2;
            if (f.format() == avutil.AV_PIX_FMT_CUDA) {
                Cuda.copy2dDeviceToDevice("cuMemcpy2DAsync(NVDEC Y)", f.data(0).address(), f.linesize(0),
                        out.yAddress(), out.pitch(), w, h);
                Cuda.copy2dDeviceToDevice("cuMemcpy2DAsync(NVDEC UV)", f.data(1).address(), f.linesize(1),
                        out.uvAddress(), out.pitch(), wEven, chromaRows);
            } else if (!uploadSoftware(f, out)) {
                out.release();
                return null;
            }
            return out;
        } catch (GpuFault e) {
            out.release();
            throw e;
        }
    }

    /** CPU-decoded picture: libswscale to NV12 in a host frame, then a pitched upload. */
    private boolean uploadSoftware(AVFrame f, DeviceFrame out) {
        int w = f.width();
        int h = f.height();
        AVPixFmtDescriptor desc = avutil.av_pix_fmt_desc_get(f.format());
        if (desc == null || swscale.sws_isSupportedInput(f.format()) <= 0) {
            fail("decoder produced unsupported pixel format " + f.format());
            return false;
        }
        int wEven = w + (w & 1);
        int hEven = h + (h & 1);
        if (hostNv12 == null || hostNv12.width() != wEven || hostNv12.height() != hEven) {
            if (hostNv12 != null) {
                hostNv12.release();
            }
            hostNv12 = io.ams.engine.media.VideoFrame.allocate(wEven, hEven, avutil.AV_PIX_FMT_NV12);
        }
        toNv12 = swscale.sws_getCachedContext(toNv12, w, h, f.format(), wEven, hEven, avutil.AV_PIX_FMT_NV12,
                swscale.SWS_POINT, null, null, (DoublePointer) null);
        if (toNv12 == null) {
            fail("sws_getCachedContext for the software fallback");
            return false;
        }
        AVFrame dst = hostNv12.avFrame();
        int ret = swscale.sws_scale(toNv12, f.data(), f.linesize(), 0, h, dst.data(), dst.linesize());
        if (ret <= 0) {
            fail("sws_scale", ret);
            return false;
        }
        Cuda.copy2dHostToDevice("cuMemcpy2DAsync(upload Y)", jcuda.Pointer.to(dst.data(0).capacity(
                (long) dst.linesize(0) * hEven).asByteBuffer()), dst.linesize(0), out.yAddress(), out.pitch(), wEven, hEven);
        Cuda.copy2dHostToDevice("cuMemcpy2DAsync(upload UV)", jcuda.Pointer.to(dst.data(1).capacity(
                (long) dst.linesize(1) * (hEven / 2)).asByteBuffer()), dst.linesize(1), out.uvAddress(), out.pitch(),
                wEven, hEven / 2);
        // pageable source: the driver stages it before returning, so hostNv12 may be reused
        softwareFrames++;
        return true;
    }

    private DeviceFrame fail(String call, int ret) {
        return fail(call + ": " + ret + " (" + FFmpegException.describe(ret) + ")");
    }

    private DeviceFrame fail(String message) {
        decodeErrors++;
        lastError = message;
        return null;
    }

    public VideoCodec codec() {
        return codec;
    }

    /** Pictures returned so far. */
    public long framesDecoded() {
        return framesDecoded;
    }

    /** Frames that could not be decoded (bad data, no buffer, unsupported format). */
    public long decodeErrors() {
        return decodeErrors;
    }

    /** Pictures FFmpeg decoded on the CPU (no NVDEC for that stream) and that were uploaded. */
    public long softwareFrames() {
        return softwareFrames;
    }

    /** Pictures dropped because the frame pool had no buffer. */
    public long droppedNoBuffer() {
        return droppedNoBuffer;
    }

    /** The last error, naming the call; null if none. */
    public String lastError() {
        return lastError;
    }

    /** Frees the codec context (and its device reference), packet, scratch frame and fallback. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec.avcodec_free_context(ctx);
        avcodec.av_packet_free(packet);
        NativeResources.packetFreed();
        avutil.av_frame_free(scratch);
        NativeResources.frameFreed();
        if (toNv12 != null) {
            swscale.sws_freeContext(toNv12);
        }
        if (hostNv12 != null) {
            hostNv12.release();
        }
        ctx = null;
        packet = null;
        scratch = null;
    }

    /** get_format: AV_PIX_FMT_CUDA when FFmpeg offers it, else the first software format. */
    private static final class PickCuda extends AVCodecContext.Get_format_AVCodecContext_IntPointer {
        @Override
        public int call(AVCodecContext c, IntPointer formats) {
            int fallback = avutil.AV_PIX_FMT_NONE;
            for (int i = 0;; i++) {
                int f = formats.get(i);
                if (f == avutil.AV_PIX_FMT_NONE) {
                    break;
                }
                if (f == avutil.AV_PIX_FMT_CUDA) {
                    return f;
                }
                AVPixFmtDescriptor d = avutil.av_pix_fmt_desc_get(f);
                if (fallback == avutil.AV_PIX_FMT_NONE && d != null
                        && (d.flags() & avutil.AV_PIX_FMT_FLAG_HWACCEL) == 0) {
                    fallback = f;
                }
            }
            return fallback;
        }
    }
}
