package io.ams.engine.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Named codec options passed to {@code avcodec_open2} through an AVDictionary, so that an
 * option the codec does not know is reported instead of silently ignored: FFmpeg leaves the
 * entries it did not consume in the dictionary, and {@link #open} returns their names.
 */
final class CodecOptions {
    private final Map<String, String> options = new LinkedHashMap<>();

    CodecOptions set(String name, Object value) {
        options.put(name, String.valueOf(value));
        return this;
    }

    Map<String, String> asMap() {
        return Map.copyOf(options);
    }

    /**
     * Opens {@code ctx} with these options; throws {@link io.ams.engine.media.FFmpegException}
     * when the codec refuses to open. Returns the names of the options that were not consumed.
     */
    List<String> open(AVCodecContext ctx, AVCodec codec) {
        AVDictionary dict = new AVDictionary(null);
        try {
            for (Map.Entry<String, String> e : options.entrySet()) {
                avutil.av_dict_set(dict, e.getKey(), e.getValue(), 0);
            }
            int ret = avcodec.avcodec_open2(ctx, codec, dict);
            io.ams.engine.media.FFmpegException.check(
                    "avcodec_open2(" + codec.name().getString() + ")", ret);
            List<String> unknown = new ArrayList<>();
            AVDictionaryEntry entry = null;
            while ((entry = avutil.av_dict_get(dict, "", entry, avutil.AV_DICT_IGNORE_SUFFIX)) != null) {
                unknown.add(entry.key().getString());
            }
            return unknown;
        } finally {
            avutil.av_dict_free(dict);
        }
    }
}
