package io.ams.engine.recording;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the chunks of a sealed recording hold, before sealing. Chunk 0 describes the stream
 * ({@code codec}, {@code width}, {@code height}, {@code fps} as properties); every later chunk holds
 * about {@link #CHUNK_SECONDS} s of encoded frames as they left the encoder (no re-encoding):
 * {@code u8 kind | u32 RTP timestamp | u32 length | bytes}, repeated. Kinds: 0 video frame, 1 video keyframe,
 * 2 Opus packet of the room's mix, 3 a line of the room's chat ({@link ChatLine#encode}; since issue 13, so a
 * recording without chat reads as before, and an older exporter refuses a recording with chat by the kind).
 */
public final class RecordingChunks {
    /** Media per chunk: a crash loses at most this much. */
    public static final int CHUNK_SECONDS = 2;
    static final int MAX_FRAME = 16 * 1024 * 1024;

    static final int VIDEO = 0;
    static final int KEYFRAME = 1;
    static final int AUDIO = 2;
    static final int TEXT = 3;

    /** The stream a recording holds; {@code audio}: an Opus track of the room's mix too. */
    public record StreamInfo(VideoCodec codec, int width, int height, int fps, boolean audio) {
        public StreamInfo(VideoCodec codec, int width, int height, int fps) {
            this(codec, width, height, fps, false);
        }
    }

    /**
     * One item of a chunk: a video frame, or (video null) an Opus packet at {@code ts} (90 kHz, the video's
     * clock), or (video and audio null) a chat line said at {@code ts}.
     */
    public record Media(EncodedFrame video, long ts, byte[] audio, ChatLine text) {
        Media(EncodedFrame video, long ts, byte[] audio) {
            this(video, ts, audio, null);
        }
    }

    private RecordingChunks() {
    }

    static byte[] describe(StreamInfo s) {
        return ("codec=" + s.codec() + "\nwidth=" + s.width() + "\nheight=" + s.height() + "\nfps=" + s.fps() + "\n"
                + (s.audio() ? "audio=opus\n" : "")).getBytes(StandardCharsets.UTF_8);
    }

    static StreamInfo parseInfo(byte[] chunk) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(new String(chunk, StandardCharsets.UTF_8)));
        try {
            return new StreamInfo(VideoCodec.valueOf(p.getProperty("codec")), Integer.parseInt(p.getProperty("width")),
                    Integer.parseInt(p.getProperty("height")), Integer.parseInt(p.getProperty("fps")),
                    "opus".equals(p.getProperty("audio")));
        } catch (RuntimeException e) {
            throw new IOException("the recording's stream description is unusable: " + p);
        }
    }

    /** Appends one frame to a chunk being built. */
    static void put(ByteArrayOutputStream chunk, EncodedFrame f) {
        put(chunk, f.keyframe() ? KEYFRAME : VIDEO, f.rtpTimestamp(), f.data());
    }

    /** Appends one Opus packet at {@code ts} (90 kHz, the video's clock). */
    static void putAudio(ByteArrayOutputStream chunk, long ts, byte[] opus) {
        put(chunk, AUDIO, ts, opus);
    }

    /** Appends one chat line said at {@code ts} (90 kHz, the video's clock). */
    static void putText(ByteArrayOutputStream chunk, long ts, ChatLine line) {
        put(chunk, TEXT, ts, line.encode());
    }

    private static void put(ByteArrayOutputStream chunk, int kind, long ts, byte[] data) {
        ByteBuffer head = ByteBuffer.allocate(9);
        head.put((byte) kind).putInt((int) ts).putInt(data.length);
        chunk.writeBytes(head.array());
        chunk.writeBytes(data);
    }

    /** The video frames of a chunk (its audio left out). */
    static List<EncodedFrame> frames(byte[] chunk, VideoCodec codec, long chunkIndex) throws IOException {
        List<EncodedFrame> out = new ArrayList<>();
        for (Media m : media(chunk, codec, chunkIndex)) {
            if (m.video() != null) {
                out.add(m.video());
            }
        }
        return out;
    }

    /** Everything in a chunk, in the order it was recorded. */
    static List<Media> media(byte[] chunk, VideoCodec codec, long chunkIndex) throws IOException {
        List<Media> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(chunk))) {
            while (in.available() > 0) {
                int kind = in.readUnsignedByte();
                long ts = in.readInt() & 0xFFFFFFFFL;
                int len = in.readInt();
                if (kind > TEXT) {
                    throw new IOException("chunk " + chunkIndex + " holds an item of unknown kind " + kind);
                }
                if (len <= 0 || len > MAX_FRAME || len > in.available()) {
                    throw new IOException("chunk " + chunkIndex + " holds a frame of impossible length " + len);
                }
                byte[] data = in.readNBytes(len);
                out.add(kind == AUDIO ? new Media(null, ts, data)
                        : kind == TEXT ? new Media(null, ts, null, ChatLine.decode(data, chunkIndex))
                        : new Media(new EncodedFrame(codec, data, kind == KEYFRAME, ts, 0), 0, null));
            }
        }
        return out;
    }

    /** For tests: a chunk from frames. */
    static byte[] chunkOf(List<EncodedFrame> frames) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream unused = new DataOutputStream(b)) {
            frames.forEach(f -> put(b, f));
        }
        return b.toByteArray();
    }
}
