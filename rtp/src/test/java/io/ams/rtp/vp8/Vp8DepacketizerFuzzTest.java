package io.ams.rtp.vp8;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.testing.FrameAssemblyHarness;
import io.ams.rtp.testing.PacketRecords;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (Jazzer): a stream of datagrams ({@link PacketRecords}) through the reorder buffer
 * and the VP8 depacketizer (payload descriptor, frame assembly, reference tracking across loss).
 * Regression inputs and seeds (real libvpx frames, packetized): {@code
 * src/test/resources/io/ams/rtp/vp8/Vp8DepacketizerFuzzTestInputs/packetStream/}.
 */
class Vp8DepacketizerFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void packetStream(byte[] input) {
        new FrameAssemblyHarness(new Vp8Depacketizer(), VideoCodec.VP8).run(input);
    }

    /** The seeds are what they claim: every frame of them comes out whole (written by {@code FuzzSeeds}). */
    @ParameterizedTest
    @ValueSource(strings = {"seed-libvpx-64x48-small-packets", "seed-libvpx-64x48-temporal-layers"})
    void seedsAssembleEveryFrame(String seed) throws IOException {
        byte[] input;
        try (InputStream in = getClass().getResourceAsStream(getClass().getSimpleName() + "Inputs/packetStream/" + seed)) {
            assertThat(in).as(seed).isNotNull();
            input = in.readAllBytes();
        }
        assertThat(new FrameAssemblyHarness(new Vp8Depacketizer(), VideoCodec.VP8).run(input)).isEqualTo(4);
    }
}
