package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.ext.TransportSequenceNumber;
import io.ams.sfu.transport.RtpSendHook;
import java.util.Arrays;

/**
 * Fuzz target (Jazzer): the send-side stamper rewrites packets a remote participant sent (relayed with
 * their own header extensions), so any bytes may reach it. The contract ({@link RtpSendHook}): it never
 * throws, answers -1 (send unchanged) or a length of at most {@code len + MAX_GROWTH}, and a rewritten
 * valid RTP packet is RTP with our sequence number in the negotiated element and the same payload. The first
 * byte picks the extension id (1..255, so both header forms are used). Regression inputs: {@code
 * src/test/resources/io/ams/sfu/bwe/TransportSeqStamperFuzzTestInputs/outgoingPacket/}.
 */
class TransportSeqStamperFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void outgoingPacket(byte[] data) throws RtpFormatException {
        if (data.length < 1) {
            return;
        }
        int id = 1 + (data[0] & 0xFF) % 255;
        byte[] pkt = Arrays.copyOfRange(data, 1, data.length);
        DownlinkBwe bwe = new DownlinkBwe("fuzz");
        bwe.enableTransportCc(id);
        byte[] dst = new byte[pkt.length + RtpSendHook.MAX_GROWTH];
        byte[] before = pkt.clone();
        int n = bwe.sendHook().rewrite(pkt, 0, pkt.length, dst, 1_000_000_000L);
        assertThat(pkt).as("the source is not edited").isEqualTo(before);
        if (n < 0) {
            assertThat(n).isEqualTo(-1);
            return;
        }
        assertThat(n).isBetween(RtpPacket.HEADER_SIZE, pkt.length + RtpSendHook.MAX_GROWTH);
        RtpPacket in;
        try {
            in = RtpPacket.parse(pkt, 0, pkt.length);
        } catch (RtpFormatException e) {
            return; // not RTP to begin with (bad padding, say): nothing is promised about the copy
        }
        RtpPacket out = RtpPacket.parse(dst, 0, n); // valid RTP stays valid RTP
        HeaderExtensions ext = new HeaderExtensions();
        assertThat(ext.wrap(dst, 0, n)).isTrue();
        assertThat(TransportSequenceNumber.read(ext, id)).isBetween(0, 0xFFFF);
        assertThat(Arrays.copyOfRange(dst, out.payloadOffset(), out.payloadOffset() + out.payloadLength()))
                .isEqualTo(Arrays.copyOfRange(pkt, in.payloadOffset(), in.payloadOffset() + in.payloadLength()));
    }
}
