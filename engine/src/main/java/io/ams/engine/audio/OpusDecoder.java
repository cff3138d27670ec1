package io.ams.engine.audio;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * FFmpeg's Opus decoder: one RTP payload in, 48 kHz mono float samples out (a stereo stream is taken
 * from its first channel). A payload it cannot decode is reported (an exception naming FFmpeg's error)
 * and leaves the decoder usable. Owns its context, packet and frame; not thread-safe.
 */
public final class OpusDecoder implements AutoCloseable {
    static final int MAX_PAYLOAD = 1500;
    private final AVCodecContext ctx;
    private final AVPacket packet;
    private final AVFrame frame;
    private final BytePointer input; // one native buffer for every payload (with FFmpeg's padding), owned
    private boolean closed;

    public OpusDecoder() {
        AVCodec codec = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_OPUS);
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg has no Opus decoder");
        }
        ctx = avcodec.avcodec_alloc_context3(codec);
        ctx.sample_rate(48_000);
        avutil.av_channel_layout_default(ctx.ch_layout(), 1);
        int ret = avcodec.avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            avcodec.avcodec_free_context(ctx);
            throw new FFmpegException("avcodec_open2(opus)", ret);
        }
        packet = avcodec.av_packet_alloc();
        NativeResources.packetAllocated();
        frame = avutil.av_frame_alloc();
        NativeResources.frameAllocated();
        input = new BytePointer(avutil.av_mallocz(MAX_PAYLOAD + avcodec.AV_INPUT_BUFFER_PADDING_SIZE))
                .capacity(MAX_PAYLOAD + avcodec.AV_INPUT_BUFFER_PADDING_SIZE);
    }

    /** Decodes one Opus payload into samples (usually {@link MixMinus#FRAME}). */
    public float[] decode(byte[] payload) {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("an Opus payload is 1.." + MAX_PAYLOAD + " bytes, got " + payload.length);
        }
        input.position(0).put(payload, 0, payload.length);
        input.position(0);
        packet.data(input).size(payload.length); // not reference-counted: the decoder copies what it keeps
        try {
            int ret = avcodec.avcodec_send_packet(ctx, packet);
            if (ret < 0) {
                throw new FFmpegException("avcodec_send_packet(opus)", ret);
            }
            float[] out = new float[0];
            while (avcodec.avcodec_receive_frame(ctx, frame) >= 0) {
                int n = frame.nb_samples();
                float[] got = new float[n];
                if (frame.format() == avutil.AV_SAMPLE_FMT_FLTP || frame.format() == avutil.AV_SAMPLE_FMT_FLT
                        && frame.ch_layout().nb_channels() == 1) {
                    new FloatPointer(frame.data(0)).capacity(n).get(got);
                } else if (frame.format() == avutil.AV_SAMPLE_FMT_FLT) {
                    int ch = frame.ch_layout().nb_channels();
                    float[] all = new float[n * ch];
                    new FloatPointer(frame.data(0)).capacity(all.length).get(all);
                    for (int i = 0; i < n; i++) {
                        got[i] = all[i * ch];
                    }
                } else {
                    avutil.av_frame_unref(frame);
                    throw new IllegalStateException("unexpected Opus decoder sample format " + frame.format());
                }
                avutil.av_frame_unref(frame);
                float[] joined = new float[out.length + n];
                System.arraycopy(out, 0, joined, 0, out.length);
                System.arraycopy(got, 0, joined, out.length, n);
                out = joined;
            }
            return out;
        } finally {
            packet.data(null).size(0);
        }
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
        avutil.av_free(input);
        avcodec.avcodec_free_context(ctx);
    }
}
