package io.ams.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.ext.HeaderExtensions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (Jazzer): any datagram parses into a packet whose payload lies inside the datagram,
 * or raises {@link RtpFormatException}; nothing else. The header extension cursor agrees: a block
 * that {@link RtpPacket#parse} accepted never makes {@link HeaderExtensions#wrap} throw.
 * Regression inputs: {@code src/test/resources/io/ams/rtp/RtpPacketFuzzTestInputs/datagram/}.
 */
class RtpPacketFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void datagram(byte[] data) throws RtpFormatException {
        check(data, 0, data.length);
        if (data.length > 2) {
            check(data, 1, data.length - 2); // a packet inside a larger buffer
        }
        RtpPacket.looksLikeRtp(data, 0, data.length);
    }

    private static void check(byte[] data, int off, int len) throws RtpFormatException {
        RtpPacket p;
        try {
            p = RtpPacket.parse(data, off, len, 1L);
        } catch (RtpFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(p.offset()).isEqualTo(off);
        assertThat(p.length()).isEqualTo(len);
        assertThat(p.payloadOffset()).isGreaterThanOrEqualTo(off + RtpPacket.HEADER_SIZE);
        assertThat(p.payloadLength()).isNotNegative();
        assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(off + len);
        assertThat(p.sequenceNumber()).isBetween(0, 0xFFFF);
        assertThat(p.payloadType()).isBetween(0, 127);
        assertThat(p.ssrc()).isBetween(0L, 0xFFFFFFFFL);
        assertThat(p.timestamp()).isBetween(0L, 0xFFFFFFFFL);
        HeaderExtensions ext = new HeaderExtensions();
        ext.wrap(data, off, len); // throws RtpFormatException only if the two parsers disagree
    }
}
