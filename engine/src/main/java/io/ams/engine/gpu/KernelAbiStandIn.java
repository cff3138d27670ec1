package io.ams.engine.gpu;

/**
 * STAND-IN for {@code KernelAbi} (written in parallel by another helper, not on this branch yet):
 * the constants this package needs, copied from the shared ABI in the GPU notes. When KernelAbi
 * lands, delete this file and replace {@code KernelAbiStandIn} with {@code KernelAbi} (same names).
 */
final class KernelAbiStandIn {
    static final String FATBIN_RESOURCE = "/io/ams/native/ams_kernels.fatbin";
    static final String KERNEL_COMPOSITE = "ams_composite";
    static final String KERNEL_BLEND_MASKS = "ams_blend_masks";

    /** struct AmsTile: 64 bytes, little-endian. */
    static final int TILE_BYTES = 64;
    static final int TILE_SRC_Y = 0;
    static final int TILE_SRC_UV = 8;
    static final int TILE_DST_Y = 16;
    static final int TILE_DST_UV = 24;
    static final int TILE_SRC_PITCH = 32;
    static final int TILE_SRC_W = 36;
    static final int TILE_SRC_H = 40;
    static final int TILE_DST_PITCH = 44;
    static final int TILE_DST_X = 48;
    static final int TILE_DST_Y_POS = 50;
    static final int TILE_DST_W = 52;
    static final int TILE_DST_H = 54;
    static final int TILE_FILTER = 56;
    static final int TILE_FILL_Y = 57;
    static final int TILE_FILL_U = 58;
    static final int TILE_FILL_V = 59;

    /**
     * struct AmsMask: 32 bytes. The field offsets below are this branch's reading of "u64 alpha,
     * u64 dstY, u64 dstUV, i32 dstPitch" plus i16 width and height; check them against KernelAbi.
     * dstY/dstUV point at the mask's top-left pixel in the canvas (x, y even).
     */
    static final int MASK_BYTES = 32;
    static final int MASK_ALPHA = 0;
    static final int MASK_DST_Y = 8;
    static final int MASK_DST_UV = 16;
    static final int MASK_DST_PITCH = 24;
    static final int MASK_W = 28;
    static final int MASK_H = 30;

    /** Threads per block in x and y: each thread writes one 2x2 luma quad. */
    static final int BLOCK = 16;

    private KernelAbiStandIn() {
    }
}
