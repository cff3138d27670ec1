package io.ams.engine.testing;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/**
 * Real VP8 for loss tests: a moving picture (a gradient with a bright square sliding across)
 * encoded with libvpx the way a WebRTC sender does (realtime, CBR, no look-ahead), optionally
 * with temporal layers through FFmpeg's {@code ts-parameters} (ts_layering_mode 3: the 0,2,1,2
 * pattern of 3 layers; see {@link io.ams.rtp.testing.Vp8LayeredPackets#threeLayerPattern}).
 * Everything native is freed before {@link #encode} returns.
 */
public final class Vp8Clip {
    /** FFmpeg ts-parameters for libvpx's 3-layer pattern (frame i in layer 0,2,1,2 by i mod 4). */
    public static final String THREE_LAYERS = "ts_target_bitrate=200,300,400:ts_layering_mode=3";

    private Vp8Clip() {
    }

    /** {@code frames} encoded frames (the first a keyframe, no other keyframes) of {@code w}x{@code h}. */
    public static List<byte[]> encode(int w, int h, int frames, int kbps, String tsParameters) {
        AVCodec codec = avcodec.avcodec_find_encoder_by_name("libvpx");
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no libvpx encoder");
        }
        AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket packet = avcodec.av_packet_alloc();
        AVDictionary opts = new AVDictionary(null);
        try {
            long bitrate = kbps * 1000L;
            ctx.width(w);
            ctx.height(h);
            ctx.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
            ctx.time_base(avutil.av_make_q(1, 30));
            ctx.framerate(avutil.av_make_q(30, 1));
            ctx.gop_size(100_000);
            ctx.keyint_min(100_000);
            ctx.max_b_frames(0);
            ctx.bit_rate(bitrate);
            ctx.rc_min_rate(bitrate);
            ctx.rc_max_rate(bitrate);
            ctx.rc_buffer_size((int) bitrate);
            ctx.thread_count(1);
            avutil.av_dict_set(opts, "deadline", "realtime", 0);
            avutil.av_dict_set(opts, "cpu-used", "8", 0);
            avutil.av_dict_set(opts, "lag-in-frames", "0", 0);
            avutil.av_dict_set(opts, "error-resilient", "default", 0);
            if (tsParameters != null) {
                avutil.av_dict_set(opts, "ts-parameters", tsParameters, 0);
            }
            check("avcodec_open2", avcodec.avcodec_open2(ctx, codec, opts));
            if (avutil.av_dict_count(opts) != 0) {
                throw new IllegalStateException("libvpx ignored " + avutil.av_dict_count(opts) + " option(s)");
            }
            frame.format(avutil.AV_PIX_FMT_YUV420P);
            frame.width(w);
            frame.height(h);
            check("av_frame_get_buffer", avutil.av_frame_get_buffer(frame, 32));
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                check("av_frame_make_writable", avutil.av_frame_make_writable(frame));
                draw(frame, w, h, i);
                frame.pts(i);
                check("avcodec_send_frame", avcodec.avcodec_send_frame(ctx, frame));
                while (avcodec.avcodec_receive_packet(ctx, packet) >= 0) {
                    byte[] b = new byte[packet.size()];
                    packet.data().get(b);
                    out.add(b);
                    avcodec.av_packet_unref(packet);
                }
            }
            if (out.size() != frames) {
                throw new IllegalStateException(out.size() + " frames out of " + frames);
            }
            return out;
        } finally {
            avutil.av_dict_free(opts);
            avcodec.av_packet_free(packet);
            avutil.av_frame_free(frame);
            avcodec.avcodec_free_context(ctx);
        }
    }

    private static void draw(AVFrame f, int w, int h, int i) {
        byte[] row = new byte[w];
        BytePointer y = f.data(0);
        int sq = 24;
        int sx = (i * 5) % (w - sq);
        int sy = (i * 3) % (h - sq);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                boolean inSquare = c >= sx && c < sx + sq && r >= sy && r < sy + sq;
                row[c] = (byte) (inSquare ? 235 : 40 + ((c + r + 2 * i) & 0x7F));
            }
            y.position((long) r * f.linesize(0)).put(row, 0, w);
        }
        y.position(0);
        for (int p = 1; p < 3; p++) {
            BytePointer plane = f.data(p);
            byte[] crow = new byte[w / 2];
            for (int r = 0; r < h / 2; r++) {
                for (int c = 0; c < w / 2; c++) {
                    crow[c] = (byte) (p == 1 ? 128 + ((c + i) & 0x1F) : 128 - ((r + i) & 0x1F));
                }
                plane.position((long) r * f.linesize(p)).put(crow, 0, w / 2);
            }
            plane.position(0);
        }
    }

    private static void check(String call, int ret) {
        if (ret < 0) {
            throw new IllegalStateException(call + ": " + ret);
        }
    }
}
