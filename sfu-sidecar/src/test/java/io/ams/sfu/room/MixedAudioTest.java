package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import io.ams.sfu.sdp.OfferBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One receiver's mixed-audio slot: freshness, delivery on and off, and a continuous stream across engine SSRCs. */
class MixedAudioTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SLOT_SSRC = 0xA0A0A0A0L;
    private final byte[] out = new byte[2048];

    static RtpPacket opus(long ssrc, int seq, long ts) throws Exception {
        byte[] b = new byte[12 + 40];
        b[0] = (byte) 0x80;
        b[1] = (byte) OfferBuilder.OPUS_PT;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            b[4 + i] = (byte) (ts >>> (24 - 8 * i));
            b[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        b[12] = (byte) 0x78; // an Opus TOC byte; the rest is payload as far as the rewriter cares
        return RtpPacket.parse(b, 0, b.length);
    }

    private RtpPacket sent(int n) throws Exception {
        assertThat(n).isPositive();
        return RtpPacket.parse(out.clone(), 0, n);
    }

    @Test
    void freshForAWindowAfterTheEnginesLastPacketAndOnlyDeliveringReplacesForwardedAudio() throws Exception {
        MixedAudio m = new MixedAudio(SLOT_SSRC, 0);
        long t0 = 1_000_000 * MS;
        assertThat(m.fresh(t0)).as("nothing heard yet").isFalse();
        assertThat(m.engineAgeMillis(t0)).isEqualTo(-1);
        assertThat(m.onEnginePacket(opus(7000, 1, 960), t0, out)).as("not delivering: not sent").isEqualTo(-1);
        assertThat(m.notDelivered.get()).isEqualTo(1);
        assertThat(m.fresh(t0 + 50 * MS)).isTrue();
        assertThat(m.replacesForwarded(t0 + 50 * MS)).as("fresh but not switched to mixed").isFalse();
        m.deliver(true);
        assertThat(m.replacesForwarded(t0 + 50 * MS)).isTrue();
        assertThat(m.replacesForwarded(t0 + MixedAudio.FRESH_NANOS)).as("the engine went quiet: forward again").isFalse();
        assertThat(m.fresh(t0 + MixedAudio.FRESH_NANOS + 50 * MS)).isFalse();
        assertThat(m.engineAgeMillis(t0 + 300 * MS)).isEqualTo(300);
    }

    @Test
    void steadyNeedsFortyOfTheFiftyPacketsOfTheLastSecond() throws Exception {
        MixedAudio m = new MixedAudio(SLOT_SSRC, 0);
        long t = 2_000_000 * MS;
        for (int i = 0; i < 39; i++) {
            m.onEnginePacket(opus(7000, i, 960L * i), t + i * 20 * MS, out);
        }
        long now = t + 38 * 20 * MS;
        assertThat(m.steady(now)).as("39 packets").isFalse();
        m.onEnginePacket(opus(7000, 39, 960L * 39), now + 20 * MS, out);
        assertThat(m.steady(now + 20 * MS)).as("40 packets in 800 ms").isTrue();
        assertThat(m.steady(now + 20 * MS + 300 * MS)).as("the oldest fell out of the second").isFalse();
    }

    @Test
    void theSlotStreamStaysContinuousAcrossANewEngineSsrcAndAcrossAPauseInDelivery() throws Exception {
        MixedAudio m = new MixedAudio(SLOT_SSRC, 0);
        m.deliver(true);
        long t = 5_000_000 * MS;
        RtpPacket a = sent(m.onEnginePacket(opus(7000, 100, 96_000), t, out));
        assertThat(a.ssrc()).isEqualTo(SLOT_SSRC);
        assertThat(a.payloadType()).isEqualTo(OfferBuilder.OPUS_PT);
        RtpPacket b = sent(m.onEnginePacket(opus(7000, 101, 96_960), t + 20 * MS, out));
        assertThat(b.sequenceNumber()).isEqualTo((a.sequenceNumber() + 1) & 0xFFFF);
        assertThat(b.timestamp()).isEqualTo((a.timestamp() + 960) & 0xFFFFFFFFL);

        // the engine restarted: its room (and this participant's mix) has a new SSRC and numbering
        RtpPacket c = sent(m.onEnginePacket(opus(9100, 40_000, 5_000_000), t + 60 * MS, out));
        assertThat(c.ssrc()).isEqualTo(SLOT_SSRC);
        assertThat(c.sequenceNumber()).as("no gap in the numbering").isEqualTo((b.sequenceNumber() + 1) & 0xFFFF);
        assertThat(c.timestamp()).as("advanced by the 40 ms between them").isEqualTo((b.timestamp() + 40 * 48) & 0xFFFFFFFFL);

        // back to forwarded for a second, then mixed again: the numbering continues right after the last packet sent
        m.deliver(false);
        assertThat(m.onEnginePacket(opus(9100, 40_001, 5_000_960), t + 80 * MS, out)).isEqualTo(-1);
        m.deliver(true);
        RtpPacket d = sent(m.onEnginePacket(opus(9100, 40_050, 5_048_000), t + 1060 * MS, out));
        assertThat(d.sequenceNumber()).isEqualTo((c.sequenceNumber() + 1) & 0xFFFF);
        assertThat(d.timestamp()).isEqualTo((c.timestamp() + 1000 * 48) & 0xFFFFFFFFL);
    }
}
