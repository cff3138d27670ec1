package io.ams.rtp.ext;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated packets: the cursor yields elements inside the block or throws RtpFormatException, nothing else.
 * {@link #packet} is the Jazzer fuzz target (regression inputs in
 * {@code src/test/resources/io/ams/rtp/ext/HeaderExtensionsFuzzTestInputs/packet/}); the
 * random-mutation test below stays as a cheap smoke test.
 */
class HeaderExtensionsFuzzTest {

    /**
     * Every element lies inside the packet and the walk ends; the readers the media path uses
     * (audio level, transport-wide sequence number, rid/mid strings) answer a value or ABSENT; a
     * stripped element is gone and the block still walks; a rewritten sequence number reads back.
     */
    @FuzzTest(maxDuration = "30s")
    void packet(byte[] data) throws RtpFormatException {
        byte[] p = data.clone();
        HeaderExtensions ext = new HeaderExtensions();
        boolean wrapped;
        try {
            wrapped = ext.wrap(p, 0, p.length);
        } catch (RtpFormatException e) {
            return;
        }
        if (!wrapped) {
            assertThat(ext.next()).isFalse();
            return;
        }
        int firstId = -1;
        try {
            int guard = 0;
            while (ext.next()) {
                assertThat(ext.id()).isBetween(1, 255);
                assertThat(ext.valueOffset()).isBetween(RtpPacket.HEADER_SIZE, p.length);
                assertThat(ext.valueOffset() + ext.valueLength()).isLessThanOrEqualTo(p.length);
                assertThat(++guard).isLessThanOrEqualTo(p.length);
                if (firstId < 0) {
                    firstId = ext.id();
                }
            }
        } catch (RtpFormatException e) {
            return; // a bad element: the media path drops the packet
        }
        for (int id = 1; id <= 15; id++) {
            assertThat(AudioLevel.read(ext, id)).isBetween(AudioLevel.ABSENT, 255);
            int seq = TransportSequenceNumber.read(ext, id);
            assertThat(seq).isBetween(TransportSequenceNumber.ABSENT, 0xFFFF);
            if (seq >= 0) {
                assertThat(TransportSequenceNumber.write(ext, id, seq ^ 0x5A5A)).isTrue();
                assertThat(TransportSequenceNumber.read(ext, id)).isEqualTo(seq ^ 0x5A5A);
            }
            if (ext.find(id) && ext.valueLength() > 0 && ext.valueLength() <= 16) { // rid / mid, as the SFU reads them
                assertThat(new String(ext.buffer(), ext.valueOffset(), ext.valueLength(), StandardCharsets.US_ASCII)).isNotNull();
            }
        }
        if (firstId > 0 && ext.strip(firstId)) {
            HeaderExtensions.Element again = HeaderExtensions.findElement(p, 0, p.length, firstId);
            if (again != null) { // a later element with the same id may remain; the stripped one may not
                assertThat(again.valueOffset()).isGreaterThan(ext.valueOffset());
            }
        }
    }

    @Test
    @Timeout(120) // guards against an endless loop, not a performance check
    void mutatedPacketsOnlyYieldValidElementsOrRtpFormatException() {
        byte[][] seeds = {
                HexFormat.of().parseHex("906F000100000002000000 03BEDE000210AA00311234 0000CAFE".replace(" ", "")),
                HexFormat.of().parseHex("906F000100000002000000 031001000301 01AA0302 1234140000 00000000".replace(" ", "")),
                HexFormat.of().parseHex("916F0001000000020000000300000009BEDE0001 10AA0000 01".replace(" ", "")),
        };
        Random r = new Random(11);
        HeaderExtensions ext = new HeaderExtensions();
        int elements = 0;
        int rejected = 0;
        for (int iter = 0; iter < 200_000; iter++) {
            byte[] seed = seeds[r.nextInt(seeds.length)];
            byte[] p = Arrays.copyOf(seed, r.nextInt(5) == 0 ? r.nextInt(seed.length + 1) : seed.length);
            for (int k = 0, flips = 1 + r.nextInt(3); k < flips && p.length > 0; k++) {
                p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
            }
            try {
                if (ext.wrap(p, 0, p.length)) {
                    int guard = 0;
                    while (ext.next()) {
                        assertThat(ext.valueOffset()).isBetween(12, p.length);
                        assertThat(ext.valueOffset() + ext.valueLength()).isLessThanOrEqualTo(p.length);
                        assertThat(++guard).isLessThan(p.length);
                        elements++;
                    }
                    AudioLevel.read(ext, 1);
                    TransportSequenceNumber.read(ext, 3);
                }
            } catch (RtpFormatException e) {
                rejected++;
            }
        }
        assertThat(elements).isPositive();
        assertThat(rejected).isPositive();
    }
}
