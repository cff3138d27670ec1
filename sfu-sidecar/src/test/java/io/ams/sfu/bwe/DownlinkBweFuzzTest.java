package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.rtp.testing.PacketRecords;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz target (Jazzer): RTCP from a receiver (transport-cc feedback, REMB) into the send-side
 * bandwidth estimation of one downlink, after 300 stamped packets were sent. Input: {@link
 * PacketRecords} of RTCP datagrams. The contract: feedback that is garbage, replayed, reordered or
 * about packets never sent is parsed or refused, counted, and never throws; the estimate is 0 (nothing known) or
 * within [{@link DownlinkBwe#MIN_BPS}, {@link DownlinkBwe#MAX_BPS}]. Regression inputs: {@code
 * src/test/resources/io/ams/sfu/bwe/DownlinkBweFuzzTestInputs/feedback/}.
 */
class DownlinkBweFuzzTest {
    static final int EXT_ID = 3;
    static final int SENT = 300;

    @FuzzTest(maxDuration = "30s")
    void feedback(byte[] input) {
        DownlinkBwe bwe = new DownlinkBwe("fuzz");
        bwe.enableTransportCc(EXT_ID);
        bwe.setProbing(true);
        long now = 1_000_000_000L;
        byte[] plain = new byte[1012];
        plain[0] = (byte) 0x80;
        plain[1] = 96;
        byte[] stamped = new byte[plain.length + 16];
        for (int i = 0; i < SENT; i++) { // transport-wide numbers 1..SENT (the stamper starts at 1)
            plain[2] = (byte) (i >>> 8);
            plain[3] = (byte) i;
            assertThat(bwe.sendHook().rewrite(plain, 0, plain.length, stamped, now)).isPositive();
            now += TimeUnit.MILLISECONDS.toNanos(2);
        }
        for (PacketRecords.Datagram d : PacketRecords.decode(input, 64)) {
            now += TimeUnit.MILLISECONDS.toNanos(d.delayMillis());
            List<RtcpPacket> packets;
            try {
                packets = RtcpParser.parse(d.bytes(), 0, d.bytes().length);
            } catch (RtpFormatException e) {
                continue; // the room counts and drops it
            }
            for (RtcpPacket p : packets) {
                if (p instanceof RtcpPacket.TransportCc t) {
                    bwe.onTransportFeedback(t, now);
                } else if (p instanceof RtcpPacket.Remb r) {
                    bwe.onRemb(r.bitrateBps(), now);
                }
            }
            checkEstimate(bwe.estimateBps(now));
        }
        checkEstimate(bwe.estimateBps(now));
        assertThat(bwe.stats(now)).isNotNull();
    }

    /** 0 while nothing is known, else within the bounds. */
    private static void checkEstimate(long bps) {
        if (bps != 0) {
            assertThat(bps).isBetween(DownlinkBwe.MIN_BPS, DownlinkBwe.MAX_BPS);
        }
    }
}
