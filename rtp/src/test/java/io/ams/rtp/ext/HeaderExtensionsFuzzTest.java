package io.ams.rtp.ext;

import io.ams.rtp.RtpFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Mutated packets: the cursor yields elements inside the block or throws RtpFormatException, nothing else. */
class HeaderExtensionsFuzzTest {

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
