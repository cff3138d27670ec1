package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerQualityTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1000 * MS;
    static final long MAIN = 0x11111111L;
    static final long CAM = 0x22222222L;
    static final long MIC = 0x33333333L;

    final NtpClock clock = new NtpClock(0, 1_700_000_000_000L);
    final PeerQuality q = new PeerQuality(clock);
    final List<byte[]> sent = new ArrayList<>();
    int mainSeq;
    long mainTs;

    private static byte[] rtp(long ssrc, int seq, long ts, int payload) {
        byte[] b = new byte[12 + payload];
        b[0] = (byte) 0x80;
        b[1] = 96;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            b[4 + i] = (byte) (ts >>> (24 - 8 * i));
            b[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        return b;
    }

    /** One second of our main video to the participant (30 packets of 1000 bytes) from {@code start}. */
    private void sendMain(long start) {
        for (int i = 0; i < 30; i++) {
            byte[] b = rtp(MAIN, mainSeq++, mainTs += 3000, 1000);
            q.onSent(StreamKind.MAIN, b, 0, b.length, start + i * 33 * MS);
        }
    }

    /** One second of the participant's camera as we receive it: 30 packets, those with seq % lossEvery == 0 missing. */
    private int cam(int seq, long start, int lossEvery) {
        for (int i = 0; i < 30; i++, seq++) {
            if (lossEvery == 0 || seq % lossEvery != 0) {
                q.onUplink(true, CAM, seq, 3000L * seq, 900, start + i * 33 * MS);
            }
        }
        return seq;
    }

    private ParticipantQuality tick(long now, long repaired) {
        return q.tick("p1", "Ada", now, repaired, false, false, (b, off, len) -> sent.add(b.clone()));
    }

    @Test
    void sendsSenderReportsAndReadsRttLossAndJitterFromReceiverReports() throws RtpFormatException {
        sendMain(0);
        ParticipantQuality first = tick(1 * SEC, 0);
        assertThat(first.downlink().level()).as("no receiver report yet").isEqualTo(QualityLevel.UNKNOWN);
        assertThat(sent).hasSize(1);
        List<RtcpPacket> srs = RtcpParser.parse(sent.get(0), 0, sent.get(0).length);
        RtcpPacket.SenderReport sr = (RtcpPacket.SenderReport) srs.get(0);
        assertThat(srs.get(1)).isInstanceOf(RtcpPacket.Sdes.class);
        assertThat(sr.senderSsrc()).isEqualTo(MAIN);
        assertThat(sr.packetCount()).isEqualTo(30);
        assertThat(sr.octetCount()).isEqualTo(30_000);
        assertThat(sr.ntpTimestamp()).isEqualTo(clock.ntp(1 * SEC));
        // the RTP timestamp is the last one sent advanced by the time since it was sent: 1 s - 29 x 33 ms at 90 kHz
        assertThat(sr.rtpTimestamp()).isEqualTo(mainTs + (1000 - 29 * 33) * 90);
        assertThat(q.senderReportsSent()).isEqualTo(1);

        // the participant answers 150 ms after our SR, having held it 100 ms: RTT 50 ms; it lost 3 of 30, jitter 900 ticks
        long lsr = (sr.ntpTimestamp() >>> 16) & 0xFFFFFFFFL;
        sendMain(1 * SEC);
        q.onRtcp(new RtcpPacket.ReceiverReport(0x99, List.of(new RtcpPacket.ReportBlock(MAIN, 26, 3, 29, 900, lsr, 6554))),
                1 * SEC + 150 * MS);
        ParticipantQuality second = tick(2 * SEC, 0);
        assertThat(q.rttMs()).isCloseTo(50, within(0.1));
        assertThat(second.downlink().rttMs()).isCloseTo(50, within(0.1));
        assertThat(second.downlink().jitterMs()).isCloseTo(10, within(0.01));
        assertThat(second.downlink().lossPercent()).as("fraction lost 26/256 on the first report").isCloseTo(10.2, within(0.1));
        assertThat(second.downlink().level()).isEqualTo(QualityLevel.BAD);
        assertThat(second.downlink().text()).isEqualTo("losing 10% of packets");
        assertThat(second.downlink().kbps()).isEqualTo(240);

        // the next report: from cumulative numbers, 60 expected in total, 3 lost in total -> none lost since
        long lsr2 = lsrOfLastSr();
        sendMain(2 * SEC);
        q.onRtcp(new RtcpPacket.ReceiverReport(0x99, List.of(new RtcpPacket.ReportBlock(MAIN, 0, 3, 59, 90, lsr2, 0))),
                2 * SEC + 20 * MS);
        ParticipantQuality third = tick(3 * SEC, 0);
        assertThat(third.downlink().lossPercent()).isZero();
        assertThat(third.downlink().rttMs()).isCloseTo(20, within(0.1));
        assertThat(third.downlink().score()).as("recovers slowly").isLessThan(second.downlink().score() + 41);
        assertThat(q.reportBlocksIgnored()).isZero();
    }

    private long lsrOfLastSr() throws RtpFormatException {
        byte[] last = sent.get(sent.size() - 1);
        RtcpPacket.SenderReport sr = (RtcpPacket.SenderReport) RtcpParser.parse(last, 0, last.length).get(0);
        return (sr.ntpTimestamp() >>> 16) & 0xFFFFFFFFL;
    }

    @Test
    void aRelayedStreamsSenderReportFollowsItsSourcesOwnClockAndCname() throws RtpFormatException {
        PeerQuality source = new PeerQuality(clock);
        // the source's camera reported: at its NTP 1 s after our anchor (its clock runs 250 ms ahead), RTP 900000;
        // the report took 10 ms to reach us
        long srArrival = 3 * SEC + 10 * MS;
        long sourceNtp = clock.ntp(3 * SEC + 250 * MS);
        source.onRtcp(new RtcpPacket.SenderReport(CAM, sourceNtp, 900_000, 10, 1000, List.of()), srArrival);
        // we relay its packet of RTP 900000 + 9000 (100 ms later) as our main slot, timestamps moved by 5000
        byte[] b = rtp(MAIN, 1, 909_000 + 5_000, 1000);
        q.onRelayed(StreamKind.MAIN, b, 0, b.length, 3 * SEC + 120 * MS, source.senderClock(), CAM, 909_000, "ams-p2");

        tick(4 * SEC, 0);
        List<RtcpPacket> srs = RtcpParser.parse(sent.get(0), 0, sent.get(0).length);
        RtcpPacket.SenderReport sr = (RtcpPacket.SenderReport) srs.get(0);
        assertThat(sr.ntpTimestamp()).as("our clock: the RTT echo needs it").isEqualTo(clock.ntp(4 * SEC));
        // at our 4 s the source's clock says 4.24 s (offset 240 ms: 250 ms ahead, 10 ms path): 990 ms after its report
        assertThat(sr.rtpTimestamp()).isEqualTo(900_000 + 990 * 90 + 5_000);
        assertThat(((RtcpPacket.Sdes) srs.get(1)).chunks().get(0).items().get(0).text()).isEqualTo("ams-p2");
        assertThat(q.senderReportsMapped()).isEqualTo(1);
        assertThat(q.streamClocks()).as("what the report said, for the client's message clock")
                .containsExactly(new StreamClock(MAIN, NtpClock.unixMillis(sr.ntpTimestamp()), sr.rtpTimestamp(), 90_000));

        // a source that never reported: the timestamp sent, advanced by the time since (as for our own streams)
        sent.clear();
        PeerQuality silent = new PeerQuality(clock);
        byte[] c = rtp(MAIN, 2, 2_000_000, 1000);
        q.onRelayed(StreamKind.MAIN, c, 0, c.length, 4 * SEC + 500 * MS, silent.senderClock(), CAM, 1_990_000, "ams-p3");
        tick(5 * SEC, 0);
        RtcpPacket.SenderReport fallback = (RtcpPacket.SenderReport) RtcpParser.parse(sent.get(0), 0, sent.get(0).length).get(0);
        assertThat(fallback.rtpTimestamp()).isEqualTo(2_000_000 + 500 * 90);
        assertThat(q.senderReportsMapped()).isEqualTo(1);
        assertThat(q.streamClocks()).as("nothing to tell: the timestamps are not the source's").isEmpty();
    }

    @Test
    void blocksForUnknownSsrcsAndNonsenseAreCountedAndIgnored() {
        sendMain(0);
        tick(1 * SEC, 0);
        q.onRtcp(new RtcpPacket.ReceiverReport(0x99, List.of(new RtcpPacket.ReportBlock(0xDEAD, 255, 100000, 5, 0, 0, 0))),
                1 * SEC + 10 * MS);
        q.onRtcp(new RtcpPacket.ReceiverReport(0x99, List.of(new RtcpPacket.ReportBlock(MAIN, 0, 0, 29, 0, 0x12345678L, 0))),
                1 * SEC + 10 * MS);
        assertThat(q.reportBlocksIgnored()).as("one unknown SSRC, one LSR we never sent").isEqualTo(2);
        assertThat(Double.isNaN(q.rttMs())).as("no RTT from a foreign LSR").isTrue();
        // numbers going backwards: ignored, the next sane report continues
        q.onRtcp(new RtcpPacket.ReceiverReport(0x99, List.of(new RtcpPacket.ReportBlock(MAIN, 0, 0, 3, 0, 0, 0))),
                1 * SEC + 20 * MS);
        assertThat(q.reportBlocksIgnored()).isEqualTo(3);
        // SDES, PLI and the like are not reports
        q.onRtcp(new RtcpPacket.Pli(0x99, MAIN), 1 * SEC);
        assertThat(q.reportBlocksIgnored()).isEqualTo(3);
        ParticipantQuality p = tick(2 * SEC, 0);
        assertThat(p.reportBlocksIgnored()).isEqualTo(3);
    }

    @Test
    void uplinkLossCountsRepairedPacketsAndRecoversSlowly() {
        int seq = 1000;
        seq = cam(seq, 0, 0);
        ParticipantQuality ok = tick(1 * SEC, 0);
        assertThat(ok.uplink().level()).isEqualTo(QualityLevel.EXCELLENT);
        assertThat(ok.uplink().kbps()).isEqualTo(30 * 900 * 8 / 1000);

        // one in ten lost, and all of them repaired by NACK: still 10% loss before repair
        int before = seq;
        seq = cam(seq, 1 * SEC, 10);
        for (int s = before; s < seq; s++) {
            if (s % 10 == 0) {
                q.onUplink(true, CAM, s, 3000L * s, 900, 1 * SEC + 990 * MS);
            }
        }
        ParticipantQuality lossy = tick(2 * SEC, 3);
        assertThat(lossy.uplink().lossPercent()).isCloseTo(10, within(0.01));
        assertThat(lossy.uplink().level()).isEqualTo(QualityLevel.BAD);
        assertThat(lossy.uplink().text()).isEqualTo("losing 10% of packets");

        int windows = 0;
        ParticipantQuality p;
        do {
            seq = cam(seq, (2 + windows) * SEC, 0);
            windows++;
            p = tick((3 + windows - 1) * SEC, 3);
        } while (p.uplink().level() != QualityLevel.GOOD && p.uplink().level() != QualityLevel.EXCELLENT);
        assertThat(windows).as("one clean window brings it back to good").isEqualTo(1);
        assertThat(p.uplink().text()).startsWith("recovering");
    }

    @Test
    void simulcastLayersAreMeasuredEachOnItsOwnNumbersAndASwitchedOffLayerIsNoLoss() {
        long[] layers = {0x111L, 0x222L, 0x333L};
        int[] seqs = {100, 40000, 65500}; // each layer its own numbering (the last one wraps)
        // one second, the three layers interleaved packet by packet, one in ten lost on each
        for (int i = 0; i < 100; i++) {
            for (int l = 0; l < 3; l++) {
                int seq = (seqs[l] + i) & 0xFFFF;
                if (i % 10 != 5) {
                    q.onUplink(true, layers[l], seq, 3000L * (i / 3), 900, i * 10 * MS + l * MS);
                }
            }
        }
        ParticipantQuality lossy = tick(1 * SEC, 0);
        assertThat(lossy.uplink().lossPercent()).as("10%% on every layer: " + lossy.uplink()).isBetween(9.0, 11.0);
        assertThat(lossy.uplink().reason()).isEqualTo("loss");

        // the large layers are switched off, the small one flows cleanly: no loss, no "not arriving"
        ParticipantQuality p = null;
        for (int w = 1; w < 6; w++) {
            for (int i = 0; i < 100; i++) {
                q.onUplink(true, layers[0], (seqs[0] + 100 * w + i) & 0xFFFF, 3000L * (100 * w + i), 900, (w * 1000 + i * 10) * MS);
            }
            p = tick((w + 1) * SEC, 0);
        }
        assertThat(p.uplink().lossPercent()).isEqualTo(0.0);
        assertThat(p.uplink().reason()).as(p.uplink().toString()).isNotEqualTo("no_media");
        assertThat(p.uplink().level()).isIn(QualityLevel.GOOD, QualityLevel.EXCELLENT);
    }

    @Test
    void aCameraThatStopsIsBadForAFewSecondsThenLeftOut() {
        int seq = cam(0, 0, 0);
        q.onUplink(false, MIC, 0, 0, 80, 0);
        tick(1 * SEC, 0);
        for (int i = 0; i < 50; i++) {
            q.onUplink(false, MIC, 1 + i, 960L * (i + 1), 80, 1 * SEC + 20 * MS * i);
        }
        ParticipantQuality stopped = tick(2 * SEC, 0);
        assertThat(stopped.uplink().level()).isEqualTo(QualityLevel.BAD);
        assertThat(stopped.uplink().reason()).isEqualTo("no_media");
        ParticipantQuality later = null;
        for (int w = 2; w < 8; w++) {
            for (int i = 0; i < 50; i++) {
                q.onUplink(false, MIC, 50 * w + i, 960L * (50 * w + i), 80, w * SEC + 20 * MS * i);
            }
            later = tick((w + 1) * SEC, 0);
        }
        assertThat(later.uplink().level()).as("the microphone alone, fine").isEqualTo(QualityLevel.EXCELLENT);
        assertThat(seq).isEqualTo(30);
    }

    @Test
    void theParticipantsSenderReportsGiveTheBitrateItWanted() {
        int seq = 0;
        q.onRtcp(new RtcpPacket.SenderReport(CAM, 0, 0, 0, 0, List.of()), 0); // before any packet: ignored
        seq = cam(seq, 0, 0);
        q.onRtcp(new RtcpPacket.SenderReport(CAM, 0, 0, 30, 27_000, List.of()), 1 * SEC);
        seq = cam(seq, 1 * SEC, 0);
        // it says it sent 25x what arrived
        q.onRtcp(new RtcpPacket.SenderReport(CAM, 0, 0, 60, 27_000 + 25 * 27_000, List.of()), 2 * SEC);
        tick(2 * SEC, 0);
        seq = cam(seq, 2 * SEC, 0);
        ParticipantQuality p = tick(3 * SEC, 0);
        assertThat(p.uplink().reason()).isEqualTo("bitrate");
        assertThat(p.uplink().text()).isEqualTo("getting only 4% of the bitrate sent");
        assertThat(p.uplink().level()).isIn(QualityLevel.POOR, QualityLevel.BAD);
    }
}
