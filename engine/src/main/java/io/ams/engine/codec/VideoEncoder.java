package io.ams.engine.codec;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes pictures into VP8 (libvpx, realtime CBR) or H.264 (OpenH264, constrained baseline,
 * no B-frames, SPS/PPS in band before every IDR) frames for RTP, with no frame skipping and no
 * look-ahead: one picture in, normally one frame out.
 *
 * <p>Ownership: the codec context, one scratch AVFrame and one AVPacket are allocated here and
 * freed by {@link #close()}. The picture given to {@link #encode} stays the caller's: it is
 * referenced only for the duration of the call (its fields are never modified). Returned
 * frames own their bytes.
 *
 * <p>Media path: {@link #encode} never throws on a failed encode; it returns an empty list and
 * counts the error. Not thread-safe: one thread encodes.
 */
public final class VideoEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VideoEncoder.class);

    private final EncoderConfig config;
    private final String encoderName;
    private final List<String> unknownOptions;
    /** Annex B SPS/PPS from extradata, prepended to an IDR that lacks them; empty if none. */
    private final byte[] h264ParameterSets;
    // allocated here, freed in close()
    private AVCodecContext ctx;
    private AVFrame scratch;
    private AVPacket packet;
    private boolean closed;

    private long framesEncoded;
    private long keyframes;
    private long encodeErrors;
    private String lastError;

    private VideoEncoder(EncoderConfig config, String encoderName, List<String> unknownOptions,
            AVCodecContext ctx, AVFrame scratch, AVPacket packet) {
        this.config = config;
        this.encoderName = encoderName;
        this.unknownOptions = List.copyOf(unknownOptions);
        this.ctx = ctx;
        this.scratch = scratch;
        this.packet = packet;
        byte[] extradata = new byte[ctx.extradata_size()];
        if (extradata.length > 0) {
            ctx.extradata().get(extradata);
        }
        this.h264ParameterSets = config.codec() == VideoCodec.H264 ? AnnexB.parameterSets(extradata) : new byte[0];
    }

    /**
     * Opens libvpx or libopenh264 with {@code config}. Throws {@link FFmpegException} when the
     * encoder refuses the settings; options it does not know are logged as warnings and listed
     * by {@link #unknownOptions()}.
     */
    public static VideoEncoder create(EncoderConfig config) {
        String name = switch (config.codec()) {
            case VP8 -> "libvpx";
            case H264 -> "libopenh264";
        };
        AVCodec encoder = avcodec.avcodec_find_encoder_by_name(name);
        if (encoder == null) {
            throw new IllegalStateException("FFmpeg has no encoder named " + name);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(encoder);
        if (ctx == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3");
        }
        long bitrate = config.bitrateKbps() * 1000L;
        ctx.width(config.width());
        ctx.height(config.height());
        ctx.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
        ctx.time_base(avutil.av_make_q(1, config.fps()));
        ctx.framerate(avutil.av_make_q(config.fps(), 1));
        ctx.gop_size(config.keyframeIntervalFrames());
        ctx.max_b_frames(0);
        ctx.bit_rate(bitrate);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        CodecOptions options = new CodecOptions();
        if (config.codec() == VideoCodec.VP8) {
            ctx.rc_min_rate(bitrate); // min == max == bit_rate selects VPX_CBR
            ctx.rc_max_rate(bitrate);
            ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bitrate)); // 1 s of buffer
            ctx.thread_count(vp8Threads(config.width(), config.height()));
            ctx.qmin(2); // WebRTC's libvpx quantizer range
            ctx.qmax(56);
            options.set("deadline", "realtime")
                    .set("cpu-used", vp8CpuUsed())
                    .set("lag-in-frames", 0)
                    .set("error-resilient", "default")
                    .set("static-thresh", 0)
                    .set("drop-threshold", 0)
                    .set("undershoot-pct", 95)
                    .set("overshoot-pct", 5);
        } else {
            ctx.profile(avcodec.AV_PROFILE_H264_CONSTRAINED_BASELINE);
            ctx.rc_max_rate(bitrate);
            ctx.thread_count(1);
            options.set("rc_mode", "bitrate")
                    .set("allow_skip_frames", 0)
                    .set("coder", "cavlc");
        }
        List<String> unknown;
        try {
            unknown = options.open(ctx, encoder);
        } catch (RuntimeException e) {
            avcodec.avcodec_free_context(ctx);
            throw e;
        }
        for (String option : unknown) {
            LOG.warn("{} does not know option '{}' (ignored)", name, option);
        }
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
        return new VideoEncoder(config, name, unknown, ctx, scratch, packet);
    }

    /** libvpx VP8 realtime speed when {@code -Dams.vp8.cpuUsed} does not say otherwise. */
    public static final int DEFAULT_VP8_CPU_USED = 8;

    /**
     * libvpx's {@code cpu-used} for VP8 realtime encodes: 4..16, higher is faster and coarser
     * (docs/BENCHMARKS.md, "Encode cost", measures 8, 12 and 16); {@code -Dams.vp8.cpuUsed=N}, default
     * {@value #DEFAULT_VP8_CPU_USED}. Out-of-range values are refused with a warning.
     */
    static int vp8CpuUsed() {
        Integer v = Integer.getInteger("ams.vp8.cpuUsed");
        if (v == null) {
            return DEFAULT_VP8_CPU_USED;
        }
        if (v < 4 || v > 16) {
            LOG.warn("-Dams.vp8.cpuUsed={} is outside 4..16; using {}", v, DEFAULT_VP8_CPU_USED);
            return DEFAULT_VP8_CPU_USED;
        }
        return v;
    }

    /**
     * libvpx's VP8 worker threads synchronise by spinning: with more encoder threads than idle
     * cores (a mixer runs many encoders, senders and decoders at once) they burn the CPU waiting
     * for each other and one 640x360 frame took 300 ms instead of 5. One thread up to 720p, where
     * a frame encodes in a few milliseconds; more only for bigger canvases.
     */
    static int vp8Threads(int width, int height) {
        if ((long) width * height <= 1280L * 720) {
            return 1;
        }
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Encodes one YUV420P picture of the configured size as frame number {@code frameIndex}
     * (its presentation time is frameIndex/fps). Returns the frames that came out, usually one;
     * each has rtpTimestamp = pts * 90000 / fps (mod 2^32), keyframe set for key/IDR frames and
     * receivedNanos 0. With {@code forceKeyframe} this picture is encoded as a keyframe.
     */
    public List<EncodedFrame> encode(VideoFrame picture, long frameIndex, boolean forceKeyframe) {
        if (closed) {
            return fail("encode after close");
        }
        if (picture.width() != config.width() || picture.height() != config.height()
                || picture.pixelFormat() != avutil.AV_PIX_FMT_YUV420P) {
            return fail("picture " + picture.width() + "x" + picture.height() + " format " + picture.pixelFormat()
                    + " does not match the encoder's " + config.width() + "x" + config.height() + " yuv420p");
        }
        int ret = avutil.av_frame_ref(scratch, picture.avFrame());
        if (ret < 0) {
            return fail("av_frame_ref", ret);
        }
        scratch.pts(frameIndex);
        scratch.pict_type(forceKeyframe ? avutil.AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
        ret = avcodec.avcodec_send_frame(ctx, scratch);
        avutil.av_frame_unref(scratch); // resets pict_type too
        if (ret < 0) {
            return fail("avcodec_send_frame", ret);
        }
        List<EncodedFrame> out = new ArrayList<>(1);
        while (true) {
            ret = avcodec.avcodec_receive_packet(ctx, packet);
            if (ret == VideoDecoder.AVERROR_EAGAIN || ret == avutil.AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                fail("avcodec_receive_packet", ret);
                break;
            }
            out.add(toEncodedFrame(packet, frameIndex));
            avcodec.av_packet_unref(packet);
        }
        return out;
    }

    private EncodedFrame toEncodedFrame(AVPacket pkt, long frameIndex) {
        byte[] data = new byte[pkt.size()];
        pkt.data().get(data);
        boolean key = (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
        if (key && h264ParameterSets.length > 0 && !AnnexB.contains(data, AnnexB.NAL_SPS)) {
            byte[] withSets = new byte[h264ParameterSets.length + data.length];
            System.arraycopy(h264ParameterSets, 0, withSets, 0, h264ParameterSets.length);
            System.arraycopy(data, 0, withSets, h264ParameterSets.length, data.length);
            data = withSets;
        }
        long pts = pkt.pts() == avutil.AV_NOPTS_VALUE ? frameIndex : pkt.pts();
        long rtpTimestamp = (pts * VideoCodec.RTP_CLOCK_RATE / config.fps()) & 0xFFFF_FFFFL;
        framesEncoded++;
        if (key) {
            keyframes++;
        }
        return new EncodedFrame(config.codec(), data, key, rtpTimestamp, 0L);
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

    /** Frames produced so far. */
    public long framesEncoded() {
        return framesEncoded;
    }

    /** Keyframes produced so far. */
    public long keyframes() {
        return keyframes;
    }

    /** Pictures that could not be encoded (wrong size or format, encoder error). */
    public long encodeErrors() {
        return encodeErrors;
    }

    /** The last encode error, naming the FFmpeg call and its code; null if none. */
    public String lastError() {
        return lastError;
    }

    /** FFmpeg's name of the encoder in use: "libvpx" or "libopenh264". */
    public String encoderName() {
        return encoderName;
    }

    /** Options that were set but the encoder did not recognise (also logged as warnings). */
    public List<String> unknownOptions() {
        return unknownOptions;
    }

    /** Frees the codec context, scratch frame and packet; later calls do nothing. */
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
