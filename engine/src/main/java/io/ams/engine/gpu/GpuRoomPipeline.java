package io.ams.engine.gpu;

import java.nio.ByteBuffer;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

/**
 * The GPU half of one room output, per tick: composite (one launch of every tile of this canvas,
 * one of its labels), then encode either on NVENC (where the GPU has it and the output is H.264)
 * or on the CPU from an asynchronous download of the canvas (H100/H200). Call {@link #tick} from
 * the output's clock thread; it returns the encoded frames of this tick.
 *
 * <p>Faults: any failed CUDA call throws {@link GpuFault} out of {@link #tick} (the message names the
 * call and its CUresult). The output must then close this pipeline and continue on the CPU backend
 * (CpuCompositor + VideoEncoder), asking for a keyframe; the room is not dropped. After a fault
 * every later call throws the same fault again.
 *
 * <p>Wiring (Output, per tick, on its clock thread): build the TileTable for {@link #canvas()} from
 * the layout and the participants' latest {@link DeviceFrame}s (retained for the tick), call
 * {@code tick(...)}, send the frames. On {@code GpuFault}: log it once with the room id, close
 * this pipeline, create the CPU stage (CpuCompositor + VideoEncoder of the same config), request a
 * keyframe and carry on from the same frame index; the room's decoders switch to
 * {@link io.ams.engine.codec.VideoDecoder} at their next keyframe.
 *
 * <p>Ownership: the canvas (device), the compositor's tables, the download buffers and the encoder
 * are allocated here and freed by {@link #close()}; the {@link GpuContext} is shared and borrowed.
 * The tile table passed to tick is borrowed for the call and must point at {@link #canvas()} and
 * at source frames the caller keeps alive until tick returns. Not thread-safe.
 */
public final class GpuRoomPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuRoomPipeline.class);

    private final GpuContext gpu;
    private final EncoderConfig config;
    private final Nv12Surface canvas;          // owned
    private final CudaCompositor compositor;   // owned
    private final NvencEncoder nvenc;          // owned, null when encoding on the CPU
    private final CanvasDownload download;     // owned, null with NVENC
    private final VideoEncoder cpuEncoder;     // owned, null with NVENC
    private GpuFault fault;
    private boolean closed;

    private GpuRoomPipeline(GpuContext gpu, EncoderConfig config, Nv12Surface canvas, CudaCompositor compositor,
            NvencEncoder nvenc, CanvasDownload download, VideoEncoder cpuEncoder) {
        this.gpu = gpu;
        this.config = config;
        this.canvas = canvas;
        this.compositor = compositor;
        this.nvenc = nvenc;
        this.download = download;
        this.cpuEncoder = cpuEncoder;
    }

    /**
     * Sets up one output: a canvas of the config's size, tables for {@code maxTiles} tiles and
     * {@code maxMasks} labels, and the encoder (NVENC when the probe found it and the codec is
     * H.264, otherwise the CPU VideoEncoder). Allocates: call at set-up, not per frame.
     *
     * @throws GpuFault when an allocation on the device fails
     */
    public static GpuRoomPipeline create(GpuContext gpu, EncoderConfig config, int maxTiles, int maxMasks) {
        Nv12Surface canvas = null;
        CudaCompositor comp = null;
        NvencEncoder nv = null;
        CanvasDownload dl = null;
        VideoEncoder cpu = null;
        try {
            canvas = gpu.allocateCanvas(config.width(), config.height());
            comp = new CudaCompositor(gpu, maxTiles, maxMasks);
            if (gpu.info().nvenc() && config.codec() == VideoCodec.H264) {
                try {
                    nv = NvencEncoder.create(gpu, config);
                } catch (RuntimeException e) {
                    LOG.warn("NVENC refused {}x{}: {}; encoding on the CPU", config.width(), config.height(),
                            e.getMessage());
                }
            }
            if (nv == null) {
                dl = new CanvasDownload(gpu, config.width(), config.height());
                cpu = VideoEncoder.create(config);
            }
            return new GpuRoomPipeline(gpu, config, canvas, comp, nv, dl, cpu);
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {cpu, dl, nv, comp, canvas}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // already failing
                    }
                }
            }
            throw e;
        }
    }

    /** The canvas the tile table must draw into (dstY/dstUV/dstPitch of every AmsTile). */
    public Nv12Surface canvas() {
        return canvas;
    }

    /**
     * Composites and encodes one frame.
     *
     * @param tiles      AmsTile entries for this canvas from the buffer's position (TileTable)
     * @param tileCount  number of tiles
     * @param masks      AmsMask entries (may be null when {@code maskCount} is 0)
     * @param maskCount  number of label masks
     * @return the encoded frames (usually one)
     * @throws GpuFault when any CUDA call fails; the pipeline is unusable afterwards
     */
    public List<EncodedFrame> tick(ByteBuffer tiles, int tileCount, ByteBuffer masks, int maskCount, long frameIndex,
            boolean forceKeyframe) throws GpuFault {
        if (closed) {
            throw new IllegalStateException("GpuRoomPipeline is closed");
        }
        if (fault != null) {
            throw fault;
        }
        try {
            compositor.composite(tiles, tileCount, masks, maskCount);
            if (nvenc != null) {
                List<EncodedFrame> out = nvenc.encode(canvas, frameIndex, forceKeyframe);
                gpu.synchronize(); // faults surface here; the table staging may be reused next tick
                return out;
            }
            download.start(canvas);
            gpu.synchronize(); // the kernels' faults surface here
            return cpuEncoder.encode(download.finish(), frameIndex, forceKeyframe);
        } catch (GpuFault e) {
            fault = e;
            throw e;
        }
    }

    /** "h264_nvenc", or the CPU encoder's name ("libvpx", "libopenh264"). */
    public String encoderName() {
        return nvenc != null ? NvencEncoder.ENCODER : cpuEncoder.encoderName();
    }

    /** The fault that stopped this pipeline, or null. */
    public GpuFault fault() {
        return fault;
    }

    public EncoderConfig config() {
        return config;
    }

    /** Frees the encoder, download buffers, tables and canvas (cuMemFree waits for queued work). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : new AutoCloseable[] {cpuEncoder, download, nvenc, compositor, canvas}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
