package io.ams.engine.codec;

import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.NativeResources;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.nio.file.Path;
import java.util.Locale;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes encoded video frames (as they go out over RTP) into a playable file with avformat,
 * without re-encoding. The container comes from the extension: .webm, .mkv or .ivf for VP8;
 * .mkv or .mp4 for H.264.
 *
 * <p>The file header is written at the first keyframe (frames before it are dropped, so the
 * file starts decodable; for H.264 its SPS/PPS become the stream's extradata). Presentation
 * times come from the RTP timestamps relative to the first written frame.
 *
 * <p>Ownership: the format context, its file and one AVPacket are allocated here and released
 * by {@link #close()}, which writes the trailer. {@link #write} and {@link #close} are
 * synchronized and close is idempotent, so a shutdown hook may close a writer another thread
 * is writing to. {@link #write} never throws: a frame that cannot be written is dropped and
 * counted.
 */
public final class MediaFileWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaFileWriter.class);
    private static final AVRational RTP_TIME_BASE = avutil.av_make_q(1, VideoCodec.RTP_CLOCK_RATE);
    private static final AVRational OPUS_TIME_BASE = avutil.av_make_q(1, 48_000);
    /** Opus frames are 20 ms here. */
    private static final int OPUS_FRAME = 960;

    private final Path path;
    private final VideoCodec codec;
    private final int fps;
    // allocated here, released in close()
    private AVFormatContext ctx;
    private AVPacket packet;
    private final AVStream stream; // owned by ctx
    private AVStream audioStream;  // owned by ctx; null: video only
    private long firstRtpTimestamp;
    private long lastAudioTs = -1;         // 90 kHz, as given
    private long lastAudioTs90;            // 90 kHz from the first video frame, unwrapped
    private long lastAudioPts = Long.MIN_VALUE; // 1/48000, unwrapped
    private long audioWritten;
    private long audioDropped;

    private boolean headerWritten;
    private boolean closed;
    private long lastRtpTimestamp;
    private long lastPts = Long.MIN_VALUE; // in 1/90000, unwrapped
    private long framesWritten;
    private long framesDropped;
    private String lastError;
    private String ioError; // the first muxer or file error: the file cannot be written further

    private MediaFileWriter(Path path, VideoCodec codec, int fps, AVFormatContext ctx, AVStream stream, AVPacket packet) {
        this.path = path;
        this.codec = codec;
        this.fps = fps;
        this.ctx = ctx;
        this.stream = stream;
        this.packet = packet;
    }

    /**
     * Creates (or truncates) {@code path} for a {@code width}x{@code height} video stream.
     * Throws {@link IllegalArgumentException} for a container that cannot hold {@code codec}
     * and {@link FFmpegException} when the file cannot be opened.
     */
    public static MediaFileWriter open(Path path, VideoCodec codec, int width, int height, int fps) {
        return open(path, codec, width, height, fps, false);
    }

    /**
     * As {@link #open(Path, VideoCodec, int, int, int)}, with a 48 kHz mono Opus track next to the video
     * where {@code opus} is set ({@link #writeAudio}); .ivf holds video only and refuses it.
     */
    public static MediaFileWriter open(Path path, VideoCodec codec, int width, int height, int fps, boolean opus) {
        String format = containerFor(path, codec);
        if (opus && format.equals("ivf")) {
            throw new IllegalArgumentException("'" + path.getFileName() + "' (IVF) cannot hold audio: use .webm or .mkv");
        }
        if (width <= 0 || height <= 0 || fps <= 0) {
            throw new IllegalArgumentException("bad stream parameters " + width + "x" + height + " @" + fps);
        }
        AVFormatContext ctx = new AVFormatContext(null);
        FFmpegException.check("avformat_alloc_output_context2(" + format + ")",
                avformat.avformat_alloc_output_context2(ctx, null, format, path.toString()));
        // each packet goes to the file as the muxer releases it (a cluster at a time for WebM/Matroska),
        // not after 32 KiB of AVIO buffer: a low-rate mix reaches the disk within seconds, and a full
        // disk shows at once (ioError) instead of minutes later
        ctx.flush_packets(1);
        AVPacket packet = null;
        try {
            AVStream stream = avformat.avformat_new_stream(ctx, null);
            if (stream == null) {
                throw new OutOfMemoryError("avformat_new_stream");
            }
            var par = stream.codecpar();
            par.codec_type(avutil.AVMEDIA_TYPE_VIDEO);
            par.codec_id(codec == VideoCodec.VP8 ? avcodec.AV_CODEC_ID_VP8 : avcodec.AV_CODEC_ID_H264);
            par.width(width);
            par.height(height);
            par.format(avutil.AV_PIX_FMT_YUV420P);
            stream.time_base(RTP_TIME_BASE);
            stream.avg_frame_rate(avutil.av_make_q(fps, 1));
            stream.r_frame_rate(avutil.av_make_q(fps, 1));
            if ((ctx.oformat().flags() & avformat.AVFMT_NOFILE) == 0) {
                AVIOContext pb = new AVIOContext(null);
                FFmpegException.check("avio_open(" + path + ")",
                        avformat.avio_open(pb, path.toString(), avformat.AVIO_FLAG_WRITE));
                ctx.pb(pb);
            }
            AVStream audio = opus ? addOpusStream(ctx) : null;
            packet = avcodec.av_packet_alloc();
            if (packet == null) {
                throw new OutOfMemoryError("av_packet_alloc");
            }
            NativeResources.packetAllocated();
            MediaFileWriter w = new MediaFileWriter(path, codec, fps, ctx, stream, packet);
            w.audioStream = audio;
            return w;
        } catch (RuntimeException | Error e) {
            if (packet != null) {
                avcodec.av_packet_free(packet);
            }
            closeIo(ctx);
            avformat.avformat_free_context(ctx);
            throw e;
        }
    }

    /** A 48 kHz mono Opus stream with its identification header (RFC 7845), as WebM/Matroska/MP4 need it. */
    private static AVStream addOpusStream(AVFormatContext ctx) {
        AVStream a = avformat.avformat_new_stream(ctx, null);
        if (a == null) {
            throw new OutOfMemoryError("avformat_new_stream");
        }
        var par = a.codecpar();
        par.codec_type(avutil.AVMEDIA_TYPE_AUDIO);
        par.codec_id(avcodec.AV_CODEC_ID_OPUS);
        par.sample_rate(48_000);
        avutil.av_channel_layout_default(par.ch_layout(), 1);
        byte[] head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 0x01, (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 0};
        // version 1, 1 channel, pre-skip 312 samples (libopus' lookahead), 48000 Hz, gain 0, mapping family 0
        BytePointer extradata = new BytePointer(avutil.av_mallocz(head.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
        extradata.put(head, 0, head.length);
        par.extradata(extradata); // freed by avformat_free_context
        par.extradata_size(head.length);
        par.initial_padding(312);
        a.time_base(OPUS_TIME_BASE);
        return a;
    }

    /**
     * Appends one 20 ms Opus packet whose time is {@code rtpTimestamp} on the video's 90 kHz clock;
     * dropped (and counted) before the first video keyframe, out of order, or in a file without audio.
     */
    public synchronized void writeAudio(byte[] opus, long rtpTimestamp) {
        if (closed || audioStream == null || !headerWritten || opus.length == 0 || ioError != null) {
            audioDropped++;
            return;
        }
        long ts90 = lastAudioTs < 0 ? (int) (rtpTimestamp - firstRtpTimestamp)
                : lastAudioTs90 + (int) (rtpTimestamp - lastAudioTs); // each step wraps at 2^32
        long pts = ts90 * 8 / 15; // 90 kHz -> 48 kHz
        if (pts < 0 || pts <= lastAudioPts) {
            audioDropped++;
            return;
        }
        int ret = avcodec.av_new_packet(packet, opus.length);
        if (ret < 0) {
            audioDropped++;
            return;
        }
        packet.data().put(opus, 0, opus.length);
        packet.stream_index(audioStream.index());
        packet.flags(avcodec.AV_PKT_FLAG_KEY);
        packet.pts(pts);
        packet.dts(pts);
        packet.duration(OPUS_FRAME);
        avcodec.av_packet_rescale_ts(packet, OPUS_TIME_BASE, audioStream.time_base());
        ret = avformat.av_interleaved_write_frame(ctx, packet);
        avcodec.av_packet_unref(packet);
        if (ret < 0) {
            if (ioError == null) {
                ioError = "av_interleaved_write_frame(audio): " + ret + " (" + FFmpegException.describe(ret) + ")";
            }
            audioDropped++;
            return;
        }
        lastAudioPts = pts;
        lastAudioTs = rtpTimestamp;
        lastAudioTs90 = ts90;
        audioWritten++;
    }

    public synchronized long audioPacketsWritten() {
        return audioWritten;
    }

    public synchronized long audioPacketsDropped() {
        return audioDropped;
    }

    /** The avformat muxer name for {@code path}'s extension; rejects combinations that do not play. */
    static String containerFor(Path path, VideoCodec codec) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.') + 1);
        String format = switch (ext) {
            case "webm" -> codec == VideoCodec.VP8 ? "webm" : null;
            case "mkv" -> "matroska";
            case "ivf" -> codec == VideoCodec.VP8 ? "ivf" : null;
            case "mp4" -> codec == VideoCodec.H264 ? "mp4" : null;
            default -> null;
        };
        if (format == null) {
            throw new IllegalArgumentException("cannot write " + codec + " to '" + path.getFileName()
                    + "': use .webm, .mkv or .ivf for VP8, .mkv or .mp4 for H.264");
        }
        return format;
    }

    /** Appends one frame; drops it (and counts it) if it cannot be written. */
    public synchronized void write(EncodedFrame frame) {
        if (closed) {
            drop("write after close");
            return;
        }
        if (frame.codec() != codec || frame.data().length == 0) {
            drop("frame of codec " + frame.codec() + ", " + frame.data().length + " bytes, in a " + codec + " file");
            return;
        }
        if (!headerWritten) {
            if (!frame.keyframe()) {
                drop("waiting for a keyframe");
                return;
            }
            if (!writeHeader(frame)) {
                return;
            }
            lastRtpTimestamp = frame.rtpTimestamp();
            firstRtpTimestamp = frame.rtpTimestamp();
            lastPts = -1;
        }
        long pts = lastPts < 0 ? 0 : lastPts + (int) (frame.rtpTimestamp() - lastRtpTimestamp); // wraps at 2^32
        if (pts <= lastPts) {
            drop("timestamp " + frame.rtpTimestamp() + " not after the previous frame's");
            return;
        }
        int ret = avcodec.av_new_packet(packet, frame.data().length);
        if (ret < 0) {
            drop("av_new_packet: " + ret);
            return;
        }
        packet.data().put(frame.data(), 0, frame.data().length);
        packet.stream_index(stream.index());
        packet.flags(frame.keyframe() ? avcodec.AV_PKT_FLAG_KEY : 0);
        packet.pts(pts);
        packet.dts(pts);
        packet.duration(VideoCodec.RTP_CLOCK_RATE / fps);
        avcodec.av_packet_rescale_ts(packet, RTP_TIME_BASE, stream.time_base());
        ret = avformat.av_interleaved_write_frame(ctx, packet); // takes the packet's reference
        avcodec.av_packet_unref(packet);
        if (ret >= 0 && ctx.pb() != null && !ctx.pb().isNull() && ctx.pb().error() < 0) {
            ret = ctx.pb().error(); // a buffered write failed (ENOSPC...) after the muxer took the packet
        }
        if (ret < 0) {
            String why = "av_interleaved_write_frame: " + ret + " (" + FFmpegException.describe(ret) + ")";
            if (ioError == null) {
                ioError = why;
            }
            drop(why);
            return;
        }
        lastPts = pts;
        lastRtpTimestamp = frame.rtpTimestamp();
        framesWritten++;
    }

    private boolean writeHeader(EncodedFrame firstKeyframe) {
        if (codec == VideoCodec.H264) {
            byte[] sets = AnnexB.parameterSets(firstKeyframe.data());
            if (sets.length > 0) {
                var par = stream.codecpar();
                BytePointer extradata = new BytePointer(avutil.av_mallocz(sets.length + avcodec.AV_INPUT_BUFFER_PADDING_SIZE));
                extradata.put(sets, 0, sets.length);
                par.extradata(extradata); // freed by avformat_free_context
                par.extradata_size(sets.length);
            }
        }
        int ret = avformat.avformat_write_header(ctx, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret >= 0 && ctx.pb() != null && !ctx.pb().isNull() && ctx.pb().error() < 0) {
            ret = ctx.pb().error();
        }
        if (ret < 0) {
            String why = "avformat_write_header: " + ret + " (" + FFmpegException.describe(ret) + ")";
            if (ioError == null) {
                ioError = why;
            }
            drop(why);
            return false;
        }
        headerWritten = true;
        return true;
    }

    private void drop(String reason) {
        framesDropped++;
        if (!reason.equals(lastError)) {
            LOG.debug("{}: dropped a frame: {}", path, reason);
        }
        lastError = reason;
    }

    public Path path() {
        return path;
    }

    public synchronized long framesWritten() {
        return framesWritten;
    }

    /** Frames not written: before the first keyframe, bad timestamps, muxer errors. */
    public synchronized long framesDropped() {
        return framesDropped;
    }

    /**
     * The first error of the muxer or the file (a full disk: "av_interleaved_write_frame: -28 (No space
     * left on device)"), after which nothing more can be written; null while the file is fine.
     */
    public synchronized String ioError() {
        return ioError;
    }

    /** Why the last frame was dropped; null if none was. */
    public synchronized String lastError() {
        return lastError;
    }

    /**
     * Writes the trailer and closes the file; later calls do nothing. A file that never got a
     * keyframe is left with no frames (and possibly no header).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (headerWritten) {
            int ret = avformat.av_write_trailer(ctx);
            if (ret < 0) {
                LOG.warn("{}: av_write_trailer: {} ({})", path, ret, FFmpegException.describe(ret));
            }
        } else {
            LOG.warn("{}: closed before any keyframe; the file holds no video", path);
        }
        closeIo(ctx);
        avformat.avformat_free_context(ctx);
        avcodec.av_packet_free(packet);
        NativeResources.packetFreed();
        ctx = null;
        packet = null;
    }

    private static void closeIo(AVFormatContext ctx) {
        AVIOContext pb = ctx.pb();
        if (pb != null && !pb.isNull()) {
            avformat.avio_closep(pb);
            ctx.pb(null);
        }
    }
}
