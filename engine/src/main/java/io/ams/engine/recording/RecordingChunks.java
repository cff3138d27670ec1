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
 * {@code u8 keyframe | u32 RTP timestamp | u32 length | bytes}, repeated.
 */
public final class RecordingChunks {
    /** Media per chunk: a crash loses at most this much. */
    public static final int CHUNK_SECONDS = 2;
    static final int MAX_FRAME = 16 * 1024 * 1024;

    /** The stream a recording holds. */
    public record StreamInfo(VideoCodec codec, int width, int height, int fps) {
    }

    private RecordingChunks() {
    }

    static byte[] describe(StreamInfo s) {
        return ("codec=" + s.codec() + "\nwidth=" + s.width() + "\nheight=" + s.height() + "\nfps=" + s.fps() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static StreamInfo parseInfo(byte[] chunk) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(new String(chunk, StandardCharsets.UTF_8)));
        try {
            return new StreamInfo(VideoCodec.valueOf(p.getProperty("codec")), Integer.parseInt(p.getProperty("width")),
                    Integer.parseInt(p.getProperty("height")), Integer.parseInt(p.getProperty("fps")));
        } catch (RuntimeException e) {
            throw new IOException("the recording's stream description is unusable: " + p);
        }
    }

    /** Appends one frame to a chunk being built. */
    static void put(ByteArrayOutputStream chunk, EncodedFrame f) {
        ByteBuffer head = ByteBuffer.allocate(9);
        head.put((byte) (f.keyframe() ? 1 : 0)).putInt((int) f.rtpTimestamp()).putInt(f.data().length);
        chunk.writeBytes(head.array());
        chunk.writeBytes(f.data());
    }

    static List<EncodedFrame> frames(byte[] chunk, VideoCodec codec, long chunkIndex) throws IOException {
        List<EncodedFrame> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(chunk))) {
            while (in.available() > 0) {
                boolean key = in.readUnsignedByte() == 1;
                long ts = in.readInt() & 0xFFFFFFFFL;
                int len = in.readInt();
                if (len <= 0 || len > MAX_FRAME || len > in.available()) {
                    throw new IOException("chunk " + chunkIndex + " holds a frame of impossible length " + len);
                }
                byte[] data = in.readNBytes(len);
                out.add(new EncodedFrame(codec, data, key, ts, 0));
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
