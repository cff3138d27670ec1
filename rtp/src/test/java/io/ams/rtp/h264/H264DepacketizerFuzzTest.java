package io.ams.rtp.h264;

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
 * and the H.264 depacketizer (single NAL units, STAP-A, FU-A, access unit assembly, SPS/PPS
 * handling). Regression inputs and seeds (real OpenH264 access units, packetized): {@code
 * src/test/resources/io/ams/rtp/h264/H264DepacketizerFuzzTestInputs/packetStream/}.
 */
class H264DepacketizerFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void packetStream(byte[] input) {
        new FrameAssemblyHarness(new H264Depacketizer(), VideoCodec.H264).run(input);
    }

    /** The seeds are what they claim: every frame of them comes out whole (written by {@code FuzzSeeds}). */
    @ParameterizedTest
    @ValueSource(strings = {"seed-openh264-64x48-fu-a", "seed-openh264-64x48-stap-a"})
    void seedsAssembleEveryFrame(String seed) throws IOException {
        byte[] input;
        try (InputStream in = getClass().getResourceAsStream(getClass().getSimpleName() + "Inputs/packetStream/" + seed)) {
            assertThat(in).as(seed).isNotNull();
            input = in.readAllBytes();
        }
        assertThat(new FrameAssemblyHarness(new H264Depacketizer(), VideoCodec.H264).run(input)).isEqualTo(4);
    }
}
