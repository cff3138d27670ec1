package io.ams.engine.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "The kernels compile": where nvcc is on the PATH the build of native/ must have put a fatbin
 * on the class path with SASS for every architecture we run on, PTX for compute_90 and both
 * kernels. Needs no GPU (runs on CI); skipped with a printed reason where nvcc is absent.
 */
class KernelBuildTest {
    /** fatBinaryHeader.magic. */
    private static final int FATBIN_MAGIC = 0xBA55ED50;
    private static final int KIND_PTX = 1;
    private static final int KIND_ELF = 2;

    private byte[] fatbin;

    /** Per test, so that each one is reported as skipped where nvcc is missing. */
    @BeforeEach
    void requireNvccAndReadTheFatbin() throws IOException {
        Optional<Path> nvcc = onPath("nvcc");
        if (nvcc.isEmpty()) {
            String reason = "nvcc not on the PATH: the GPU kernels were not built, nothing to check";
            System.out.println("KernelBuildTest skipped: " + reason);
            Assumptions.abort(reason);
        }
        try (InputStream in = KernelBuildTest.class.getResourceAsStream(KernelAbi.FATBIN_RESOURCE)) {
            assertThat(in).as("class-path resource %s (nvcc is at %s, so native/ must have built it)",
                    KernelAbi.FATBIN_RESOURCE, nvcc.get()).isNotNull();
            fatbin = in.readAllBytes();
        }
    }

    @Test
    void fatbinHoldsSassForEveryArchitectureAndPtxForCompute90() {
        assertThat(fatbin).isNotEmpty();
        List<Image> images = images(fatbin);
        TreeSet<Integer> elf = new TreeSet<>();
        TreeSet<Integer> ptx = new TreeSet<>();
        for (Image i : images) {
            (i.kind() == KIND_ELF ? elf : ptx).add(i.arch());
        }
        System.out.println("fatbin " + fatbin.length + " bytes: ELF " + elf.stream().map(a -> "sm_" + a).toList()
                + ", PTX " + ptx.stream().map(a -> "compute_" + a).toList());
        assertThat(elf).containsAll(KernelAbi.SASS_ARCHS);
        assertThat(ptx).contains(KernelAbi.PTX_ARCH);
    }

    @Test
    void everyElfImageHoldsBothKernels() {
        for (Image i : images(fatbin)) {
            if (i.kind() != KIND_ELF) {
                continue;
            }
            String payload = new String(i.payload(), StandardCharsets.ISO_8859_1);
            assertThat(payload).as("sm_%d image", i.arch())
                    .contains(KernelAbi.COMPOSITE_KERNEL).contains(KernelAbi.BLEND_MASKS_KERNEL);
        }
    }

    @Test
    void cuobjdumpListsTheSameImages() throws Exception {
        Optional<Path> cuobjdump = onPath("cuobjdump");
        if (cuobjdump.isEmpty()) {
            System.out.println("cuobjdump not on the PATH: fatbin contents checked from its header only");
            Assumptions.abort("cuobjdump not on the PATH");
        }
        Path file = Files.createTempFile("ams_kernels", ".fatbin");
        try {
            Files.write(file, fatbin);
            String elf = run(cuobjdump.get().toString(), "--list-elf", file.toString());
            String ptx = run(cuobjdump.get().toString(), "--list-ptx", file.toString());
            System.out.print(elf + ptx);
            for (int arch : KernelAbi.SASS_ARCHS) {
                assertThat(elf).contains("sm_" + arch);
            }
            assertThat(ptx).contains("sm_" + KernelAbi.PTX_ARCH);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One image of a fatbin: kind (1 PTX, 2 ELF), architecture (e.g. 90) and payload bytes. */
    private record Image(int kind, int arch, byte[] payload) {
    }

    /**
     * Walks the fatbin container: a 16-byte header (u32 magic 0xBA55ED50, u16 version, u16
     * header size, u64 size of what follows), then images, each a header (u16 kind, u16 version,
     * u32 header size, u64 padded payload size, ..., u32 architecture at offset 28) and its payload.
     */
    private static List<Image> images(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).as("fatbin magic").isEqualTo(FATBIN_MAGIC);
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long end = headerSize + b.getLong(8);
        assertThat(end).as("fatbin size in its header").isLessThanOrEqualTo(bytes.length);
        List<Image> out = new ArrayList<>();
        long at = headerSize;
        while (at < end) {
            int p = Math.toIntExact(at);
            int kind = Short.toUnsignedInt(b.getShort(p));
            int imageHeader = b.getInt(p + 4);
            long payloadSize = b.getLong(p + 8);
            int arch = b.getInt(p + 28);
            assertThat(kind).as("image kind at %d", p).isIn(KIND_PTX, KIND_ELF);
            byte[] payload = new byte[Math.toIntExact(payloadSize)];
            b.get(p + imageHeader, payload);
            out.add(new Image(kind, arch, payload));
            at += imageHeader + payloadSize;
        }
        return out;
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
