package io.ams.rtp.rtcp;

import io.ams.rtp.RtpFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Random and mutated datagrams: the parser returns packets or throws RtpFormatException, nothing else. */
class RtcpFuzzTest {

    @Test
    @Timeout(120) // guards against an endless loop, not a performance check
    void randomAndMutatedInputOnlyYieldsPacketsOrRtpFormatException() {
        byte[][] seeds = {
                RtcpWriter.compound(RtcpWriter.senderReport(1, 2, 3, 4, 5,
                        List.of(new RtcpPacket.ReportBlock(1, 2, 3, 4, 5, 6, 7))), RtcpWriter.sdesCname(1, "cname")),
                RtcpWriter.nack(1, 2, new int[]{1, 2, 40, 41, 900}),
                RtcpWriter.remb(1, 2_000_000, 3, 4),
                RtcpWriter.compound(RtcpWriter.pli(1, 2), RtcpWriter.fir(1, 2, 3), RtcpWriter.bye("gone", 1, 2)),
                RtcpWriter.transportCc(1, 2, 65530, 100, 1, new int[]{1, RtcpWriter.NOT_RECEIVED, 500, -3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 16),
        };
        Random r = new Random(7);
        int ok = 0;
        int rejected = 0;
        for (int iter = 0; iter < 200_000; iter++) {
            byte[] b;
            if (iter % 4 == 0) {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
                if (b.length > 1) {
                    b[0] = (byte) (0x80 | (b[0] & 0x3F));
                    b[1] = (byte) (200 + r.nextInt(8));
                }
            } else {
                byte[] seed = seeds[r.nextInt(seeds.length)];
                int len = r.nextInt(4) == 0 ? r.nextInt(seed.length + 1) : seed.length;
                b = java.util.Arrays.copyOf(seed, len);
                int flips = 1 + r.nextInt(4);
                for (int k = 0; k < flips && len > 0; k++) {
                    b[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            try {
                List<RtcpPacket> list = RtcpParser.parse(b, 0, b.length);
                assertThat(list).isNotEmpty();
                ok++;
            } catch (RtpFormatException e) {
                rejected++;
            }
        }
        assertThat(ok).isPositive();
        assertThat(rejected).isPositive();
    }
}
