// Host-side self test of ams_kernels.cu: runs the kernels' per-thread code on the CPU, thread by
// thread (no GPU needed), and checks the pixels against references written independently here.
// Entries are run last-to-first, so the test also shows that the result does not depend on the
// order in which the GPU runs the blocks of one launch.
//
// Built and run by native/build-kernels.sh: nvcc -std=c++17 -o ams_selftest ams_selftest.cu
// Exit status 0 = every check passed.

#include "../../main/cuda/ams_kernels.cu"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

static int failures = 0;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            if (failures <= 20) {                                          \
                fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);       \
                fprintf(stderr, __VA_ARGS__);                              \
                fprintf(stderr, "\n");                                     \
            }                                                              \
        }                                                                  \
    } while (0)

// An NV12 picture in host memory, both planes with one pitch.
struct Nv12 {
    int w, h, pitch;
    std::vector<uint8_t> y, uv;
    Nv12(int w_, int h_, int pitch_, uint8_t fill) : w(w_), h(h_), pitch(pitch_),
            y((size_t) pitch_ * h_, fill), uv((size_t) pitch_ * (h_ / 2), fill) {}
    uint8_t& Y(int x, int r) { return y[(size_t) r * pitch + x]; }
    uint8_t& U(int c, int r) { return uv[(size_t) r * pitch + 2 * c]; }
    uint8_t& V(int c, int r) { return uv[(size_t) r * pitch + 2 * c + 1]; }
};

static uint32_t rng = 12345;
static uint8_t rnd() {
    rng = rng * 1664525u + 1013904223u;
    return (uint8_t) (rng >> 24);
}

static void randomize(Nv12& p) {
    for (auto& b : p.y) b = rnd();
    for (auto& b : p.uv) b = rnd();
}

static AmsTile fillTile(Nv12& canvas, int x, int y, int w, int h, uint8_t cy, uint8_t cu, uint8_t cv) {
    AmsTile t;
    memset(&t, 0, sizeof t);
    t.dstY = (uint64_t) canvas.y.data();
    t.dstUV = (uint64_t) canvas.uv.data();
    t.dstPitch = canvas.pitch;
    t.dstX = (int16_t) x;
    t.dstYPos = (int16_t) y;
    t.dstW = (int16_t) w;
    t.dstH = (int16_t) h;
    t.y = cy;
    t.u = cu;
    t.v = cv;
    return t;
}

static AmsTile pictureTile(Nv12& canvas, Nv12& src, int cropX, int cropY, int cropW, int cropH,
                           int x, int y, int w, int h, int filter) {
    AmsTile t = fillTile(canvas, x, y, w, h, 0, 0, 0);
    t.srcY = (uint64_t) (src.y.data() + (size_t) cropY * src.pitch + cropX);
    t.srcUV = (uint64_t) (src.uv.data() + (size_t) (cropY / 2) * src.pitch + cropX);
    t.srcPitch = src.pitch;
    t.srcW = cropW;
    t.srcH = cropH;
    t.filter = (uint8_t) filter;
    return t;
}

static int blocksOf(int w, int h) {
    int qx = (w + 1) / 2, qy = (h + 1) / 2;
    return ((qx + AMS_BLOCK - 1) / AMS_BLOCK) * ((qy + AMS_BLOCK - 1) / AMS_BLOCK);
}

// Emulated launch of ams_composite: grid.x = largest block count, entries last to first.
static void runComposite(const std::vector<AmsTile>& tiles) {
    int gridX = 0;
    for (const AmsTile& t : tiles) gridX = ams_max(gridX, blocksOf(t.dstW, t.dstH));
    for (int e = (int) tiles.size() - 1; e >= 0; e--)
        for (int b = 0; b < gridX; b++)
            for (int ty = 0; ty < AMS_BLOCK; ty++)
                for (int tx = 0; tx < AMS_BLOCK; tx++) {
                    AmsThread th = {e, b, tx, ty};
                    ams_composite_thread(tiles.data(), (int) tiles.size(), th);
                }
}

static void runMasks(const std::vector<AmsMask>& masks) {
    int gridX = 0;
    for (const AmsMask& m : masks) gridX = ams_max(gridX, blocksOf(m.w, m.h));
    for (int e = (int) masks.size() - 1; e >= 0; e--)
        for (int b = 0; b < gridX; b++)
            for (int ty = 0; ty < AMS_BLOCK; ty++)
                for (int tx = 0; tx < AMS_BLOCK; tx++) {
                    AmsThread th = {e, b, tx, ty};
                    ams_blend_masks_thread(masks.data(), (int) masks.size(), th);
                }
}

// Fill tiles painted in order, the obvious way: the reference for the occlusion rule.
static void paintFills(Nv12& c, const std::vector<AmsTile>& tiles) {
    for (const AmsTile& t : tiles) {
        if (t.dstY != (uint64_t) c.y.data()) continue;
        for (int r = t.dstYPos; r < t.dstYPos + t.dstH; r++)
            for (int x = t.dstX; x < t.dstX + t.dstW; x++) c.Y(x, r) = t.y;
        for (int r = t.dstYPos / 2; r < (t.dstYPos + t.dstH) / 2; r++)
            for (int x = t.dstX / 2; x < (t.dstX + t.dstW) / 2; x++) {
                c.U(x, r) = t.u;
                c.V(x, r) = t.v;
            }
    }
}

// Fill entries of two canvases, overlapping, odd quad counts (34x18 = 17x9 quads), run last to
// first: equals painting in order; padding right of the canvas width untouched.
static void testFillsAndOcclusion() {
    Nv12 a(100, 60, 128, 0x11), b(64, 32, 64, 0x22);
    Nv12 refA(100, 60, 128, 0x11), refB(64, 32, 64, 0x22);
    std::vector<AmsTile> tiles = {
        fillTile(a, 0, 0, 100, 60, 16, 128, 128),   // background
        fillTile(a, 10, 10, 34, 18, 200, 50, 60),   // a tile
        fillTile(a, 30, 20, 40, 30, 90, 100, 110),  // overlapping, higher z
        fillTile(a, 10, 10, 34, 2, 210, 16, 146),   // border strips of the first tile
        fillTile(a, 10, 26, 34, 2, 210, 16, 146),
        fillTile(a, 10, 12, 2, 14, 210, 16, 146),
        fillTile(a, 42, 12, 2, 14, 210, 16, 146),
        fillTile(b, 0, 0, 64, 32, 235, 128, 128),   // second canvas: background
        fillTile(b, 2, 2, 10, 10, 81, 90, 240),
    };
    // retarget the reference copies
    std::vector<AmsTile> refTiles = tiles;
    for (AmsTile& t : refTiles) {
        bool onA = t.dstY == (uint64_t) a.y.data();
        t.dstY = (uint64_t) (onA ? refA.y.data() : refB.y.data());
    }
    paintFills(refA, refTiles);
    paintFills(refB, refTiles);
    runComposite(tiles);
    CHECK(a.y == refA.y && a.uv == refA.uv, "canvas A differs from painting the fills in order");
    CHECK(b.y == refB.y && b.uv == refB.uv, "canvas B differs from painting the fills in order");
    CHECK(a.Y(100, 0) == 0x11 && a.Y(127, 59) == 0x11 && a.U(50, 29) == 0x11, "padding written");
    CHECK(a.Y(43, 27) == 210 && a.Y(44, 27) == 90 && a.Y(9, 27) == 16, "edges of a 34-wide rect (17 quads)");
}

// Exact area average in double: the reference for the box filter.
static double areaMean(const uint8_t* base, int pitch, int step, int w, int h, int dw, int dh, int dx, int dy) {
    double x0 = (double) dx * w / dw, x1 = (double) (dx + 1) * w / dw;
    double y0 = (double) dy * h / dh, y1 = (double) (dy + 1) * h / dh;
    double sum = 0, total = 0;
    for (int r = (int) floor(y0); r < (int) ceil(y1) && r < h; r++) {
        double wy = fmin(y1, r + 1) - fmax(y0, r);
        for (int c = (int) floor(x0); c < (int) ceil(x1) && c < w; c++) {
            double wx = fmin(x1, c + 1) - fmax(x0, c);
            sum += wx * wy * base[(size_t) r * pitch + (size_t) c * step];
            total += wx * wy;
        }
    }
    return sum / total;
}

// 1280x720 noise into 320x180 (4x) and 300x170 (non-integer): every destination sample is the
// mean of its whole footprint (within rounding), luma and both chroma channels.
static void testBoxDownscale(int dw, int dh) {
    Nv12 src(1280, 720, 1280, 0);
    randomize(src);
    Nv12 canvas(dw + 20, dh + 10, dw + 20, 0);
    std::vector<AmsTile> tiles = {pictureTile(canvas, src, 0, 0, 1280, 720, 10, 6, dw, dh, 1)};
    runComposite(tiles);
    double worst = 0;
    for (int r = 0; r < dh; r++)
        for (int x = 0; x < dw; x++) {
            double want = areaMean(src.y.data(), src.pitch, 1, 1280, 720, dw, dh, x, r);
            worst = fmax(worst, fabs(canvas.Y(10 + x, 6 + r) - want));
        }
    for (int r = 0; r < dh / 2; r++)
        for (int c = 0; c < dw / 2; c++) {
            double wu = areaMean(src.uv.data(), src.pitch, 2, 640, 360, dw / 2, dh / 2, c, r);
            double wv = areaMean(src.uv.data() + 1, src.pitch, 2, 640, 360, dw / 2, dh / 2, c, r);
            worst = fmax(worst, fabs(canvas.U(5 + c, 3 + r) - wu));
            worst = fmax(worst, fabs(canvas.V(5 + c, 3 + r) - wv));
        }
    CHECK(worst <= 0.5 + 1e-9, "box %dx%d: worst difference from the area mean %.3f", dw, dh, worst);
    // noise (standard deviation 74) averaged over 16+ samples varies about 4x less; point
    // sampling (aliasing) would keep most of it
    double sum = 0, sq = 0;
    for (int r = 0; r < dh; r++)
        for (int x = 0; x < dw; x++) {
            double v = canvas.Y(10 + x, 6 + r);
            sum += v;
            sq += v * v;
        }
    double n = (double) dw * dh, sd = sqrt(sq / n - (sum / n) * (sum / n));
    CHECK(sd < 25, "box %dx%d: output standard deviation %.1f, expected about 18 (aliasing?)", dw, dh, sd);
}

// Same size, bilinear: a copy, bit for bit; the crop offset in the addresses is honoured.
static void testBilinearIdentityAndCrop() {
    Nv12 src(1280, 720, 1408, 0);
    randomize(src);
    Nv12 canvas(720, 720, 768, 0);
    // crop x 280..999 (even offset), all rows, drawn 720x720 at (0, 0): a copy of the crop
    std::vector<AmsTile> tiles = {pictureTile(canvas, src, 280, 0, 720, 720, 0, 0, 720, 720, 0)};
    runComposite(tiles);
    int bad = 0;
    for (int r = 0; r < 720; r++)
        for (int x = 0; x < 720; x++) bad += canvas.Y(x, r) != src.Y(280 + x, r);
    for (int r = 0; r < 360; r++)
        for (int c = 0; c < 360; c++)
            bad += canvas.U(c, r) != src.U(140 + c, r) || canvas.V(c, r) != src.V(140 + c, r);
    CHECK(bad == 0, "bilinear 1:1 with crop: %d samples differ from the source", bad);
}

// Upscaling a 4x4 picture 4x: edges clamp (corner samples equal the source corners) and no
// sample outside the picture (a guard of 255 around a picture of values <= 100) is read.
static void testBilinearClamp() {
    Nv12 src(8, 8, 16, 255); // the picture is the 4x4 at (2, 2); all else is guard
    for (int r = 0; r < 4; r++)
        for (int x = 0; x < 4; x++) src.Y(2 + x, 2 + r) = (uint8_t) (10 + 20 * x + 5 * r);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++) {
            src.U(1 + c, 1 + r) = (uint8_t) (40 + 30 * c);
            src.V(1 + c, 1 + r) = (uint8_t) (60 + 10 * r);
        }
    Nv12 canvas(16, 16, 16, 0);
    std::vector<AmsTile> tiles = {pictureTile(canvas, src, 2, 2, 4, 4, 0, 0, 16, 16, 0)};
    runComposite(tiles);
    int maxSeen = 0;
    for (int r = 0; r < 16; r++)
        for (int x = 0; x < 16; x++) maxSeen = ams_max(maxSeen, canvas.Y(x, r));
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) maxSeen = ams_max(maxSeen, ams_max(canvas.U(c, r), canvas.V(c, r)));
    CHECK(maxSeen <= 100, "upscale read outside the picture (saw %d)", maxSeen);
    CHECK(canvas.Y(0, 0) == 10 && canvas.Y(15, 15) == 10 + 60 + 15, "corners %d %d", canvas.Y(0, 0), canvas.Y(15, 15));
    CHECK(canvas.U(0, 0) == 40 && canvas.U(7, 0) == 70 && canvas.V(0, 7) == 70, "chroma corners");
}

// CanvasPainter.blendAt, written the Java way.
static int blendRef(int v, int target, int a) {
    return v + ((target - v) * a + (target >= v ? 127 : -127)) / 255;
}

// A 7x5 mask (odd sizes: the last column/row has luma only) blended at (4, 2); a second mask
// elsewhere in the same launch. Compared with CanvasPainter.blendMask's arithmetic.
static void testMasks() {
    Nv12 canvas(32, 16, 32, 0);
    randomize(canvas);
    Nv12 before = canvas;
    const int mw = 7, mh = 5, apitch = 9;
    std::vector<uint8_t> alpha(apitch * mh);
    for (auto& b : alpha) b = rnd();
    alpha[0] = 0;
    alpha[1] = 255;
    AmsMask m;
    memset(&m, 0, sizeof m);
    m.alpha = (uint64_t) alpha.data();
    m.dstY = (uint64_t) canvas.y.data();
    m.dstUV = (uint64_t) canvas.uv.data();
    m.dstPitch = canvas.pitch;
    m.alphaPitch = apitch;
    m.x = 4;
    m.yPos = 2;
    m.w = mw;
    m.h = mh;
    m.y = 235;
    m.u = 128;
    m.v = 128;
    AmsMask m2 = m;
    m2.x = 20;
    m2.yPos = 8;
    m2.w = 4;
    m2.h = 4;
    m2.y = 16;
    m2.u = 200;
    m2.v = 30;
    runMasks({m, m2});
    Nv12 ref = before;
    for (const AmsMask& k : {m, m2}) {
        auto A = [&](int i, int j) { return (int) alpha[j * apitch + i]; };
        for (int j = 0; j < k.h; j++)
            for (int i = 0; i < k.w; i++)
                if (A(i, j) != 0) ref.Y(k.x + i, k.yPos + j) = (uint8_t) blendRef(ref.Y(k.x + i, k.yPos + j), k.y, A(i, j));
        for (int j = 0; j < k.h / 2; j++)
            for (int i = 0; i < k.w / 2; i++) {
                int a = (A(2 * i, 2 * j) + A(2 * i + 1, 2 * j) + A(2 * i, 2 * j + 1) + A(2 * i + 1, 2 * j + 1) + 2) / 4;
                if (a != 0) {
                    int c = k.x / 2 + i, r = k.yPos / 2 + j;
                    ref.U(c, r) = (uint8_t) blendRef(ref.U(c, r), k.u, a);
                    ref.V(c, r) = (uint8_t) blendRef(ref.V(c, r), k.v, a);
                }
            }
    }
    CHECK(canvas.y == ref.y, "mask luma differs from CanvasPainter.blendMask");
    CHECK(canvas.uv == ref.uv, "mask chroma differs from CanvasPainter.blendMask");
    CHECK(canvas.Y(4, 2) == before.Y(4, 2) && canvas.Y(5, 2) == 235, "alpha 0 keeps, 255 replaces");
}

int main() {
    testFillsAndOcclusion();
    testBoxDownscale(320, 180);
    testBoxDownscale(300, 170);
    testBilinearIdentityAndCrop();
    testBilinearClamp();
    testMasks();
    if (failures != 0) {
        fprintf(stderr, "ams_selftest: %d check(s) failed\n", failures);
        return 1;
    }
    printf("ams_selftest: all checks passed (fills and paint order, box 4x and 4.27x, bilinear 1:1 with crop, edge clamp, masks)\n");
    return 0;
}
