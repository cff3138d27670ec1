/**
 * Video codecs and media files on FFmpeg's raw avcodec/avformat API: {@link
 * io.ams.engine.codec.VideoDecoder}, {@link io.ams.engine.codec.VideoEncoder}, {@link
 * io.ams.engine.codec.MediaFileWriter} and {@link io.ams.engine.codec.MediaFileReader}.
 *
 * <p>Every native frame and packet allocated here is counted in {@link
 * io.ams.engine.media.NativeResources}; pictures handed out are new {@link
 * io.ams.engine.media.VideoFrame}s owned by the caller.
 */
package io.ams.engine.codec;
