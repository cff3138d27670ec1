package io.ams.rtp.rtcp;

import io.ams.rtp.RtpFormatException;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtcpParserTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static List<RtcpPacket> parse(String hex) throws RtpFormatException {
        byte[] b = hex(hex);
        return RtcpParser.parse(b, 0, b.length);
    }

    @Test
    void senderReportWithTwoBlocksFollowedBySdes() throws Exception {
        List<RtcpPacket> list = parse(
                "82C80012 01020304 E1E2E3E4 05060708 90000000 0000000A 000003E8"
                        + " 0A0B0C0D 19 FFFFFE 00010005 0000004D 12345678 00010000"
                        + " 0A0B0C0E 00 000003 00020000 00000000 00000000 00000000"
                        + " 81CA0003 01020304 0103616263 00 0000");
        assertThat(list).hasSize(2);
        var sr = (RtcpPacket.SenderReport) list.get(0);
        assertThat(sr.senderSsrc()).isEqualTo(0x01020304L);
        assertThat(sr.ntpTimestamp()).isEqualTo(0xE1E2E3E4_05060708L);
        assertThat(sr.rtpTimestamp()).isEqualTo(0x90000000L);
        assertThat(sr.packetCount()).isEqualTo(10);
        assertThat(sr.octetCount()).isEqualTo(1000);
        assertThat(sr.reports()).containsExactly(
                new RtcpPacket.ReportBlock(0x0A0B0C0DL, 25, -2, 0x00010005L, 77, 0x12345678L, 65536),
                new RtcpPacket.ReportBlock(0x0A0B0C0EL, 0, 3, 0x00020000L, 0, 0, 0));
        var sdes = (RtcpPacket.Sdes) list.get(1);
        assertThat(sdes.chunks().get(0).items()).containsExactly(new RtcpPacket.SdesItem(1, "abc"));
    }

    @Test
    void reducedSizeNackAlone() throws Exception {
        // rtcp-rsize: a lone feedback packet, no RR first
        List<RtcpPacket> list = parse("81CD0004 00000001 00000002 0064 8001 FFFF 0001");
        assertThat(list).containsExactly(new RtcpPacket.Nack(1, 2, List.of(100, 101, 116, 65535, 0)));
    }

    @Test
    void rembAndUnknownAfb() throws Exception {
        List<RtcpPacket> list = parse("8FCE0005 00000005 00000000 52454D42 01 0BD090 01020304"
                + " 8FCE0003 00000005 00000000 41424344");
        assertThat(list.get(0)).isEqualTo(new RtcpPacket.Remb(5, 1_000_000, List.of(0x01020304L)));
        assertThat(list.get(1)).isInstanceOf(RtcpPacket.Unknown.class);
        assertThat(((RtcpPacket.Unknown) list.get(1)).countOrFormat()).isEqualTo(15);
    }

    @Test
    void rembWithHugeExponentSaturates() throws Exception {
        List<RtcpPacket> list = parse("8FCE0004 00000005 00000000 52454D42 00 FFFFFF");
        assertThat(((RtcpPacket.Remb) list.get(0)).bitrateBps()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void transportCcFromHandWrittenBytes() throws Exception {
        // base 0xFFFE, count 3, ref 16 (x64 ms), fb count 7, run-length chunk (small delta x3), deltas 4, 8, 1; zero padding without P bit
        var t = (RtcpPacket.TransportCc) parse("8FCD0006 00000001 00000002 FFFE0003 00001007 2003 040801 000000").get(0);
        assertThat(t.baseSequence()).isEqualTo(0xFFFE);
        assertThat(t.packetStatusCount()).isEqualTo(3);
        assertThat(t.sequenceNumber(2)).isEqualTo(0);
        assertThat(t.referenceTime()).isEqualTo(16);
        assertThat(t.feedbackPacketCount()).isEqualTo(7);
        assertThat(t.arrivalTicks()).containsExactly(16 * 256 + 4, 16 * 256 + 12, 16 * 256 + 13);
    }

    @Test
    void transportCcNegativeReferenceTime() throws Exception {
        var t = (RtcpPacket.TransportCc) parse("8FCD0005 00000001 00000002 00010001 FFFFFE00 2001 05 00").get(0);
        assertThat(t.referenceTime()).isEqualTo(-2);
    }

    @Test
    void appXrAndOtherFeedbackAreUnknown() throws Exception {
        List<RtcpPacket> list = parse("80CC0002 00000001 4E414D45 80CF0001 00000009 83CD0002 00000001 00000002");
        assertThat(list).extracting(p -> ((RtcpPacket.Unknown) p).packetType()).containsExactly(204, 207, 205);
        assertThat(list.get(1).senderSsrc()).isEqualTo(9);
    }

    @Test
    void paddingIsRemoved() throws Exception {
        List<RtcpPacket> list = parse("A1CB0002 01020304 00000004");
        assertThat(list).containsExactly(new RtcpPacket.Bye(List.of(0x01020304L), ""));
    }

    @Test
    void malformedInputIsRejected() {
        String[] bad = {
                "", "80C9", "40C90001 00000001", // empty, short, version 1
                "81C90001 00000001", // RR claims a block it lacks
                "80C90002 00000001", // length beyond datagram
                "80C90001 00000001 00", // trailing byte
                "A0C90001 00000000", // padding 0
                "A0C90001 00000009", // padding longer than the packet
                "81CA0002 00000001 0105", // SDES item text truncated
                "81CA0002 00000001 01006161", // SDES without terminator
                "82CB0001 00000001", // BYE with 2 SSRCs in 1 word
                "81CE0001 00000001", // PLI without media SSRC
                "8FCD0004 00000001 00000002 00000020 00000000", // twcc: 32 packets, no chunks
                "8FCD0005 00000001 00000002 00000001 00000000 6001 0000", // twcc reserved symbol 3
                "8FCD0005 00000001 00000002 00000003 00000000 2003 0100", // twcc: 3 small deltas, 2 present
                "8FCD0005 00000001 00000002 00000001 00000000 2000 0000", // twcc run length 0
                "8FCE0004 00000005 00000000 52454D42 02 0BD090", // REMB missing SSRCs
        };
        for (String s : bad) {
            assertThatThrownBy(() -> parse(s)).as(s).isInstanceOf(RtpFormatException.class);
        }
        assertThatThrownBy(() -> RtcpParser.parse(null, 0, 0)).isInstanceOf(RtpFormatException.class);
        assertThatThrownBy(() -> RtcpParser.parse(new byte[8], 4, 8)).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void looksLikeRtcpByPacketType() {
        assertThat(RtcpParser.looksLikeRtcp(hex("81C90001 00000001"), 0, 8)).isTrue();
        assertThat(RtcpParser.looksLikeRtcp(hex("80600001 00000001 00000000"), 0, 12)).isFalse();
    }
}
