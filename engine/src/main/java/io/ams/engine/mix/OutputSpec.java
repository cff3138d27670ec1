package io.ams.engine.mix;

import io.ams.engine.EngineException;
import io.ams.engine.compose.LayoutSpec;
import io.ams.rtp.VideoCodec;

/**
 * What one output of a room produces: canvas size, frame rate, codec, bitrate and layout.
 * {@link #validate()} names the offending field and its allowed range.
 */
public record OutputSpec(String id, int width, int height, int fps, VideoCodec codec, int bitrateKbps,
                         LayoutSpec layout) {
    public static final String MAIN = "main";
    public static final int MIN_SIDE = 16;
    public static final int MAX_WIDTH = 7680;
    public static final int MAX_HEIGHT = 4320;
    public static final int MAX_FPS = 60;
    public static final int MIN_BITRATE = 50;
    public static final int MAX_BITRATE = 50_000;

    /** Throws INVALID_ARGUMENT naming the field, its value and the allowed range. */
    public OutputSpec validate() {
        Ids.check("output id", id);
        if (width < MIN_SIDE || width > MAX_WIDTH || (width & 1) != 0) {
            throw EngineException.invalid("canvas.width " + width + " is out of range: allowed "
                    + MIN_SIDE + ".." + MAX_WIDTH + " and even");
        }
        if (height < MIN_SIDE || height > MAX_HEIGHT || (height & 1) != 0) {
            throw EngineException.invalid("canvas.height " + height + " is out of range: allowed "
                    + MIN_SIDE + ".." + MAX_HEIGHT + " and even");
        }
        if (fps < 1 || fps > MAX_FPS) {
            throw EngineException.invalid("fps " + fps + " is out of range: allowed 1.." + MAX_FPS);
        }
        if (bitrateKbps < MIN_BITRATE || bitrateKbps > MAX_BITRATE) {
            throw EngineException.invalid("bitrate_kbps " + bitrateKbps + " is out of range: allowed "
                    + MIN_BITRATE + ".." + MAX_BITRATE);
        }
        if (codec == null) {
            throw EngineException.invalid("codec is missing: VP8 or H264");
        }
        try {
            layout.validate();
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("layout: " + e.getMessage());
        }
        return this;
    }

    public OutputSpec withLayout(LayoutSpec newLayout) {
        return new OutputSpec(id, width, height, fps, codec, bitrateKbps, newLayout);
    }
}
