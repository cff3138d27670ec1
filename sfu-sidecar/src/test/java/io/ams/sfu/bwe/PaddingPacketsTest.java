package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

class PaddingPacketsTest {
    @Test
    void aPaddingOnlyPacketParsesWithAnEmptyPayload() throws Exception {
        byte[] b = new byte[300];
        int n = PaddingPackets.write(b, 0xCAFEBABEL, 96, 65535, 0x12345678L, 255);
        RtpPacket p = RtpPacket.parse(b, 0, n);
        assertThat(n).isEqualTo(267);
        assertThat(p.payloadLength()).isZero();
        assertThat(p.ssrc()).isEqualTo(0xCAFEBABEL);
        assertThat(p.sequenceNumber()).isEqualTo(65535);
        assertThat(p.timestamp()).isEqualTo(0x12345678L);
        assertThat(p.marker()).isFalse();
    }
}
