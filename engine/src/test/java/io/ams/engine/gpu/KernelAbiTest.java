package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The Java constants and the CUDA structs agree: nvcc checks each field's offset against a number
 * ({@code static_assert(offsetof(AmsTile, srcW) == 36, "KernelAbi.SRC_W_OFFSET")}), this test checks
 * that every such number is the KernelAbi constant named next to it, and that every offset
 * constant of KernelAbi has its static_assert.
 */
class KernelAbiTest {
    private static final Path SOURCE = Path.of("..", "native", "src", "main", "cuda", "ams_kernels.cu");
    private static final Pattern ASSERT = Pattern.compile(
            "static_assert\\((?:offsetof\\(\\w+, \\w+\\)|sizeof\\(\\w+\\)) == (\\d+), \"KernelAbi\\.(\\w+)\"\\)");

    @Test
    void everyStaticAssertOfTheKernelsMatchesItsKernelAbiConstant() throws Exception {
        Map<String, Integer> asserted = staticAsserts();
        assertThat(asserted).as("static_asserts in " + SOURCE).hasSizeGreaterThanOrEqualTo(33);
        for (Map.Entry<String, Integer> e : asserted.entrySet()) {
            int value = KernelAbi.class.getField(e.getKey()).getInt(null);
            assertThat(value).as("KernelAbi." + e.getKey()).isEqualTo(e.getValue());
        }
        for (var f : KernelAbi.class.getFields()) {
            if (f.getName().endsWith("_OFFSET") || f.getName().endsWith("_BYTES")) {
                assertThat(asserted).as("a static_assert for KernelAbi." + f.getName() + " in the .cu file")
                        .containsKey(f.getName());
            }
        }
    }

    @Test
    void blockSizeAndKernelNamesAreTheOnesInTheSource() throws IOException {
        String src = Files.readString(SOURCE);
        assertThat(src).contains("#define AMS_BLOCK " + KernelAbi.BLOCK_SIZE + " ");
        assertThat(src).contains("extern \"C\" __global__ void __launch_bounds__(AMS_BLOCK * AMS_BLOCK)\n"
                + KernelAbi.COMPOSITE_KERNEL + "(const AmsTile* tiles, int count)");
        assertThat(src).contains(KernelAbi.BLEND_MASKS_KERNEL + "(const AmsMask* masks, int count)");
    }

    @Test
    void launchGeometryCoversEveryQuad() {
        // 1280x720: 640x360 quads = 40 x 23 blocks of 16x16
        assertThat(KernelAbi.blocks(1280, 720)).isEqualTo(40 * 23);
        // 34x18: 17x9 quads: 2 x 1 blocks; an odd width 7: 4 quads, 1 block
        assertThat(KernelAbi.blocks(34, 18)).isEqualTo(2);
        assertThat(KernelAbi.blocks(7, 5)).isEqualTo(1);
        assertThat(KernelAbi.gridY(9)).isEqualTo(9);
        assertThat(KernelAbi.gridZ(9)).isEqualTo(1);
        assertThat(KernelAbi.gridY(70_000)).isEqualTo(65_535);
        assertThat(KernelAbi.gridZ(70_000)).isEqualTo(2);
        assertThat((long) KernelAbi.gridY(70_000) * KernelAbi.gridZ(70_000)).isGreaterThanOrEqualTo(70_000);
    }

    private static Map<String, Integer> staticAsserts() throws IOException {
        Matcher m = ASSERT.matcher(Files.readString(SOURCE));
        Map<String, Integer> out = new HashMap<>();
        while (m.find()) {
            out.put(m.group(2), Integer.parseInt(m.group(1)));
        }
        return out;
    }
}
