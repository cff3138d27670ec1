package io.ams.sfu.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtxTest {
    private static final long RTX_SSRC = 0x11223344L;
    private static final long MEDIA_SSRC = 0xCAFEBABEL; // above 2^31: unsigned all the way
    private static final byte[] DATA = {(byte) 0x90, (byte) 0x80, 0x12, 0x34, 5, 6, 7, 8, 9, 10};

    /**
     * An RTX packet as Chrome sends it: PT 97, its own SSRC and sequence, a one-byte header extension
     * (repaired-rid "h"), the OSN and the original payload, optionally padding and CSRCs.
     */
    static byte[] rtx(boolean marker, int seq, long ts, int osn, byte[] data, int padding, long... csrcs) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80 | (padding > 0 ? 0x20 : 0) | 0x10 | csrcs.length);
        o.write((marker ? 0x80 : 0) | 97);
        o.write(seq >>> 8);
        o.write(seq);
        writeInt(o, ts);
        writeInt(o, RTX_SSRC);
        for (long c : csrcs) {
            writeInt(o, c);
        }
        o.writeBytes(new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 1, (byte) 0xB0, 'h', 0, 0}); // id 11, 1 byte
        if (osn >= 0) {
            o.write(osn >>> 8);
            o.write(osn);
        }
        o.writeBytes(data);
        for (int i = 1; i < padding; i++) {
            o.write(0);
        }
        if (padding > 0) {
            o.write(padding);
        }
        return o.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream o, long v) {
        o.write((int) (v >>> 24));
        o.write((int) (v >>> 16));
        o.write((int) (v >>> 8));
        o.write((int) v);
    }

    private static RtpPacket parse(byte[] b) throws Exception {
        return RtpPacket.parse(b, 0, b.length);
    }

    @Test
    void restoresTheOriginalPacket() throws Exception {
        RtpPacket in = parse(rtx(true, 7000, 0xF0000001L, 0xFFFE, DATA, 4));
        assertThat(in.payloadType()).isEqualTo(97);
        byte[] dst = new byte[1500];
        int n = Rtx.unwrap(in, MEDIA_SSRC, 96, dst);
        assertThat(n).isEqualTo(12 + DATA.length);

        RtpPacket out = RtpPacket.parse(dst, 0, n);
        assertThat(out.ssrc()).isEqualTo(MEDIA_SSRC);
        assertThat(out.payloadType()).isEqualTo(96);
        assertThat(out.marker()).isTrue();
        assertThat(out.sequenceNumber()).isEqualTo(0xFFFE);
        assertThat(out.timestamp()).isEqualTo(0xF0000001L);
        assertThat(dst[0] & 0x30).as("no padding, no extension bits").isZero();
        assertThat(dst[0] & 0xC0).as("version 2").isEqualTo(0x80);
        assertThat(out.payloadOffset()).isEqualTo(12);
        assertThat(Arrays.copyOfRange(dst, out.payloadOffset(), out.payloadOffset() + out.payloadLength())).isEqualTo(DATA);
    }

    @Test
    void markerClearStaysClear() throws Exception {
        byte[] dst = new byte[1500];
        int n = Rtx.unwrap(parse(rtx(false, 1, 2, 3, DATA, 0)), MEDIA_SSRC, 96, dst);
        RtpPacket out = RtpPacket.parse(dst, 0, n);
        assertThat(out.marker()).isFalse();
        assertThat(out.payloadType()).isEqualTo(96);
        assertThat(out.sequenceNumber()).isEqualTo(3);
    }

    @Test
    void keepsCsrcs() throws Exception {
        byte[] dst = new byte[1500];
        int n = Rtx.unwrap(parse(rtx(false, 1, 2, 3, DATA, 0, 0xA1A2A3A4L, 0xB1B2B3B4L)), MEDIA_SSRC, 96, dst);
        assertThat(n).isEqualTo(12 + 8 + DATA.length);
        RtpPacket out = RtpPacket.parse(dst, 0, n);
        assertThat(dst[0] & 0x0F).isEqualTo(2);
        assertThat(Arrays.copyOfRange(dst, 12, 20)).containsExactly(
                0xA1, 0xA2, 0xA3, 0xA4, 0xB1, 0xB2, 0xB3, 0xB4);
        assertThat(out.payloadLength()).isEqualTo(DATA.length);
        assertThat(Arrays.copyOfRange(dst, 20, n)).isEqualTo(DATA);
    }

    @Test
    void paddingOnlyRtxRestoresNothing() throws Exception {
        byte[] dst = new byte[1500];
        assertThat(Rtx.unwrap(parse(rtx(false, 1, 2, -1, new byte[0], 200)), MEDIA_SSRC, 96, dst)).isZero();
        assertThat(Rtx.unwrap(parse(rtx(false, 1, 2, 5, new byte[0], 0)), MEDIA_SSRC, 96, dst))
                .as("an OSN and no payload").isZero();
    }

    @Test
    void tooSmallDestinationIsMinusOne() throws Exception {
        RtpPacket in = parse(rtx(true, 7000, 1, 2, DATA, 4));
        assertThat(Rtx.unwrap(in, MEDIA_SSRC, 96, new byte[12 + DATA.length - 1])).isEqualTo(-1);
        assertThat(Rtx.unwrap(in, MEDIA_SSRC, 96, new byte[12 + DATA.length])).isEqualTo(12 + DATA.length);
    }
}
