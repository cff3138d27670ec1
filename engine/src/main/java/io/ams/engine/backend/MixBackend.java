package io.ams.engine.backend;

import java.util.List;
import java.util.Map;

import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.VideoFrame;
import io.ams.proto.v1.Backend;
import io.ams.rtp.EncodedFrame;

/**
 * The seam between a room output and the hardware that mixes it: given the participants' latest
 * pictures and the output's tiles, composite one canvas and encode it. An output holds one
 * {@code MixBackend} and never knows which implementation it has ({@link CpuMixBackend} today's
 * path; a CUDA one composes on the device); {@link FallbackMixBackend} moves an output to the CPU
 * when its backend faults.
 *
 * <p>Ownership: the backend owns its canvas, compositor and encoder and frees them in
 * {@link #close()}. The frames of a {@link Frame} are borrowed for the call only. Not thread-safe:
 * one output's clock drives one backend (ticks of one output never overlap).
 */
public interface MixBackend extends AutoCloseable {

    /** One tick's work: what to draw, and how to encode it. Everything is borrowed for the call. */
    record Frame(List<Tile> tiles, Map<String, VideoFrame> pictures, Map<String, String> names, LayoutSpec layout,
                 Map<String, double[]> focus, long index, boolean forceKeyframe) {
    }

    /** What a tick produced: the encoded frames (usually one) and where the time went. */
    record Result(List<EncodedFrame> frames, long compositeNanos, long encodeNanos) {
    }

    /**
     * Composites and encodes one frame.
     *
     * @throws BackendFault when the hardware behind this backend failed; the backend is unusable
     *     afterwards (later calls throw the same fault) and must be closed
     */
    Result mix(Frame frame);

    /** CPU or GPU. */
    Backend kind();

    /** The encoder that runs: "libvpx", "libopenh264", "h264_nvenc". */
    String encoderName();

    /** Why this backend runs for this output, one line (GetRoom / GetRoomStats backend_reason). */
    String reason();

    /** Frees everything the backend owns; later calls of {@link #mix} fail. Never throws. */
    @Override
    void close();
}
