package io.ams.engine.media;

import org.bytedeco.ffmpeg.global.avutil;

/** A failed FFmpeg call, named with its return code and FFmpeg's text for it. */
public final class FFmpegException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public FFmpegException(String call, int code) {
        super(call + ": " + code + " (" + describe(code) + ")");
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** FFmpeg's description of an error code, e.g. "Invalid data found when processing input". */
    public static String describe(int code) {
        byte[] buf = new byte[256];
        avutil.av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Throws when {@code ret < 0}; returns {@code ret} otherwise. */
    public static int check(String call, int ret) {
        if (ret < 0) {
            throw new FFmpegException(call, ret);
        }
        return ret;
    }
}
