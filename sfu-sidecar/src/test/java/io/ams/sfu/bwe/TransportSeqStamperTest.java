package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.AudioLevel;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.ext.TransportSequenceNumber;
import io.ams.sfu.transport.RtpSendHook;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransportSeqStamperTest {
    private static final int ID = 3;

    private final SendHistory history = new SendHistory();
    private final TransportSeqStamper stamper = new TransportSeqStamper(history);

    private static byte[] rtp(int csrcs, byte[] extBlock, byte[] payload, int padding) {
        int len = 12 + 4 * csrcs + (extBlock == null ? 0 : extBlock.length) + payload.length + padding;
        byte[] b = new byte[len];
        b[0] = (byte) (0x80 | csrcs | (extBlock != null ? 0x10 : 0) | (padding > 0 ? 0x20 : 0));
        b[1] = (byte) 0xE0; // marker, PT 96
        b[2] = 0x12;
        b[3] = 0x34;
        b[8] = 0x11;
        b[11] = 0x22;
        for (int i = 0; i < 4 * csrcs; i++) {
            b[12 + i] = (byte) (0x50 + i);
        }
        int at = 12 + 4 * csrcs;
        if (extBlock != null) {
            System.arraycopy(extBlock, 0, b, at, extBlock.length);
            at += extBlock.length;
        }
        System.arraycopy(payload, 0, b, at, payload.length);
        if (padding > 0) {
            b[len - 1] = (byte) padding;
        }
        return b;
    }

    private static byte[] block(int[] ids, byte[][] values) {
        byte[] tmp = new byte[256];
        int n = HeaderExtensions.writeBlock(tmp, 0, ids, values);
        return Arrays.copyOf(tmp, n);
    }

    private int stamp(byte[] in, byte[] out) {
        return stamper.rewrite(in, 0, in.length, out, 5_000_000L);
    }

    private static int seqOf(byte[] p, int n) throws Exception {
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(p, 0, n)).isTrue();
        return TransportSequenceNumber.read(ext, ID);
    }

    private static void samePayload(byte[] in, byte[] out, int n) throws Exception {
        RtpPacket a = RtpPacket.parse(in, 0, in.length);
        RtpPacket b = RtpPacket.parse(out, 0, n);
        assertThat(Arrays.copyOfRange(out, b.payloadOffset(), b.payloadOffset() + b.payloadLength()))
                .isEqualTo(Arrays.copyOfRange(in, a.payloadOffset(), a.payloadOffset() + a.payloadLength()));
        assertThat(b.sequenceNumber()).isEqualTo(a.sequenceNumber());
        assertThat(b.ssrc()).isEqualTo(a.ssrc());
        assertThat(b.marker()).isEqualTo(a.marker());
        assertThat(Arrays.copyOfRange(out, 12, 12 + 4 * (in[0] & 0x0F))).isEqualTo(Arrays.copyOfRange(in, 12, 12 + 4 * (in[0] & 0x0F)));
    }

    @Test
    void disabledUntilTheExtensionIsNegotiated() {
        byte[] in = rtp(0, null, new byte[] {1, 2, 3}, 0);
        assertThat(stamp(in, new byte[64])).isEqualTo(-1);
        assertThat(history.newest()).isZero();
    }

    @Test
    void addsAnExtensionBlockToAPacketWithoutOne() throws Exception {
        stamper.setExtensionId(ID);
        byte[] in = rtp(2, null, new byte[] {9, 8, 7, 6, 5}, 3);
        byte[] out = new byte[in.length + RtpSendHook.MAX_GROWTH];
        int n = stamp(in, out);
        assertThat(n).isEqualTo(in.length + 8);
        assertThat(seqOf(out, n)).isEqualTo(1);
        samePayload(in, out, n);
        assertThat(out[n - 1]).as("RTP padding kept at the end").isEqualTo((byte) 3);
        int n2 = stamp(in, out);
        assertThat(seqOf(out, n2)).isEqualTo(2);
        assertThat(history.newest()).isEqualTo(2);
    }

    @Test
    void overwritesTheSendersTransportSeqInPlace() throws Exception {
        stamper.setExtensionId(ID);
        byte[] in = rtp(0, block(new int[] {1, ID}, new byte[][] {{(byte) 0x85}, {(byte) 0xAB, (byte) 0xCD}}),
                new byte[] {1, 2, 3, 4}, 0);
        byte[] before = in.clone();
        byte[] out = new byte[in.length + RtpSendHook.MAX_GROWTH];
        int n = stamp(in, out);
        assertThat(n).isEqualTo(in.length);
        assertThat(seqOf(out, n)).isEqualTo(1).isNotEqualTo(0xABCD);
        assertThat(in).as("the caller's buffer is not modified").isEqualTo(before);
        HeaderExtensions ext = new HeaderExtensions();
        ext.wrap(out, 0, n);
        assertThat(AudioLevel.read(ext, 1)).as("other elements kept").isEqualTo(0x85);
        samePayload(in, out, n);
    }

    @Test
    void addsOurElementToAnotherExtensionBlock() throws Exception {
        stamper.setExtensionId(ID);
        byte[] in = rtp(1, block(new int[] {1}, new byte[][] {{(byte) 0x90}}), new byte[] {4, 4, 4}, 0);
        byte[] out = new byte[in.length + RtpSendHook.MAX_GROWTH];
        int n = stamp(in, out);
        assertThat(n).isEqualTo(in.length + 4);
        assertThat(seqOf(out, n)).isEqualTo(1);
        HeaderExtensions ext = new HeaderExtensions();
        ext.wrap(out, 0, n);
        assertThat(AudioLevel.read(ext, 1)).isEqualTo(0x90);
        samePayload(in, out, n);
    }

    @Test
    void replacesAnElementOfTheWrongLengthAndAnUnknownProfile() throws Exception {
        stamper.setExtensionId(ID);
        byte[] wrongLength = rtp(0, block(new int[] {ID}, new byte[][] {{1, 2, 3, 4}}), new byte[] {7}, 0);
        byte[] out = new byte[64];
        int n = stamp(wrongLength, out);
        assertThat(seqOf(out, n)).isEqualTo(1);
        samePayload(wrongLength, out, n);
        byte[] unknown = rtp(0, new byte[] {0x12, 0x34, 0, 1, 9, 9, 9, 9}, new byte[] {7}, 0);
        n = stamp(unknown, out);
        assertThat(seqOf(out, n)).isEqualTo(2);
        samePayload(unknown, out, n);
    }

    @Test
    void twoByteFormForLargeIds() throws Exception {
        TransportSeqStamper s = new TransportSeqStamper(history);
        s.setExtensionId(20);
        byte[] in = rtp(0, null, new byte[] {1}, 0);
        byte[] out = new byte[64];
        int n = s.rewrite(in, 0, in.length, out, 0);
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(out, 0, n)).isTrue();
        assertThat(ext.twoByte()).isTrue();
        assertThat(TransportSequenceNumber.read(ext, 20)).isEqualTo(1);
    }

    @Test
    void leavesWhatIsNotRtpAlone() {
        stamper.setExtensionId(ID);
        assertThat(stamp(new byte[5], new byte[64])).isEqualTo(-1);
        byte[] truncatedExt = rtp(0, new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 9}, new byte[0], 0);
        assertThat(stamp(truncatedExt, new byte[64])).isEqualTo(-1);
        assertThat(stamper.unstamped()).isEqualTo(2);
        assertThat(history.newest()).as("no number used").isZero();
    }

    @Test
    void sequenceNumbersWrapOnTheWire() throws Exception {
        stamper.setExtensionId(ID);
        byte[] in = rtp(0, null, new byte[] {1}, 0);
        byte[] out = new byte[64];
        int n = 0;
        for (int i = 0; i < 65537; i++) {
            n = stamp(in, out);
        }
        assertThat(seqOf(out, n)).isEqualTo(1);
        assertThat(history.unwrap(1)).isEqualTo(65537);
    }
}
