package io.ams.engine.gpu;

import java.util.List;

/**
 * The Java mirror of the kernel ABI in {@code native/src/main/cuda/ams_kernels.cu}: kernel names,
 * the fatbin's resource path, the byte layout of {@code AmsTile} and {@code AmsMask} and the launch
 * geometry. Change both files together. Pure constants and arithmetic; touches no GPU library.
 *
 * <p>Canvas and frames on the GPU are NV12, pitched: a Y plane, then an interleaved UV plane at
 * half height, both with one pitch. Tables are little-endian arrays of fixed-size entries.
 *
 * <p>Paint order: blocks of one launch run in no defined order, so {@code ams_composite} paints
 * by occlusion. The entries of one canvas (same {@code dstY}) must be contiguous and in paint
 * order (background, then per tile in z order its picture or placeholder and, when highlighted,
 * its 4 border strips); a 2x2 quad of entry i is written only when no later entry of the same
 * canvas covers it. The canvas then looks as if the entries were painted one after the other.
 * {@code ams_blend_masks} reads and writes its pixels: masks of one launch must not overlap.
 */
public final class KernelAbi {
    private KernelAbi() {
    }

    /** Class-path resource holding the fatbin (absent where nvcc was missing at build time). */
    public static final String FATBIN_RESOURCE = "/io/ams/native/ams_kernels.fatbin";
    /** {@code extern "C" __global__ void ams_composite(const AmsTile* tiles, int count)}. */
    public static final String COMPOSITE_KERNEL = "ams_composite";
    /** {@code extern "C" __global__ void ams_blend_masks(const AmsMask* masks, int count)}. */
    public static final String BLEND_MASKS_KERNEL = "ams_blend_masks";
    /** SASS architectures in the fatbin (PTX for {@link #PTX_ARCH} comes too). */
    public static final List<Integer> SASS_ARCHS = List.of(75, 80, 86, 89, 90);
    /** The PTX in the fatbin, JIT-compiled by the driver on GPUs newer than the SASS. */
    public static final int PTX_ARCH = 90;

    // ---- struct AmsTile: 64 bytes, 8-byte aligned ----
    /** Size of one {@code AmsTile}. */
    public static final int TILE_BYTES = 64;
    /** u64: device address of the source Y plane; 0 = no source, fill with the colour. */
    public static final int SRC_Y_OFFSET = 0;
    /** u64: device address of the source UV plane. */
    public static final int SRC_UV_OFFSET = 8;
    /** u64: device address of the canvas Y plane (also what identifies the canvas). */
    public static final int DST_Y_OFFSET = 16;
    /** u64: device address of the canvas UV plane. */
    public static final int DST_UV_OFFSET = 24;
    /** i32: bytes per source row (both planes). */
    public static final int SRC_PITCH_OFFSET = 32;
    /** i32: source picture width, even. */
    public static final int SRC_W_OFFSET = 36;
    /** i32: source picture height, even. */
    public static final int SRC_H_OFFSET = 40;
    /** i32: bytes per canvas row (both planes). */
    public static final int DST_PITCH_OFFSET = 44;
    /** i16: destination rectangle x, even. */
    public static final int DST_X_OFFSET = 48;
    /** i16: destination rectangle y, even ({@code dstYPos} in the .cu file). */
    public static final int DST_Y_POS_OFFSET = 50;
    /** i16: destination rectangle width, even. */
    public static final int DST_W_OFFSET = 52;
    /** i16: destination rectangle height, even. */
    public static final int DST_H_OFFSET = 54;
    /** u8: {@link #FILTER_BILINEAR} or {@link #FILTER_BOX}. */
    public static final int FILTER_OFFSET = 56;
    /** u8: fill luma when there is no source. */
    public static final int FILL_Y_OFFSET = 57;
    /** u8: fill U. */
    public static final int FILL_U_OFFSET = 58;
    /** u8: fill V. */
    public static final int FILL_V_OFFSET = 59;
    /** i32: reserved, 0. */
    public static final int RESERVED_OFFSET = 60;

    /** Bilinear filter: enlarging, or shrinking by at most 2x. */
    public static final int FILTER_BILINEAR = 0;
    /** Box (area) filter: the mean of each destination pixel's whole source footprint; shrinking by more than 2x. */
    public static final int FILTER_BOX = 1;

    /** Largest canvas side and rectangle coordinate an i16 field holds (even). */
    public static final int MAX_COORDINATE = 32766;

    // ---- struct AmsMask: 48 bytes, 8-byte aligned ----
    /** Size of one {@code AmsMask}. */
    public static final int MASK_BYTES = 48;
    /** u64: device address of the coverage bytes (h rows of alphaPitch bytes; 0..255). */
    public static final int MASK_ALPHA_OFFSET = 0;
    /** u64: device address of the canvas Y plane. */
    public static final int MASK_DST_Y_OFFSET = 8;
    /** u64: device address of the canvas UV plane. */
    public static final int MASK_DST_UV_OFFSET = 16;
    /** i32: bytes per canvas row (both planes). */
    public static final int MASK_DST_PITCH_OFFSET = 24;
    /** i32: bytes per mask row (at least the width). */
    public static final int MASK_ALPHA_PITCH_OFFSET = 28;
    /** i16: top-left x in the canvas, even. */
    public static final int MASK_X_OFFSET = 32;
    /** i16: top-left y in the canvas, even. */
    public static final int MASK_Y_POS_OFFSET = 34;
    /** i16: mask width in pixels, already clipped to the canvas. */
    public static final int MASK_W_OFFSET = 36;
    /** i16: mask height in pixels, already clipped to the canvas. */
    public static final int MASK_H_OFFSET = 38;
    /** u8: colour luma. */
    public static final int MASK_COLOR_Y_OFFSET = 40;
    /** u8: colour U. */
    public static final int MASK_COLOR_U_OFFSET = 41;
    /** u8: colour V. */
    public static final int MASK_COLOR_V_OFFSET = 42;
    /** u8: reserved, 0. */
    public static final int MASK_RESERVED0_OFFSET = 43;
    /** i32: reserved, 0. */
    public static final int MASK_RESERVED1_OFFSET = 44;

    // ---- launch geometry (both kernels) ----
    /** Threads per block side: a block is 16x16 threads, one per 2x2 luma quad. */
    public static final int BLOCK_SIZE = 16;
    /** Largest grid.y: entries beyond it spill into grid.z. */
    public static final int MAX_GRID_Y = 65535;

    /** Blocks one entry of {@code width x height} pixels needs: its quads cut into 16x16 blocks. */
    public static int blocks(int width, int height) {
        int quadsX = (width + 1) / 2;
        int quadsY = (height + 1) / 2;
        return ceilDiv(quadsX, BLOCK_SIZE) * ceilDiv(quadsY, BLOCK_SIZE);
    }

    /** grid.y for {@code count} entries: {@code min(count, 65535)}, at least 1. */
    public static int gridY(int count) {
        return Math.max(1, Math.min(count, MAX_GRID_Y));
    }

    /** grid.z for {@code count} entries: the entry is {@code blockIdx.z * gridDim.y + blockIdx.y}. */
    public static int gridZ(int count) {
        return ceilDiv(Math.max(1, count), gridY(count));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
