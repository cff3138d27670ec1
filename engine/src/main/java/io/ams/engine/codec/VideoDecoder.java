package io.ams.engine.codec;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Decodes one participant's encoded frames (VP8 or H.264 Annex B access units) into pictures
 * with FFmpeg's native decoders, single-threaded and low-delay: one frame in, at most one
 * picture out, no added latency.
 *
 * <p>Ownership: the codec context, one reusable AVPacket and one scratch AVFrame are allocated
 * here and freed by {@link #close()}. Each picture returned by {@link #decode} is a new
 * {@link VideoFrame} owned by the caller. The input frame's bytes are copied, never kept.
 *
 * <p>Media path: {@link #decode} never throws on bad data; it returns null and counts the
 * error (see {@link #decodeErrors()}, {@link #lastError()}). Decoding recovers at the next
 * keyframe. Not thread-safe: one thread decodes.
 */
public final class VideoDecoder implements AutoCloseable {
    /** AVERROR(EAGAIN) on Linux; the presets do not map the AVERROR() macro. */
    static final int AVERROR_EAGAIN = -11;

    private final VideoCodec codec;
    // allocated here, freed in close()
    private AVCodecContext ctx;
    private AVPacket packet;
    private AVFrame scratch;
    private boolean closed;

    private long framesDecoded;
    private long decodeErrors;
    private volatile String lastError;

    private VideoDecoder(VideoCodec codec, AVCodecContext ctx, AVPacket packet, AVFrame scratch) {
        this.codec = codec;
        this.ctx = ctx;
        this.packet = packet;
        this.scratch = scratch;
    }

    /** Opens FFmpeg's native decoder for {@code codec} ("vp8" or "h264"). */
    public static VideoDecoder create(VideoCodec codec) {
        String name = switch (codec) {
            case VP8 -> "vp8";
            case H264 -> "h264";
        };
        AVCodec decoder = avcodec.avcodec_find_decoder_by_name(name);
        if (decoder == null) {
            throw new IllegalStateException("FFmpeg has no decoder named " + name);
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(decoder);
        if (ctx == null) {
            throw new OutOfMemoryError("avcodec_alloc_context3");
        }
        ctx.thread_count(1);
        ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        ctx.flags2(ctx.flags2() | avcodec.AV_CODEC_FLAG2_FAST);
        int ret = avcodec.avcodec_open2(ctx, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("avcodec_open2(" + name + ")", ret);
        }
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
        return new VideoDecoder(codec, ctx, packet, scratch);
    }

    /**
     * Decodes one encoded frame. Returns the decoded picture (a new frame owned by the caller,
     * stamped with {@code frame.receivedNanos()}), or null when the decoder produced none (an
     * invisible frame, bad data, or a closed decoder).
     */
    public VideoFrame decode(EncodedFrame frame) {
        if (closed) {
            return fail("decode after close");
        }
        if (frame.codec() != codec) {
            return fail("frame codec " + frame.codec() + " given to a " + codec + " decoder");
        }
        byte[] data = frame.data();
        if (data.length == 0) {
            // an empty packet would put the decoder in draining mode: never send one
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
        ret = avcodec.avcodec_send_packet(ctx, packet);
        avcodec.av_packet_unref(packet);
        if (ret == avutil.AVERROR_EOF) {
            avcodec.avcodec_flush_buffers(ctx);
            return fail("avcodec_send_packet", ret);
        }
        if (ret < 0 && ret != AVERROR_EAGAIN) {
            return fail("avcodec_send_packet", ret);
        }
        VideoFrame picture = null;
        while (true) {
            ret = avcodec.avcodec_receive_frame(ctx, scratch);
            if (ret == AVERROR_EAGAIN || ret == avutil.AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                fail("avcodec_receive_frame", ret);
                break;
            }
            if (picture != null) {
                picture.release(); // keep the newest: the mixer shows the latest picture
            }
            picture = VideoFrame.moveFrom(scratch, frame.receivedNanos());
            framesDecoded++;
        }
        return picture;
    }

    private VideoFrame fail(String call, int ret) {
        return fail(call + ": " + ret + " (" + FFmpegException.describe(ret) + ")");
    }

    private VideoFrame fail(String message) {
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

    /** Frames that FFmpeg refused (bad data) or that could not be decoded. */
    public long decodeErrors() {
        return decodeErrors;
    }

    /** The last error, e.g. "avcodec_send_packet: -1094995529 (Invalid data found when processing input)"; null if none. */
    public String lastError() {
        return lastError;
    }

    /** Frees the codec context, packet and scratch frame; later calls do nothing. */
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
        ctx = null;
        packet = null;
        scratch = null;
    }
}
