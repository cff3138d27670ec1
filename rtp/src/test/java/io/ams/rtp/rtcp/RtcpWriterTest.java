package io.ams.rtp.rtcp;

import io.ams.rtp.RtpFormatException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RtcpWriterTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    @Test
    void pliIsTwelveBytesWithFmt1() {
        assertThat(RtcpWriter.pli(0x11223344L, 0xAABBCCDDL)).isEqualTo(hex("81CE0002 11223344 AABBCCDD"));
    }

    @Test
    void firCarriesMediaSsrcInFciAndZeroInHeader() {
        assertThat(RtcpWriter.fir(1, 0xCAFEBABEL, 7)).isEqualTo(hex("84CE0004 00000001 00000000 CAFEBABE 07000000"));
    }

    @Test
    void nackFor100_101_116IsOnePidBlpPair() {
        assertThat(RtcpWriter.nack(1, 2, new int[]{100, 101, 116}))
                .isEqualTo(hex("81CD0003 00000001 00000002 0064 8001"));
    }

    @Test
    void nackSplitsIntoPairsAndHandlesWrapAndDuplicates() {
        // 65535, 0 (= 65535+1), 15 (= +16) in the first pair; 17 (= +18) starts a second pair
        assertThat(RtcpWriter.nack(1, 2, new int[]{65535, 0, 15, 17, 0}))
                .isEqualTo(hex("81CD0004 00000001 00000002 FFFF 8001 0011 0000"));
    }

    @Test
    void rembEncodesMantissaAndExponent() {
        // 1,000,000 = 250,000 (0x3D090) << 2
        assertThat(RtcpWriter.remb(5, 1_000_000, 0x01020304L, 0x05060708L))
                .isEqualTo(hex("8FCE0006 00000005 00000000 52454D42 02 0BD090 01020304 05060708"));
    }

    @Test
    void receiverReportWithOneBlock() {
        var block = new RtcpPacket.ReportBlock(0x0A0B0C0DL, 25, -2, 0x00010005L, 77, 0x12345678L, 65536);
        assertThat(RtcpWriter.receiverReport(0x01020304L, List.of(block))).isEqualTo(hex(
                "81C90007 01020304 0A0B0C0D 19 FFFFFE 00010005 0000004D 12345678 00010000"));
    }

    @Test
    void senderReportWithoutBlocks() {
        assertThat(RtcpWriter.senderReport(0x01020304L, 0xE1E2E3E4_05060708L, 0x90000000L, 10, 1000, List.of()))
                .isEqualTo(hex("80C80006 01020304 E1E2E3E4 05060708 90000000 0000000A 000003E8"));
    }

    @Test
    void sdesCnameIsNullTerminatedAndPadded() {
        // 4 ssrc + 2 + 3 text + 1 null = 10 -> padded to 12
        assertThat(RtcpWriter.sdesCname(0x01020304L, "abc")).isEqualTo(hex("81CA0003 01020304 0103616263 00 0000"));
    }

    @Test
    void byeWithReason() {
        assertThat(RtcpWriter.bye("ok", 0x01020304L)).isEqualTo(hex("81CB0002 01020304 026F6B00"));
    }

    @Test
    void transportCcRunLengthWithPadding() {
        int[] deltas = {4, 8, 1};
        assertThat(RtcpWriter.transportCc(1, 2, 0xFFFE, 16, 7, deltas, 3))
                .isEqualTo(hex("AFCD0006 00000001 00000002 FFFE0003 00001007 2003 040801 000003"));
    }

    @Test
    void transportCcVectorsForMixedSymbols() throws Exception {
        int n = RtcpWriter.NOT_RECEIVED;
        // 1,0,1,1 -> one 1-bit vector chunk: 1 0 1 1 0... -> 0x8000 | 1011 << 10
        byte[] oneBit = RtcpWriter.transportCc(1, 2, 10, 0, 0, new int[]{1, n, 2, 3}, 4);
        assertThat(HEX.formatHex(oneBit, 20, 22)).isEqualTo("ac00");
        // 1, large(300), 0, large(-1) -> 2-bit vector: 01 10 00 10 00 00 00 -> 0xC000 | 0x1880
        byte[] twoBit = RtcpWriter.transportCc(1, 2, 10, 0, 0, new int[]{1, 300, n, -1}, 4);
        assertThat(HEX.formatHex(twoBit, 20, 22)).isEqualTo("d880");
        RtcpPacket.TransportCc p = (RtcpPacket.TransportCc) RtcpParser.parse(twoBit, 0, twoBit.length).get(0);
        assertThat(p.symbols()).containsExactly(1, 2, 0, 2);
        assertThat(p.deltaTicks()).containsExactly(1, 300, 0, -1);
    }

    @Test
    void transportCcRoundTripsRandomPatterns() throws Exception {
        Random r = new Random(42);
        for (int iter = 0; iter < 2000; iter++) {
            int count = 1 + r.nextInt(r.nextBoolean() ? 20 : 400);
            int[] deltas = new int[count];
            int style = r.nextInt(4);
            for (int i = 0; i < count; i++) {
                int roll = r.nextInt(100);
                if (style == 0 && i > 0) {
                    deltas[i] = deltas[i - 1]; // long runs
                } else if (roll < 15) {
                    deltas[i] = RtcpWriter.NOT_RECEIVED;
                } else if (roll < 90 || style == 1) {
                    deltas[i] = r.nextInt(256);
                } else {
                    deltas[i] = r.nextInt(65536) - 32768;
                }
            }
            int base = r.nextInt(65536);
            int ref = r.nextInt(1 << 24);
            byte[] pkt = RtcpWriter.transportCc(9, 8, base, ref, iter, deltas, count);
            assertThat(pkt.length % 4).isZero();
            List<RtcpPacket> parsed = RtcpParser.parse(pkt, 0, pkt.length);
            assertThat(parsed).hasSize(1);
            RtcpPacket.TransportCc t = (RtcpPacket.TransportCc) parsed.get(0);
            assertThat(t.baseSequence()).isEqualTo(base);
            assertThat(t.packetStatusCount()).isEqualTo(count);
            assertThat(t.referenceTime()).isEqualTo((ref << 8) >> 8);
            assertThat(t.feedbackPacketCount()).isEqualTo(iter & 0xFF);
            for (int i = 0; i < count; i++) {
                if (deltas[i] == RtcpWriter.NOT_RECEIVED) {
                    assertThat(t.received(i)).isFalse();
                } else {
                    assertThat(t.received(i)).isTrue();
                    assertThat(t.deltaTicks()[i]).as("delta %d of %d", i, count).isEqualTo(deltas[i]);
                }
            }
        }
    }

    @Test
    void compoundParsesBackInOrder() throws RtpFormatException {
        byte[] c = RtcpWriter.compound(RtcpWriter.receiverReport(1, List.of()), RtcpWriter.sdesCname(1, "x"),
                RtcpWriter.pli(1, 2), RtcpWriter.nack(1, 2, new int[]{5}), RtcpWriter.remb(1, 300_000, 2),
                RtcpWriter.fir(1, 2, 3), RtcpWriter.bye("", 1));
        List<RtcpPacket> list = RtcpParser.parse(c, 0, c.length);
        assertThat(list).containsExactly(
                new RtcpPacket.ReceiverReport(1, List.of()),
                new RtcpPacket.Sdes(List.of(new RtcpPacket.SdesChunk(1, List.of(new RtcpPacket.SdesItem(1, "x"))))),
                new RtcpPacket.Pli(1, 2),
                new RtcpPacket.Nack(1, 2, List.of(5)),
                new RtcpPacket.Remb(1, 300_000 & ~1L, List.of(2L)), // 300000 needs 19 bits: one bit dropped
                new RtcpPacket.Fir(1, List.of(new RtcpPacket.FirEntry(2, 3))),
                new RtcpPacket.Bye(List.of(1L), ""));
    }
}
