package io.ams.engine.backend;

import java.util.List;

import io.ams.engine.EngineException;
import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Fit;
import io.ams.engine.media.VideoFrame;
import io.ams.proto.v1.Backend;
import io.ams.rtp.EncodedFrame;

/**
 * The CPU mix: libswscale scales each picture into its tile of a YUV420P canvas in host memory
 * ({@link CpuCompositor}), and the canvas goes straight to the CPU encoder (libvpx / OpenH264)
 * with no copy in between.
 *
 * <p>Owns the canvas, the compositor and the encoder; {@link #close()} frees all three.
 */
public final class CpuMixBackend implements MixBackend {
    private final VideoFrame canvas;          // owned
    private final CpuCompositor compositor;   // owned
    private final VideoEncoder encoder;       // owned
    private final String reason;
    private boolean closed;

    private CpuMixBackend(VideoFrame canvas, CpuCompositor compositor, VideoEncoder encoder, String reason) {
        this.canvas = canvas;
        this.compositor = compositor;
        this.encoder = encoder;
        this.reason = reason;
    }

    /**
     * Allocates the canvas, compositor and encoder for one output.
     *
     * @throws EngineException INTERNAL when the encoder cannot be opened (nothing is left allocated)
     */
    public static CpuMixBackend open(EncoderConfig config, String reason) {
        VideoFrame c = null;
        CpuCompositor comp = null;
        try {
            c = VideoFrame.allocateYuv420(config.width(), config.height());
            comp = new CpuCompositor();
            VideoEncoder enc = VideoEncoder.create(config);
            return new CpuMixBackend(c, comp, enc, reason);
        } catch (RuntimeException e) {
            if (comp != null) {
                comp.close();
            }
            if (c != null) {
                c.release();
            }
            throw e instanceof EngineException ee ? ee : new EngineException(EngineException.Kind.INTERNAL,
                    "cannot open the CPU mix " + config.width() + "x" + config.height() + " " + config.codec()
                            + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Result mix(Frame f) {
        if (closed) {
            throw new IllegalStateException("CpuMixBackend is closed");
        }
        long t0 = System.nanoTime();
        canvas.makeWritable();
        compositor.composite(canvas, f.tiles(), f.pictures(), f.names(), f.layout(),
                f.layout() != null && f.layout().fit() == Fit.CROP ? f.focus() : java.util.Map.of());
        long t1 = System.nanoTime();
        List<EncodedFrame> out = encoder.encode(canvas, f.index(), f.forceKeyframe());
        return new Result(out, t1 - t0, System.nanoTime() - t1);
    }

    @Override
    public Backend kind() {
        return Backend.CPU;
    }

    @Override
    public String encoderName() {
        return encoder.encoderName();
    }

    @Override
    public String reason() {
        return reason;
    }

    /** Tiles the compositor could not draw (drawn as placeholders), since this backend opened. */
    public long tileErrors() {
        return compositor.tileErrors();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        encoder.close();
        compositor.close();
        canvas.release();
    }
}
