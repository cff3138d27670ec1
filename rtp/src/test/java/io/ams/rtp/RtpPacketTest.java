package io.ams.rtp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpPacketTest {

    private static byte[] header(int b0, int b1) {
        byte[] h = new byte[12];
        RtpHeaderWriter.write(h, 0, (b1 & 0x80) != 0, b1 & 0x7F, 0xBEEF, 0xF0000001L, 0xCAFEBABEL);
        h[0] = (byte) b0;
        return h;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void parsesAPlainPacketWrittenByTheHeaderWriter() throws Exception {
        byte[] buf = new byte[5 + 12 + 3];
        assertThat(RtpHeaderWriter.write(buf, 5, true, 96, 0xFFFF, 0xFFFFFFFFL, 0x80000000L)).isEqualTo(12);
        buf[17] = 1;
        buf[18] = 2;
        buf[19] = 3;
        RtpPacket p = RtpPacket.parse(buf, 5, 15, 42L);
        assertThat(p.version()).isEqualTo(2);
        assertThat(p.marker()).isTrue();
        assertThat(p.payloadType()).isEqualTo(96);
        assertThat(p.sequenceNumber()).isEqualTo(65535);
        assertThat(p.timestamp()).isEqualTo(0xFFFFFFFFL);
        assertThat(p.ssrc()).isEqualTo(0x80000000L);
        assertThat(p.buffer()).isSameAs(buf);
        assertThat(p.offset()).isEqualTo(5);
        assertThat(p.length()).isEqualTo(15);
        assertThat(p.payloadOffset()).isEqualTo(17);
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(p.receivedNanos()).isEqualTo(42L);
        assertThat(Arrays.copyOfRange(buf, 0, 5)).containsOnly(0);
    }

    @Test
    void skipsCsrcsAndHeaderExtensionsAndStripsPadding() throws Exception {
        // 2 CSRCs, a one-byte-profile extension of 2 words, payload "abc", 4 bytes of padding
        byte[] h = header(0x80 | 0x20 | 0x10 | 2, 100);
        byte[] csrcs = {0, 0, 0, 1, 0, 0, 0, 2};
        byte[] ext = {(byte) 0xBE, (byte) 0xDE, 0, 2, 0x10, 0x55, 0x22, 1, 2, 3, 0, 0};
        byte[] payload = {'a', 'b', 'c'};
        byte[] padding = {0, 0, 0, 4};
        byte[] buf = concat(h, csrcs, ext, payload, padding);
        RtpPacket p = RtpPacket.parse(buf, 0, buf.length);
        assertThat(p.payloadOffset()).isEqualTo(12 + 8 + 12);
        assertThat(p.payloadLength()).isEqualTo(3);
        assertThat(Arrays.copyOfRange(buf, p.payloadOffset(), p.payloadOffset() + p.payloadLength())).containsExactly('a', 'b', 'c');
        assertThat(p.sequenceNumber()).isEqualTo(0xBEEF);
        assertThat(p.timestamp()).isEqualTo(0xF0000001L);
        assertThat(p.ssrc()).isEqualTo(0xCAFEBABEL);
        assertThat(p.marker()).isFalse();
        assertThat(p.payloadType()).isEqualTo(100);
    }

    @Test
    void twoByteExtensionProfileAndPaddingOnlyPacket() throws Exception {
        byte[] ext = {0x10, 0x00, 0, 1, 1, 2, 9, 9};
        byte[] buf = concat(header(0x80 | 0x20 | 0x10, 96), ext, new byte[] {0, 0, 3});
        RtpPacket p = RtpPacket.parse(buf, 0, buf.length);
        assertThat(p.payloadOffset()).isEqualTo(20);
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void malformedPacketsAreRejectedWithAReason() {
        assertReason(new byte[7], "truncated header: 7 bytes");
        assertReason(header(0x40, 96), "bad version 1");
        assertReason(header(0x00, 96), "bad version 0");
        assertReason(concat(header(0x83, 96), new byte[8]), "truncated CSRC list: 3 CSRCs need 24 bytes, have 20");
        assertReason(concat(header(0x90, 96), new byte[] {(byte) 0xBE, (byte) 0xDE}), "truncated extension header at 12 of 14 bytes");
        assertReason(concat(header(0x90, 96), new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 3, 1, 2, 3, 4}),
                "extension of 3 words exceeds packet of 20 bytes");
        assertReason(concat(header(0xA0, 96), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, (byte) 200}), "padding 200 exceeds payload 10");
        assertReason(concat(header(0xA0, 96), new byte[] {1, 0}), "padding count 0");
        assertReason(header(0xA0, 96), "padding bit set but no payload");
    }

    @Test
    void rangeOutsideTheBufferIsAFormatErrorNotACrash() {
        byte[] buf = header(0x80, 96);
        assertThatThrownBy(() -> RtpPacket.parse(buf, 4, 12)).isInstanceOf(RtpFormatException.class).hasMessageContaining("outside buffer");
        assertThatThrownBy(() -> RtpPacket.parse(buf, -1, 12)).isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> RtpPacket.parse(null, 0, 12)).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void looksLikeRtpSeparatesRtpFromRtcpStunAndDtls() {
        assertThat(RtpPacket.looksLikeRtp(header(0x80, 96), 0, 12)).isTrue();
        assertThat(RtpPacket.looksLikeRtp(header(0x80, 0x80 | 96), 0, 12)).isTrue();
        byte[] rtcpSr = header(0x80, 0);
        rtcpSr[1] = (byte) 200;
        assertThat(RtpPacket.looksLikeRtp(rtcpSr, 0, 12)).isFalse();
        rtcpSr[1] = (byte) 204;
        assertThat(RtpPacket.looksLikeRtp(rtcpSr, 0, 12)).isFalse();
        rtcpSr[1] = (byte) 205; // RTPFB: also RTCP, but pt 77 is outside 72..76 (RFC 5761 only reserves 64-95 for muxing)
        assertThat(RtpPacket.looksLikeRtp(rtcpSr, 0, 12)).isTrue();
        assertThat(RtpPacket.looksLikeRtp(header(0x00, 96), 0, 12)).as("STUN").isFalse();
        assertThat(RtpPacket.looksLikeRtp(header(22, 96), 0, 12)).as("DTLS").isFalse();
        assertThat(RtpPacket.looksLikeRtp(header(0xC0, 96), 0, 12)).as("first byte 192").isFalse();
        assertThat(RtpPacket.looksLikeRtp(new byte[4], 0, 4)).isFalse();
    }

    @Test
    void randomAndTruncatedBytesNeverThrowAnythingButRtpFormatException() {
        Random random = new Random(1234);
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] buf = new byte[random.nextInt(64)];
            random.nextBytes(buf);
            if (buf.length > 0 && random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F)); // version 2 half of the time
            }
            int off = buf.length == 0 ? 0 : random.nextInt(buf.length);
            int len = buf.length - off - (buf.length - off == 0 ? 0 : random.nextInt(buf.length - off));
            try {
                RtpPacket p = RtpPacket.parse(buf, off, len);
                parsed++;
                assertThat(p.payloadOffset()).isBetween(off + 12, off + len);
                assertThat(p.payloadOffset() + p.payloadLength()).isLessThanOrEqualTo(off + len);
                assertThat(p.payloadLength()).isNotNegative();
            } catch (RtpFormatException e) {
                rejected++;
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(parsed).as("some random inputs are valid").isPositive();
        assertThat(rejected).isPositive();
    }

    private static void assertReason(byte[] buf, String reason) {
        assertThatThrownBy(() -> RtpPacket.parse(buf, 0, buf.length))
                .isInstanceOf(RtpFormatException.class)
                .hasMessage(reason);
    }
}
