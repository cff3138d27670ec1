package io.ams.engine.audio;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * libopus through FFmpeg: 48 kHz mono 20 ms frames in, one Opus packet (an RTP payload) out per frame.
 * VoIP application, complexity 5, in-band FEC on (a receiver can repair one lost packet from the next).
 *
 * <p>Owns its codec context, one packet and one frame; {@link #close()} frees them. Not thread-safe.
 */
public final class OpusEncoder implements AutoCloseable {
    /** libopus complexity 0..10: 5 halves the cost of 10 and is what voice servers commonly run. */
    static final int COMPLEXITY = 5;
    private final AVCodecContext ctx;
    private final AVPacket packet;
    private final AVFrame frame;
    private long pts;
    private boolean closed;

    public OpusEncoder(int bitrateBps) {
        AVCodec codec = avcodec.avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg has no libopus encoder");
        }
        ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.sample_rate(48_000);
        ctx.sample_fmt(avutil.AV_SAMPLE_FMT_FLT);
        avutil.av_channel_layout_default(ctx.ch_layout(), 1);
        ctx.bit_rate(bitrateBps);
        ctx.compression_level(COMPLEXITY);
        ctx.time_base().num(1).den(48_000);
        org.bytedeco.ffmpeg.avutil.AVDictionary opts = new org.bytedeco.ffmpeg.avutil.AVDictionary(null);
        avutil.av_dict_set(opts, "application", "voip", 0);
        avutil.av_dict_set(opts, "frame_duration", "20", 0);
        avutil.av_dict_set(opts, "fec", "1", 0);
        avutil.av_dict_set(opts, "packet_loss", "5", 0);
        int ret = avcodec.avcodec_open2(ctx, codec, opts);
        avutil.av_dict_free(opts);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("avcodec_open2(libopus)", ret);
        }
        packet = avcodec.av_packet_alloc();
        NativeResources.packetAllocated();
        frame = avutil.av_frame_alloc();
        NativeResources.frameAllocated();
        frame.nb_samples(MixMinus.FRAME);
        frame.format(avutil.AV_SAMPLE_FMT_FLT);
        frame.sample_rate(48_000);
        avutil.av_channel_layout_default(frame.ch_layout(), 1);
        ret = avutil.av_frame_get_buffer(frame, 0);
        if (ret < 0) {
            close();
            throw new FFmpegException("av_frame_get_buffer", ret);
        }
    }

    /** Encodes one frame of {@link MixMinus#FRAME} samples; returns the Opus packets now ready (one, usually). */
    public List<byte[]> encode(float[] samples) {
        if (closed) {
            throw new IllegalStateException("encoder closed");
        }
        if (samples.length != MixMinus.FRAME) {
            throw new IllegalArgumentException("a frame is " + MixMinus.FRAME + " samples, got " + samples.length);
        }
        int ret = avutil.av_frame_make_writable(frame);
        if (ret < 0) {
            throw new FFmpegException("av_frame_make_writable", ret);
        }
        new FloatPointer(frame.data(0)).capacity(MixMinus.FRAME).put(samples);
        frame.pts(pts);
        pts += MixMinus.FRAME;
        ret = avcodec.avcodec_send_frame(ctx, frame);
        if (ret < 0) {
            throw new FFmpegException("avcodec_send_frame(libopus)", ret);
        }
        List<byte[]> out = new ArrayList<>(1);
        while (avcodec.avcodec_receive_packet(ctx, packet) >= 0) {
            byte[] b = new byte[packet.size()];
            new BytePointer(packet.data()).capacity(packet.size()).get(b);
            out.add(b);
            avcodec.av_packet_unref(packet);
        }
        return out;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avutil.av_frame_free(frame);
        NativeResources.frameFreed();
        avcodec.av_packet_free(packet);
        NativeResources.packetFreed();
        avcodec.avcodec_free_context(ctx);
    }
}
