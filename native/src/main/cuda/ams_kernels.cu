// AMS compositing kernels: the GPU twin of io.ams.engine.compose.CpuCompositor.
//
// Built by native/build-kernels.sh (called from the Maven build of native/) into a fatbin with
// SASS for sm_75, sm_80, sm_86, sm_89, sm_90 and PTX for compute_90, loaded by the engine with
// cuModuleLoadData and launched through the driver API. Plain CUDA C++, no external libraries.
// The Java mirror of every constant and offset below is io.ams.engine.gpu.KernelAbi: change both.
//
// Pictures are NV12 and pitched: a Y plane of w x h bytes (row r at base + r * pitch) and an
// interleaved UV plane of w/2 x h/2 pairs (pair (c, r) at uvBase + r * pitch + 2 * c: U, then V),
// both planes with the same pitch. All sizes and positions given here are even.

#include <stddef.h>
#include <stdint.h>

// Every per-thread function is __host__ __device__: the __global__ kernels only turn blockIdx and
// threadIdx into arguments, so native/src/test/cuda/ams_selftest.cu can run the same code on the
// CPU, thread by thread, where there is no GPU (CI).
#define AMS_HD __host__ __device__ __forceinline__

AMS_HD int ams_min(int a, int b) { return a < b ? a : b; }
AMS_HD int ams_max(int a, int b) { return a > b ? a : b; }
AMS_HD long long ams_minl(long long a, long long b) { return a < b ? a : b; }
AMS_HD long long ams_maxl(long long a, long long b) { return a > b ? a : b; }

// ------------------------------------------------------------------------------------------
// struct AmsTile: 64 bytes, little-endian, 8-byte aligned. One entry = one rectangle of one
// canvas, drawn either from a source picture (srcY != 0) or as a solid colour (srcY == 0).
//
//   offset  type  field
//    0      u64   srcY      device address of the source Y plane; 0 = no source, fill (y, u, v)
//    8      u64   srcUV     device address of the source UV plane
//   16      u64   dstY      device address of the canvas Y plane (also names the canvas, below)
//   24      u64   dstUV     device address of the canvas UV plane
//   32      i32   srcPitch  bytes per source row (both planes)
//   36      i32   srcW      source picture width (even)
//   40      i32   srcH      source picture height (even)
//   44      i32   dstPitch  bytes per canvas row (both planes)
//   48      i16   dstX      destination rectangle in the canvas, luma pixels, all even
//   50      i16   dstYPos   (called "dstY" in the Java constants: DST_Y_POS_OFFSET)
//   52      i16   dstW
//   54      i16   dstH
//   56      u8    filter    0 = bilinear, 1 = box/area (the Java side picks box when the source
//                           is downscaled by more than 2x in either direction)
//   57      u8    y         fill colour (BT.601 limited range) when srcY == 0
//   58      u8    u
//   59      u8    v
//   60      i32   reserved  0
//
// A crop is expressed by the caller: srcY/srcUV point at the crop's top-left corner (even x and
// y offsets) and srcW/srcH are the crop's size.
// ------------------------------------------------------------------------------------------
struct __align__(8) AmsTile {
    uint64_t srcY;
    uint64_t srcUV;
    uint64_t dstY;
    uint64_t dstUV;
    int32_t srcPitch;
    int32_t srcW;
    int32_t srcH;
    int32_t dstPitch;
    int16_t dstX;
    int16_t dstYPos;
    int16_t dstW;
    int16_t dstH;
    uint8_t filter;
    uint8_t y;
    uint8_t u;
    uint8_t v;
    int32_t reserved;
};
// The layout, checked by the compiler; KernelAbiTest checks that these numbers are KernelAbi's.
static_assert(sizeof(AmsTile) == 64, "KernelAbi.TILE_BYTES");
static_assert(offsetof(AmsTile, srcY) == 0, "KernelAbi.SRC_Y_OFFSET");
static_assert(offsetof(AmsTile, srcUV) == 8, "KernelAbi.SRC_UV_OFFSET");
static_assert(offsetof(AmsTile, dstY) == 16, "KernelAbi.DST_Y_OFFSET");
static_assert(offsetof(AmsTile, dstUV) == 24, "KernelAbi.DST_UV_OFFSET");
static_assert(offsetof(AmsTile, srcPitch) == 32, "KernelAbi.SRC_PITCH_OFFSET");
static_assert(offsetof(AmsTile, srcW) == 36, "KernelAbi.SRC_W_OFFSET");
static_assert(offsetof(AmsTile, srcH) == 40, "KernelAbi.SRC_H_OFFSET");
static_assert(offsetof(AmsTile, dstPitch) == 44, "KernelAbi.DST_PITCH_OFFSET");
static_assert(offsetof(AmsTile, dstX) == 48, "KernelAbi.DST_X_OFFSET");
static_assert(offsetof(AmsTile, dstYPos) == 50, "KernelAbi.DST_Y_POS_OFFSET");
static_assert(offsetof(AmsTile, dstW) == 52, "KernelAbi.DST_W_OFFSET");
static_assert(offsetof(AmsTile, dstH) == 54, "KernelAbi.DST_H_OFFSET");
static_assert(offsetof(AmsTile, filter) == 56, "KernelAbi.FILTER_OFFSET");
static_assert(offsetof(AmsTile, y) == 57, "KernelAbi.FILL_Y_OFFSET");
static_assert(offsetof(AmsTile, u) == 58, "KernelAbi.FILL_U_OFFSET");
static_assert(offsetof(AmsTile, v) == 59, "KernelAbi.FILL_V_OFFSET");
static_assert(offsetof(AmsTile, reserved) == 60, "KernelAbi.RESERVED_OFFSET");

// ------------------------------------------------------------------------------------------
// struct AmsMask: 48 bytes, little-endian, 8-byte aligned. One entry = one 8-bit coverage mask
// (a rendered name label) blended in one colour onto one canvas.
//
//   offset  type  field
//    0      u64   alpha       device address of the coverage bytes: h rows of alphaPitch bytes,
//                             the first w of each used; 0 = transparent, 255 = opaque
//    8      u64   dstY        device address of the canvas Y plane
//   16      u64   dstUV       device address of the canvas UV plane
//   24      i32   dstPitch    bytes per canvas row (both planes)
//   28      i32   alphaPitch  bytes per mask row (>= w)
//   32      i16   x           top-left corner in the canvas, luma pixels, even
//   34      i16   yPos
//   36      i16   w           mask size in pixels (any; already clipped to the canvas by the caller)
//   38      i16   h
//   40      u8    y           colour (BT.601 limited range)
//   41      u8    u
//   42      u8    v
//   43      u8    reserved0   0
//   44      i32   reserved1   0
//
// Blend per sample, the same integer formula as CanvasPainter.blendAt on the CPU:
//   out = v + ((target - v) * a + (target >= v ? 127 : -127)) / 255   (C division truncates)
// Luma uses the coverage of its pixel; a chroma pair uses the rounded mean of its 2x2 coverages,
// (a00 + a10 + a01 + a11 + 2) / 4, and only where the whole 2x2 block lies inside w x h.
// Masks of one launch must not overlap each other (each entry reads and writes its own pixels).
// ------------------------------------------------------------------------------------------
struct __align__(8) AmsMask {
    uint64_t alpha;
    uint64_t dstY;
    uint64_t dstUV;
    int32_t dstPitch;
    int32_t alphaPitch;
    int16_t x;
    int16_t yPos;
    int16_t w;
    int16_t h;
    uint8_t y;
    uint8_t u;
    uint8_t v;
    uint8_t reserved0;
    int32_t reserved1;
};
static_assert(sizeof(AmsMask) == 48, "KernelAbi.MASK_BYTES");
static_assert(offsetof(AmsMask, alpha) == 0, "KernelAbi.MASK_ALPHA_OFFSET");
static_assert(offsetof(AmsMask, dstY) == 8, "KernelAbi.MASK_DST_Y_OFFSET");
static_assert(offsetof(AmsMask, dstUV) == 16, "KernelAbi.MASK_DST_UV_OFFSET");
static_assert(offsetof(AmsMask, dstPitch) == 24, "KernelAbi.MASK_DST_PITCH_OFFSET");
static_assert(offsetof(AmsMask, alphaPitch) == 28, "KernelAbi.MASK_ALPHA_PITCH_OFFSET");
static_assert(offsetof(AmsMask, x) == 32, "KernelAbi.MASK_X_OFFSET");
static_assert(offsetof(AmsMask, yPos) == 34, "KernelAbi.MASK_Y_POS_OFFSET");
static_assert(offsetof(AmsMask, w) == 36, "KernelAbi.MASK_W_OFFSET");
static_assert(offsetof(AmsMask, h) == 38, "KernelAbi.MASK_H_OFFSET");
static_assert(offsetof(AmsMask, y) == 40, "KernelAbi.MASK_COLOR_Y_OFFSET");
static_assert(offsetof(AmsMask, u) == 41, "KernelAbi.MASK_COLOR_U_OFFSET");
static_assert(offsetof(AmsMask, v) == 42, "KernelAbi.MASK_COLOR_V_OFFSET");
static_assert(offsetof(AmsMask, reserved0) == 43, "KernelAbi.MASK_RESERVED0_OFFSET");
static_assert(offsetof(AmsMask, reserved1) == 44, "KernelAbi.MASK_RESERVED1_OFFSET");

// ------------------------------------------------------------------------------------------
// Launch geometry, shared by both kernels (KernelAbi.BLOCK_SIZE, blocks, gridY, gridZ; TileTable.gridX):
//   block = (16, 16, 1): one thread per 2x2 luma quad (and its one UV pair);
//   each entry's quads (ceil(w/2) x ceil(h/2)) are cut into 16x16-quad blocks, numbered row by
//   row: bx = blockIdx.x % blocksX(entry), by = blockIdx.x / blocksX(entry);
//   grid.x = the largest blocksX * blocksY over all entries; blocks past an entry's own count
//   return at once;
//   entry = blockIdx.z * gridDim.y + blockIdx.y, so grid.y = min(count, 65535) and
//   grid.z = ceil(count / grid.y); entries past count return.
// ------------------------------------------------------------------------------------------
#define AMS_BLOCK 16 // KernelAbi.BLOCK_SIZE

// Which thread this is: entry (tile or mask index), block = blockIdx.x, (tx, ty) = threadIdx.
struct AmsThread {
    int entry;
    int block;
    int tx;
    int ty;
};

__device__ __forceinline__ AmsThread ams_this_thread() {
    AmsThread th;
    th.entry = (int) (blockIdx.z * gridDim.y + blockIdx.y);
    th.block = (int) blockIdx.x;
    th.tx = (int) threadIdx.x;
    th.ty = (int) threadIdx.y;
    return th;
}

// Maps a thread to the quad (qx, qy) of an entry whose rect has quadsX x quadsY quads;
// false when the thread has no quad in it.
AMS_HD bool ams_quad(const AmsThread& th, int quadsX, int quadsY, int* qx, int* qy) {
    if (quadsX <= 0 || quadsY <= 0) {
        return false;
    }
    int blocksX = (quadsX + AMS_BLOCK - 1) / AMS_BLOCK;
    int blocksY = (quadsY + AMS_BLOCK - 1) / AMS_BLOCK;
    if (th.block >= blocksX * blocksY) {
        return false;
    }
    *qx = (th.block % blocksX) * AMS_BLOCK + th.tx;
    *qy = (th.block / blocksX) * AMS_BLOCK + th.ty;
    return *qx < quadsX && *qy < quadsY;
}

// ------------------------------------------------------------------------------------------
// Paint order within one launch. Blocks of one launch run in no defined order, so "draw the
// entries in order" is implemented as occlusion: the entries of one canvas (same dstY) are
// contiguous in the table and in paint order, and a quad of entry i is written only when no
// later entry of the same canvas covers that quad. Rects and quads are even-aligned in canvas
// coordinates, so a quad is either wholly inside a later rect or wholly outside it. The result
// equals painting the entries one after the other (background, pictures, borders, in z order),
// and each canvas pixel is written exactly once per launch.
// ------------------------------------------------------------------------------------------
AMS_HD bool ams_covered_later(const AmsTile* tiles, int count, int i,
                                                  uint64_t canvas, int px, int py) {
    for (int k = i + 1; k < count; k++) {
        const AmsTile& t = tiles[k];
        if (t.dstY != canvas) {
            break; // the next canvas starts: nothing later paints over this one
        }
        if (px >= t.dstX && px < t.dstX + t.dstW && py >= t.dstYPos && py < t.dstYPos + t.dstH) {
            return true;
        }
    }
    return false;
}

// Bilinear sample of one channel of a plane of w x h samples whose sample (c, r) is at
// base + r * pitch + c * step. (fx, fy) is the position in sample units (centre of sample
// (c, r) at (c, r)), clamped to the plane so edge samples repeat instead of reading outside.
AMS_HD uint8_t ams_bilinear(const uint8_t* base, int pitch, int step,
                                                int w, int h, float fx, float fy) {
    fx = fminf(fmaxf(fx, 0.0f), (float) (w - 1));
    fy = fminf(fmaxf(fy, 0.0f), (float) (h - 1));
    int x0 = (int) fx;
    int y0 = (int) fy;
    int x1 = ams_min(x0 + 1, w - 1);
    int y1 = ams_min(y0 + 1, h - 1);
    float ax = fx - (float) x0;
    float ay = fy - (float) y0;
    const uint8_t* r0 = base + (size_t) y0 * pitch;
    const uint8_t* r1 = base + (size_t) y1 * pitch;
    float top = (float) r0[x0 * step] + ((float) r0[x1 * step] - (float) r0[x0 * step]) * ax;
    float bottom = (float) r1[x0 * step] + ((float) r1[x1 * step] - (float) r1[x0 * step]) * ax;
    return (uint8_t) (top + (bottom - top) * ay + 0.5f);
}

// Area (box) sample of one channel: the exact mean of the source samples under the footprint of
// destination sample (dx, dy) when a plane of w x h samples is scaled to dw x dh. In units of
// 1/dw source samples the footprint spans [dx * w, (dx + 1) * w) and source column c spans
// [c * dw, (c + 1) * dw); a column's weight is the length of their overlap (rows likewise), so
// every source sample under the footprint counts, partial edge samples by the part covered,
// and the weights add up to w * h. Integer arithmetic: exact and reproducible.
AMS_HD uint8_t ams_box(const uint8_t* base, int pitch, int step,
                                           int w, int h, int dw, int dh, int dx, int dy) {
    long long fx0 = (long long) dx * w;
    long long fx1 = fx0 + w;
    long long fy0 = (long long) dy * h;
    long long fy1 = fy0 + h;
    int c0 = (int) (fx0 / dw);
    int c1 = ams_min(w - 1, (int) ((fx1 - 1) / dw));
    int r0 = (int) (fy0 / dh);
    int r1 = ams_min(h - 1, (int) ((fy1 - 1) / dh));
    unsigned long long sum = 0;
    for (int r = r0; r <= r1; r++) {
        long long wy = ams_minl(fy1, (long long) (r + 1) * dh) - ams_maxl(fy0, (long long) r * dh);
        const uint8_t* row = base + (size_t) r * pitch;
        unsigned long long rowSum = 0;
        for (int c = c0; c <= c1; c++) {
            long long wx = ams_minl(fx1, (long long) (c + 1) * dw) - ams_maxl(fx0, (long long) c * dw);
            rowSum += (unsigned long long) row[c * step] * (unsigned long long) wx;
        }
        sum += rowSum * (unsigned long long) wy;
    }
    unsigned long long total = (unsigned long long) w * (unsigned long long) h;
    return (uint8_t) ((sum + total / 2) / total);
}

// Destination sample (dx, dy) of a dw x dh rect drawn from a plane of w x h samples.
AMS_HD uint8_t ams_sample(const uint8_t* base, int pitch, int step, int w, int h,
                                              int dw, int dh, int dx, int dy, bool box) {
    if (box) {
        return ams_box(base, pitch, step, w, h, dw, dh, dx, dy);
    }
    // centre of destination sample dx maps to (dx + 0.5) * w / dw in source units, whose sample
    // c has its centre at c + 0.5: hence the -0.5
    float fx = ((float) dx + 0.5f) * (float) w / (float) dw - 0.5f;
    float fy = ((float) dy + 0.5f) * (float) h / (float) dh - 0.5f;
    return ams_bilinear(base, pitch, step, w, h, fx, fy);
}

// One thread = one 2x2 luma quad of an entry's rect and the UV pair above it:
//   luma pixels (dstX + 2qx + i, dstYPos + 2qy + j), i, j in {0, 1}, at dstY + row * dstPitch + col;
//   the UV pair (dstX / 2 + qx, dstYPos / 2 + qy) at dstUV + row * dstPitch + 2 * col (U, then V).
// Every pixel of the rect is written (by this entry, or by a later entry covering it).
AMS_HD void ams_composite_thread(const AmsTile* tiles, int count, const AmsThread& th) {
    int i = th.entry;
    if (i >= count) {
        return;
    }
    const AmsTile t = tiles[i];
    int qx;
    int qy;
    if (!ams_quad(th, t.dstW / 2, t.dstH / 2, &qx, &qy)) {
        return;
    }
    int px = t.dstX + 2 * qx; // canvas position of the quad's top-left luma pixel
    int py = t.dstYPos + 2 * qy;
    if (ams_covered_later(tiles, count, i, t.dstY, px, py)) {
        return;
    }
    uint8_t* y0 = (uint8_t*) t.dstY + (size_t) py * t.dstPitch + px;
    uint8_t* y1 = y0 + t.dstPitch;
    uint8_t* uv = (uint8_t*) t.dstUV + (size_t) (py / 2) * t.dstPitch + px; // 2 * (px / 2) == px

    if (t.srcY == 0) { // fill-only entry: background, placeholder, border strip
        y0[0] = t.y;
        y0[1] = t.y;
        y1[0] = t.y;
        y1[1] = t.y;
        uv[0] = t.u;
        uv[1] = t.v;
        return;
    }

    const uint8_t* sy = (const uint8_t*) t.srcY;
    const uint8_t* suv = (const uint8_t*) t.srcUV;
    bool box = t.filter == 1;
    int lx = 2 * qx; // quad's position inside the destination rect, luma samples
    int ly = 2 * qy;
    y0[0] = ams_sample(sy, t.srcPitch, 1, t.srcW, t.srcH, t.dstW, t.dstH, lx, ly, box);
    y0[1] = ams_sample(sy, t.srcPitch, 1, t.srcW, t.srcH, t.dstW, t.dstH, lx + 1, ly, box);
    y1[0] = ams_sample(sy, t.srcPitch, 1, t.srcW, t.srcH, t.dstW, t.dstH, lx, ly + 1, box);
    y1[1] = ams_sample(sy, t.srcPitch, 1, t.srcW, t.srcH, t.dstW, t.dstH, lx + 1, ly + 1, box);
    // chroma: a (srcW/2 x srcH/2) plane of pairs scaled to (dstW/2 x dstH/2); this thread's pair
    // is (qx, qy); U at byte 2c, V at byte 2c + 1 (step 2)
    int cw = t.srcW / 2;
    int ch = t.srcH / 2;
    int dcw = t.dstW / 2;
    int dch = t.dstH / 2;
    uv[0] = ams_sample(suv, t.srcPitch, 2, cw, ch, dcw, dch, qx, qy, box);
    uv[1] = ams_sample(suv + 1, t.srcPitch, 2, cw, ch, dcw, dch, qx, qy, box);
}

// CanvasPainter.blendAt: v moved toward target by a/255, rounded half away from v.
AMS_HD uint8_t ams_blend(uint8_t v, int target, int a) {
    int cur = v;
    return (uint8_t) (cur + ((target - cur) * a + (target >= cur ? 127 : -127)) / 255);
}

// One thread = one 2x2 quad of the mask (mask pixels (2qx + i, 2qy + j)) and the UV pair under it.
AMS_HD void ams_blend_masks_thread(const AmsMask* masks, int count, const AmsThread& th) {
    int i = th.entry;
    if (i >= count) {
        return;
    }
    const AmsMask m = masks[i];
    int qx;
    int qy;
    if (!ams_quad(th, (m.w + 1) / 2, (m.h + 1) / 2, &qx, &qy)) {
        return;
    }
    const uint8_t* alpha = (const uint8_t*) m.alpha;
    int mx = 2 * qx; // quad's top-left in mask pixels
    int my = 2 * qy;
    int a[2][2] = {{0, 0}, {0, 0}}; // a[j][i]: coverage of mask pixel (mx + i, my + j), 0 outside
    for (int j = 0; j < 2; j++) {
        if (my + j >= m.h) {
            continue;
        }
        const uint8_t* row = alpha + (size_t) (my + j) * m.alphaPitch;
        uint8_t* dst = (uint8_t*) m.dstY + (size_t) (m.yPos + my + j) * m.dstPitch + m.x + mx;
        for (int k = 0; k < 2; k++) {
            if (mx + k < m.w) {
                a[j][k] = row[mx + k];
                if (a[j][k] != 0) {
                    dst[k] = ams_blend(dst[k], m.y, a[j][k]);
                }
            }
        }
    }
    if (mx + 1 < m.w && my + 1 < m.h) { // chroma only for whole 2x2 blocks, as on the CPU
        int ca = (a[0][0] + a[0][1] + a[1][0] + a[1][1] + 2) / 4;
        if (ca != 0) {
            uint8_t* uv = (uint8_t*) m.dstUV + (size_t) ((m.yPos + my) / 2) * m.dstPitch + m.x + mx;
            uv[0] = ams_blend(uv[0], m.u, ca);
            uv[1] = ams_blend(uv[1], m.v, ca);
        }
    }
}

// The kernels. Launch: block (16, 16, 1), grid as described above (KernelAbi.blocks / gridY / gridZ, TileTable.gridX).
extern "C" __global__ void __launch_bounds__(AMS_BLOCK * AMS_BLOCK)
ams_composite(const AmsTile* tiles, int count) {
    ams_composite_thread(tiles, count, ams_this_thread());
}

extern "C" __global__ void __launch_bounds__(AMS_BLOCK * AMS_BLOCK)
ams_blend_masks(const AmsMask* masks, int count) {
    ams_blend_masks_thread(masks, count, ams_this_thread());
}
