package io.ams.engine.gpu;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVHWFramesContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/**
 * Encodes GPU canvases to H.264 with NVENC (FFmpeg's h264_nvenc) without leaving the GPU: each
 * canvas is copied on the device into a frame from the encoder's own {@code hw_frames_ctx} pool
 * (NVENC registers at most 64 distinct surfaces, a pool reuses a few) and sent to the encoder.
 * Zero-latency settings: preset p1, tune ull, zerolatency, no B-frames, CBR, SPS/PPS in band
 * (no global header), and a forced keyframe is an IDR (forced-idr, pict_type I). Only where the
 * GPU has NVENC (L4, L40S, T4, A10; not H100/H200).
 *
 * <p>Ownership: the codec context (with its frames context), one scratch AVFrame and one AVPacket
 * are allocated here and freed by {@link #close()}. The canvas is borrowed for the call. Returned
 * frames own their bytes.
 *
 * <p>Media path: {@link #encode} never throws on an encoder error (returns an empty list, counts
 * it); it throws {@link GpuFault} when the device copy fails. Not thread-safe.
 */
public final class NvencEncoder implements AutoCloseable {
    static final String ENCODER = "h264_nvenc";

    private final GpuContext gpu;
    private final EncoderConfig config;
    // allocated here, freed in close()
    private AVCodecContext ctx;
    private AVFrame scratch;
    private AVPacket packet;
    private boolean closed;
    private long framesEncoded;
    private long keyframes;
    private long encodeErrors;
    private String lastError;

    private NvencEncoder(GpuContext gpu, EncoderConfig config, AVCodecContext ctx, AVFrame scratch, AVPacket packet) {
        this.gpu = gpu;
        this.config = config;
        this.ctx = ctx;
        this.scratch = scratch;
        this.packet = packet;
    }

    /** Opens h264_nvenc for {@code config} (codec must be H.264) on the process's GPU. */
    public static NvencEncoder create(GpuContext gpu, EncoderConfig config) {
        if (config.codec() != VideoCodec.H264) {
            throw new IllegalArgumentException("NVENC encodes H.264 here, not " + config.codec());
        }
        gpu.ensureCurrent();
        AVCodecContext ctx = open(gpu.hwDevice(), config);
        AVFrame scratch = avutil.av_frame_alloc();
        AVPacket packet = avcodec.av_packet_alloc();
        if (scratch == null || packet == null) {
            avcodec.avcodec_free_context(ctx);
            if (scratch != null) {
                avutil.av_frame_free(scratch);
            }
            if (packet != null) {
                avcodec.av_packet_free(packet);
            }
            throw new OutOfMemoryError("av_frame_alloc/av_packet_alloc");
        }
        NativeResources.frameAllocated();
        NativeResources.packetAllocated();
        return new NvencEncoder(gpu, config, ctx, scratch, packet);
    }

    /** Opens an h264_nvenc context on {@code hwDevice} with its own CUDA frames pool; throws FFmpegException. */
    static AVCodecContext open(AVBufferRef hwDevice, EncoderConfig config) {
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name(ENCODER);
        if (encoder == null) {
            throw new IllegalStateException("FFmpeg has no encoder named " + ENCODER);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        if (ctx == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3");
        }
        AVBufferRef frames = avutil.av_hwframe_ctx_alloc(hwDevice);
        if (frames == null) {
            avcodec.avcodec_free_context(ctx);
            throw new OutOfMemoryError("av_hwframe_ctx_alloc");
        }
        AVHWFramesContext fc = new AVHWFramesContext(frames.data());
        fc.format(avutil.AV_PIX_FMT_CUDA);
        fc.sw_format(avutil.AV_PIX_FMT_NV12);
        fc.width(config.width());
        fc.height(config.height());
        fc.initial_pool_size(0); // grows on demand to the few surfaces in flight, then reused
        int ret = avutil.av_hwframe_ctx_init(frames);
        if (ret < 0) {
            avutil.av_buffer_unref(frames);
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("av_hwframe_ctx_init(cuda nv12 " + config.width() + "x" + config.height() + ")", ret);
        }
        long bitrate = config.bitrateKbps() * 1000L;
        ctx.hw_frames_ctx(frames); // the context owns this reference now
        ctx.width(config.width());
        ctx.height(config.height());
        ctx.pix_fmt(avutil.AV_PIX_FMT_CUDA);
        ctx.time_base(avutil.av_make_q(1, config.fps()));
        ctx.framerate(avutil.av_make_q(config.fps(), 1));
        ctx.gop_size(config.keyframeIntervalFrames());
        ctx.max_b_frames(0);
        ctx.bit_rate(bitrate);
        ctx.rc_max_rate(bitrate);
        ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bitrate / 2));
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        AVDictionary opts = new AVDictionary(null);
        avutil.av_dict_set(opts, "preset", "p1", 0);
        avutil.av_dict_set(opts, "tune", "ull", 0);
        avutil.av_dict_set(opts, "zerolatency", "1", 0);
        avutil.av_dict_set(opts, "delay", "0", 0);
        avutil.av_dict_set(opts, "rc", "cbr", 0);
        avutil.av_dict_set(opts, "forced-idr", "1", 0);
        avutil.av_dict_set(opts, "profile", "baseline", 0);
        ret = avcodec.avcodec_open2(ctx, encoder, opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("avcodec_open2(" + ENCODER + " " + config.width() + "x" + config.height() + ")", ret);
        }
        return ctx;
    }

    /**
     * Encodes the top-left width x height of {@code canvas} as frame {@code frameIndex}. Queues a
     * device copy into a pool frame; NVENC reads it on the same (default) stream.
     *
     * @throws GpuFault when the device copy fails
     */
    public List<EncodedFrame> encode(Nv12Surface canvas, long frameIndex, boolean forceKeyframe) {
        if (closed) {
            return fail("encode after close");
        }
        gpu.ensureCurrent();
        int ret = avutil.av_hwframe_get_buffer(ctx.hw_frames_ctx(), scratch, 0);
        if (ret < 0) {
            return fail("av_hwframe_get_buffer", ret);
        }
        try {
            Cuda.copy2dDeviceToDevice("cuMemcpy2DAsync(canvas Y to NVENC)", canvas.yAddress(), canvas.pitch(),
                    scratch.data(0).address(), scratch.linesize(0), config.width(), config.height());
            Cuda.copy2dDeviceToDevice("cuMemcpy2DAsync(canvas UV to NVENC)", canvas.uvAddress(), canvas.pitch(),
                    scratch.data(1).address(), scratch.linesize(1), config.width(), config.height() / 2);
            scratch.pts(frameIndex);
            scratch.pict_type(forceKeyframe ? avutil.AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
            ret = avcodec.avcodec_send_frame(ctx, scratch);
        } finally {
            avutil.av_frame_unref(scratch);
        }
        if (ret < 0) {
            return fail("avcodec_send_frame", ret);
        }
        List<EncodedFrame> out = new ArrayList<>(1);
        while (true) {
            ret = avcodec.avcodec_receive_packet(ctx, packet);
            if (ret == NvdecDecoder.AVERROR_EAGAIN || ret == avutil.AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                fail("avcodec_receive_packet", ret);
                break;
            }
            byte[] data = new byte[packet.size()];
            packet.data().get(data);
            boolean key = (packet.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
            long pts = packet.pts() == avutil.AV_NOPTS_VALUE ? frameIndex : packet.pts();
            long rtp = (pts * VideoCodec.RTP_CLOCK_RATE / config.fps()) & 0xFFFF_FFFFL;
            out.add(new EncodedFrame(VideoCodec.H264, data, key, rtp, 0L));
            framesEncoded++;
            if (key) {
                keyframes++;
            }
            avcodec.av_packet_unref(packet);
        }
        return out;
    }

    private List<EncodedFrame> fail(String call, int ret) {
        return fail(call + ": " + ret + " (" + FFmpegException.describe(ret) + ")");
    }

    private List<EncodedFrame> fail(String message) {
        encodeErrors++;
        lastError = message;
        return List.of();
    }

    public EncoderConfig config() {
        return config;
    }

    public long framesEncoded() {
        return framesEncoded;
    }

    public long keyframes() {
        return keyframes;
    }

    public long encodeErrors() {
        return encodeErrors;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec.avcodec_free_context(ctx);
        avutil.av_frame_free(scratch);
        NativeResources.frameFreed();
        avcodec.av_packet_free(packet);
        NativeResources.packetFreed();
        ctx = null;
        scratch = null;
        packet = null;
    }
}
