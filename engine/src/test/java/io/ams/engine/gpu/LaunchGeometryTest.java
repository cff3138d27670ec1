package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** Grid of the composite and mask launches, and the mask entry layout, from the tables alone. */
class LaunchGeometryTest {
    private static ByteBuffer tiles(int... sizes) {
        ByteBuffer b = ByteBuffer.allocateDirect(sizes.length / 2 * KernelAbi.TILE_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < sizes.length / 2; i++) {
            b.putShort(i * KernelAbi.TILE_BYTES + KernelAbi.DST_W_OFFSET, (short) sizes[2 * i]);
            b.putShort(i * KernelAbi.TILE_BYTES + KernelAbi.DST_H_OFFSET, (short) sizes[2 * i + 1]);
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
        ByteBuffer b = ByteBuffer.allocateDirect(n * KernelAbi.TILE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(CudaCompositor.grid(b, n)).containsExactly(1, CudaCompositor.MAX_GRID_Y, 2);
    }

    @Test
    void gridReadsFromTheBufferPosition() {
        ByteBuffer b = tiles(64, 64, 640, 360);
        b.position(KernelAbi.TILE_BYTES);
        assertThat(CudaCompositor.grid(b, 1)).containsExactly(CudaCompositor.blocksFor(640, 360), 1, 1);
    }

    @Test
    void maskEntryPlacesTheLabelAtItsTopLeft() {
        ByteBuffer t = ByteBuffer.allocateDirect(2 * KernelAbi.MASK_BYTES);
        t.position(KernelAbi.MASK_BYTES);
        LabelMaskCache.writeEntry(t, new LabelMaskCache.DeviceMask(0x7000_0000L, 90, 20), 0x1000_0000L, 0x2000_0000L,
                1536, 100, 40);
        assertThat(t.position()).isEqualTo(2 * KernelAbi.MASK_BYTES);
        t.order(ByteOrder.LITTLE_ENDIAN);
        int at = KernelAbi.MASK_BYTES;
        assertThat(t.getLong(at + KernelAbi.MASK_ALPHA_OFFSET)).isEqualTo(0x7000_0000L);
        assertThat(t.getLong(at + KernelAbi.MASK_DST_Y_OFFSET)).isEqualTo(0x1000_0000L);
        assertThat(t.getShort(at + KernelAbi.MASK_X_OFFSET)).isEqualTo((short) 100);
        assertThat(t.getShort(at + KernelAbi.MASK_Y_POS_OFFSET)).isEqualTo((short) 40);
        assertThat(t.getInt(at + KernelAbi.MASK_ALPHA_PITCH_OFFSET)).isEqualTo(90);
        assertThat(t.getLong(at + KernelAbi.MASK_DST_UV_OFFSET)).isEqualTo(0x2000_0000L);
        assertThat(t.getInt(at + KernelAbi.MASK_DST_PITCH_OFFSET)).isEqualTo(1536);
        assertThat(t.getShort(at + KernelAbi.MASK_W_OFFSET)).isEqualTo((short) 90);
        assertThat(t.getShort(at + KernelAbi.MASK_H_OFFSET)).isEqualTo((short) 20);
        t.position(at);
        assertThat(CudaCompositor.maskGrid(t, 1)).containsExactly(CudaCompositor.blocksFor(90, 20), 1, 1);
    }
}
