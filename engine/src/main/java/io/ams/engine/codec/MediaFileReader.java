package io.ams.engine.codec;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;

import java.nio.file.Path;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Demuxes and decodes the first (best) video stream of any file FFmpeg can read, one picture
 * at a time, for offline mixing and tests.
 *
 * <p>Ownership: the format context, codec context, one AVPacket and one scratch AVFrame are
 * allocated here and freed by {@link #close()}. Each picture returned by {@link #next()} is a
 * new {@link VideoFrame} owned by the caller. Packets the decoder rejects are skipped and
 * counted. Not thread-safe.
 */
public final class MediaFileReader implements AutoCloseable {
    private static final int MAX_ERRORS_IN_A_ROW = 1000;

    private final Path path;
    private final int streamIndex;
    private final double fps;
    private final int width;
    private final int height;
    // allocated here, freed in close()
    private AVFormatContext format;
    private AVCodecContext decoder;
    private AVPacket packet;
    private AVFrame scratch;

    private boolean endOfInput;
    private boolean endOfStream;
    private boolean closed;
    private long framesRead;
    private long decodeErrors;

    private MediaFileReader(Path path, AVFormatContext format, int streamIndex, double fps,
            AVCodecContext decoder, AVPacket packet, AVFrame scratch) {
        this.path = path;
        this.format = format;
        this.streamIndex = streamIndex;
        this.fps = fps;
        this.width = decoder.width();
        this.height = decoder.height();
        this.decoder = decoder;
        this.packet = packet;
        this.scratch = scratch;
    }

    /** Opens {@code path}; throws {@link FFmpegException} if it cannot be read or has no decodable video. */
    public static MediaFileReader open(Path path) {
        AVFormatContext format = new AVFormatContext(null);
        FFmpegException.check("avformat_open_input(" + path + ")",
                avformat.avformat_open_input(format, path.toString(), null, (AVDictionary) null));
        AVCodecContext decoder = null;
        try {
            FFmpegException.check("avformat_find_stream_info(" + path + ")",
                    avformat.avformat_find_stream_info(format, (PointerPointer<?>) null));
            int index = FFmpegException.check("av_find_best_stream(" + path + ", video)",
                    avformat.av_find_best_stream(format, avutil.AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0));
            AVStream stream = format.streams(index);
            AVCodec codec = avcodec.avcodec_find_decoder(stream.codecpar().codec_id());
            if (codec == null) {
                throw new FFmpegException("avcodec_find_decoder(" + path + ")", avutil.AVERROR_DECODER_NOT_FOUND);
            }
            decoder = avcodec.avcodec_alloc_context3(codec);
            if (decoder == null) {
                throw new OutOfMemoryError("avcodec_alloc_context3");
            }
            FFmpegException.check("avcodec_parameters_to_context",
                    avcodec.avcodec_parameters_to_context(decoder, stream.codecpar()));
            decoder.pkt_timebase(stream.time_base());
            decoder.thread_count(Math.min(4, Runtime.getRuntime().availableProcessors()));
            FFmpegException.check("avcodec_open2(" + codec.name().getString() + ")",
                    avcodec.avcodec_open2(decoder, codec, (AVDictionary) null));
            double fps = rate(stream.avg_frame_rate());
            if (fps <= 0) {
                fps = rate(stream.r_frame_rate());
            }
            AVPacket packet = avcodec.av_packet_alloc();
            AVFrame scratch = avutil.av_frame_alloc();
            if (packet == null || scratch == null) {
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
            return new MediaFileReader(path, format, index, fps, decoder, packet, scratch);
        } catch (RuntimeException | Error e) {
            if (decoder != null) {
                avcodec.avcodec_free_context(decoder);
            }
            avformat.avformat_close_input(format);
            throw e;
        }
    }

    private static double rate(AVRational r) {
        return r.num() > 0 && r.den() > 0 ? avutil.av_q2d(r) : 0;
    }

    public Path path() {
        return path;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The stream's average frame rate (or its base rate if unknown); 0 if the file does not say. */
    public double fps() {
        return fps;
    }

    /** The next decoded picture, owned by the caller; null at the end of the file (or after close). */
    public VideoFrame next() {
        if (closed) {
            return null;
        }
        int errorsInARow = 0;
        while (!endOfStream) {
            int ret = avcodec.avcodec_receive_frame(decoder, scratch);
            if (ret >= 0) {
                framesRead++;
                return VideoFrame.moveFrom(scratch, 0L);
            }
            if (ret == avutil.AVERROR_EOF) {
                endOfStream = true;
                break;
            }
            if (ret != VideoDecoder.AVERROR_EAGAIN) {
                decodeErrors++;
                if (++errorsInARow > MAX_ERRORS_IN_A_ROW) {
                    endOfStream = true; // the decoder is stuck: give up on this file
                }
                continue; // a damaged frame: try the next one
            }
            feed();
        }
        return null;
    }

    /** Sends the next packet of the video stream, or the end-of-stream signal. */
    private void feed() {
        while (!endOfInput) {
            int ret = avformat.av_read_frame(format, packet);
            if (ret < 0) {
                endOfInput = true; // AVERROR_EOF or a read error: drain what was decoded
                break;
            }
            try {
                if (packet.stream_index() != streamIndex) {
                    continue;
                }
                ret = avcodec.avcodec_send_packet(decoder, packet);
                if (ret < 0) {
                    decodeErrors++;
                    continue;
                }
                return;
            } finally {
                avcodec.av_packet_unref(packet);
            }
        }
        int ret = avcodec.avcodec_send_packet(decoder, null);
        if (ret < 0) {
            endOfStream = true; // already draining
        }
    }

    /** Pictures returned so far. */
    public long framesRead() {
        return framesRead;
    }

    /** Packets or frames the decoder rejected. */
    public long decodeErrors() {
        return decodeErrors;
    }

    /** Closes the file and frees the decoder; later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        avcodec.avcodec_free_context(decoder);
        avformat.avformat_close_input(format);
        avcodec.av_packet_free(packet);
        NativeResources.packetFreed();
        avutil.av_frame_free(scratch);
        NativeResources.frameFreed();
        decoder = null;
        format = null;
        packet = null;
        scratch = null;
    }
}
