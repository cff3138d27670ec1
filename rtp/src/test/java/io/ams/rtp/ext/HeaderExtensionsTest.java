package io.ams.rtp.ext;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderExtensionsTest {
    private static final String RTP = "906F0001 00000002 00000003";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void oneByteFormFindsAudioLevelAndTransportSeq() throws Exception {
        // id 1 len 1: V=1 level 42; a padding byte; id 3 len 2: 0x1234; padding; then payload CAFE
        byte[] p = hex(RTP + " BEDE0002 10AA 00 311234 0000 CAFE");
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(p, 0, p.length)).isTrue();
        assertThat(ext.twoByte()).isFalse();
        int al = AudioLevel.read(ext, 1);
        assertThat(AudioLevel.voice(al)).isTrue();
        assertThat(AudioLevel.level(al)).isEqualTo(42);
        assertThat(TransportSequenceNumber.read(ext, 3)).isEqualTo(0x1234);
        assertThat(TransportSequenceNumber.read(ext, 4)).isEqualTo(TransportSequenceNumber.ABSENT);
        assertThat(HeaderExtensions.findElement(p, 0, p.length, 3)).isEqualTo(new HeaderExtensions.Element(3, 20, 2));
        assertThat(RtpPacket.parse(p, 0, p.length).payloadOffset()).isEqualTo(p.length - 2);
    }

    @Test
    void twoByteFormWithZeroLengthElement() throws Exception {
        byte[] p = hex(RTP + " 10010003 0101AA 03021234 1400 00 00000000");
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(p, 0, p.length)).isTrue();
        assertThat(ext.twoByte()).isTrue();
        assertThat(AudioLevel.read(ext, 1)).isEqualTo(0xAA);
        assertThat(TransportSequenceNumber.read(ext, 3)).isEqualTo(0x1234);
        assertThat(ext.find(20)).isTrue();
        assertThat(ext.valueLength()).isZero();
        int[] ids = new int[4];
        int n = 0;
        ext.wrap(p, 0, p.length);
        while (ext.next()) {
            ids[n++] = ext.id();
        }
        assertThat(n).isEqualTo(3);
        assertThat(ids).startsWith(1, 3, 20);
    }

    @Test
    void id15StopsOneByteParsing() throws Exception {
        byte[] p = hex(RTP + " BEDE0001 F0 311234");
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(p, 0, p.length)).isTrue();
        assertThat(ext.find(3)).isFalse();
    }

    @Test
    void noExtensionOrOtherProfileFindsNothing() throws Exception {
        HeaderExtensions ext = new HeaderExtensions();
        byte[] plain = hex("806F0001 00000002 00000003 CAFE");
        assertThat(ext.wrap(plain, 0, plain.length)).isFalse();
        assertThat(ext.find(1)).isFalse();
        byte[] other = hex(RTP + " ABCD0001 10AA0000");
        assertThat(ext.wrap(other, 0, other.length)).isFalse();
    }

    @Test
    void replaceAndStripInPlace() throws Exception {
        byte[] p = hex(RTP + " BEDE0002 10AA 00 311234 0000 CAFE");
        HeaderExtensions ext = new HeaderExtensions();
        ext.wrap(p, 0, p.length);
        assertThat(TransportSequenceNumber.write(ext, 3, 0xFFFF + 2)).isTrue();
        assertThat(p).isEqualTo(hex(RTP + " BEDE0002 10AA 00 310001 0000 CAFE"));
        assertThat(ext.replace(1, new byte[]{0x05})).isTrue();
        assertThat(ext.replace(1, new byte[]{1, 2})).isFalse();
        assertThat(ext.strip(1)).isTrue();
        assertThat(p).isEqualTo(hex(RTP + " BEDE0002 0000 00 310001 0000 CAFE"));
        assertThat(AudioLevel.read(ext, 1)).isEqualTo(AudioLevel.ABSENT);
        assertThat(TransportSequenceNumber.read(ext, 3)).isEqualTo(1);
        assertThat(RtpPacket.parse(p, 0, p.length).payloadLength()).isEqualTo(2);
    }

    @Test
    void writeBlockPicksTheForm() throws Exception {
        byte[] dst = new byte[32];
        int n = HeaderExtensions.writeBlock(dst, 0, new int[]{1, 3}, new byte[][]{{(byte) 0xAA}, {0x12, 0x34}});
        assertThat(HexFormat.of().formatHex(dst, 0, n)).isEqualTo("bede000210aa311234000000");
        n = HeaderExtensions.writeBlock(dst, 0, new int[]{20}, new byte[][]{{7}});
        assertThat(HexFormat.of().formatHex(dst, 0, n)).isEqualTo("1000000114010700");
        assertThat(AudioLevel.encode(true, 200)).isEqualTo(0xFF);
        assertThat(AudioLevel.encode(false, 30)).isEqualTo(30);
    }

    @Test
    void malformedBlocksThrowRtpFormatException() {
        HeaderExtensions ext = new HeaderExtensions();
        String[] bad = {
                "906F0001 00000002 00000003 BEDE00", // truncated extension header
                "906F0001 00000002 00000003 BEDE0002 10AA0000", // block longer than packet
                "906F0001 00000002 00000003 BEDE0001 3F000000", // id 3 with 16 bytes in a 4-byte block
                "906F0001 00000002 00000003 10000001 01050000", // two-byte element of 5 bytes in 4
                "906F", "406F0001 00000002 00000003",
        };
        for (String s : bad) {
            byte[] p = hex(s);
            assertThatThrownBy(() -> {
                if (ext.wrap(p, 0, p.length)) {
                    while (ext.next()) {
                        // drain
                    }
                }
            }).as(s).isInstanceOf(RtpFormatException.class);
        }
    }
}
