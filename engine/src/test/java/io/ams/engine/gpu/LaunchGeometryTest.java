package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** Grid of the composite and mask launches, and the mask entry layout, from the tables alone. */
class LaunchGeometryTest {
    private static ByteBuffer tiles(int... sizes) {
        ByteBuffer b = ByteBuffer.allocateDirect(sizes.length / 2 * KernelAbiStandIn.TILE_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sizes.length / 2; i++) {
            b.putShort(i * KernelAbiStandIn.TILE_BYTES + KernelAbiStandIn.TILE_DST_W, (short) sizes[2 * i]);
            b.putShort(i * KernelAbiStandIn.TILE_BYTES + KernelAbiStandIn.TILE_DST_H, (short) sizes[2 * i + 1]);
        }
        return b;
    }

    @Test
    void gridXCoversTheLargestTileAndYSelectsTheTile() {
        // 1280x720: 640x360 quads -> 40 x 23 blocks of 16x16
        assertThat(CudaCompositor.grid(tiles(1280, 720, 320, 180, 2, 2), 3)).containsExactly(40 * 23, 3, 1);
        assertThat(CudaCompositor.blocksFor(32, 32)).isEqualTo(1);
        assertThat(CudaCompositor.blocksFor(34, 32)).isEqualTo(2);
        assertThat(CudaCompositor.blocksFor(0, 0)).isEqualTo(1);
    }

    @Test
    void manyTilesSpillIntoGridZ() {
        int n = CudaCompositor.MAX_GRID_Y + 5;
        ByteBuffer b = ByteBuffer.allocateDirect(n * KernelAbiStandIn.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(CudaCompositor.grid(b, n)).containsExactly(1, CudaCompositor.MAX_GRID_Y, 2);
    }

    @Test
    void gridReadsFromTheBufferPosition() {
        ByteBuffer b = tiles(64, 64, 640, 360);
        b.position(KernelAbiStandIn.TILE_BYTES);
        assertThat(CudaCompositor.grid(b, 1)).containsExactly(CudaCompositor.blocksFor(640, 360), 1, 1);
    }

    @Test
    void maskEntryPointsAtTheLabelsTopLeft() {
        ByteBuffer t = ByteBuffer.allocateDirect(2 * KernelAbiStandIn.MASK_BYTES);
        t.position(KernelAbiStandIn.MASK_BYTES);
        LabelMaskCache.writeEntry(t, new LabelMaskCache.DeviceMask(0x7000_0000L, 90, 20), 0x1000_0000L, 0x2000_0000L,
                1536, 100, 40);
        assertThat(t.position()).isEqualTo(2 * KernelAbiStandIn.MASK_BYTES);
        t.order(ByteOrder.LITTLE_ENDIAN);
        int at = KernelAbiStandIn.MASK_BYTES;
        assertThat(t.getLong(at + KernelAbiStandIn.MASK_ALPHA)).isEqualTo(0x7000_0000L);
        assertThat(t.getLong(at + KernelAbiStandIn.MASK_DST_Y)).isEqualTo(0x1000_0000L + 40 * 1536 + 100);
        assertThat(t.getLong(at + KernelAbiStandIn.MASK_DST_UV)).isEqualTo(0x2000_0000L + 20 * 1536 + 100);
        assertThat(t.getInt(at + KernelAbiStandIn.MASK_DST_PITCH)).isEqualTo(1536);
        assertThat(t.getShort(at + KernelAbiStandIn.MASK_W)).isEqualTo((short) 90);
        assertThat(t.getShort(at + KernelAbiStandIn.MASK_H)).isEqualTo((short) 20);
        t.position(at);
        assertThat(CudaCompositor.maskGrid(t, 1)).containsExactly(CudaCompositor.blocksFor(90, 20), 1, 1);
    }
}
