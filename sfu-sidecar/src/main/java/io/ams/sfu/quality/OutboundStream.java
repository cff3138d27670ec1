package io.ams.sfu.quality;

import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpWriter;
import java.util.List;

/**
 * One RTP stream we send to a participant (its main video, the mix, or one audio slot): what we
 * sent (for our RTCP sender reports) and what the participant's receiver reports say arrived
 * (downlink loss, jitter, RTT). Thread-safe: sends come from several relay threads, reports
 * from the participant's receive thread, the timer builds sender reports and takes windows.
 */
final class OutboundStream {
    private static final int SR_HISTORY = 8;
    private static final long MAX_REPORT_GAP = 1 << 20; // packets between two reports beyond which the numbers make no sense
    static final String DEFAULT_CNAME = "ams";

    final long ssrc;
    final StreamKind kind;

    private long packets;
    private long octets;             // payload octets (RFC 3550 6.4.1 sender's octet count)
    private boolean sentAny;
    private long lastTs;
    private long lastSendNanos;
    private long windowOctetsBase;
    private final long[] srCompact = new long[SR_HISTORY]; // LSR values we may see echoed
    private int srNext;
    // a relayed stream: whose clock its timestamps follow (null: our own stream, or not said)
    private SenderClock source;
    private long sourceSsrc;
    private long sourceTsDelta;
    private String cname = DEFAULT_CNAME;
    private long reportsMapped;
    private StreamClock lastMapped; // the latest sender report whose timestamp came from the source's clock

    private boolean haveReport;
    private long reportExtHighest;
    private long reportCumLost;
    private boolean fresh;
    private long freshExpected;
    private long freshLost;
    private double jitterMs;
    private double rttMs = Double.NaN;
    private long lastReportNanos;

    OutboundStream(long ssrc, StreamKind kind) {
        this.ssrc = ssrc;
        this.kind = kind;
    }

    /** One packet sent; {@code rtpTimestamp} only moves forward (retransmissions carry old ones). */
    synchronized void onSent(long rtpTimestamp, int payloadLength, long nowNanos) {
        packets++;
        octets += payloadLength;
        if (!sentAny || (int) (rtpTimestamp - lastTs) >= 0) {
            lastTs = rtpTimestamp;
            lastSendNanos = nowNanos;
        }
        sentAny = true;
    }

    /**
     * The packet just sent was relayed from stream {@code ssrc} of the participant whose clock is {@code clock},
     * its timestamp moved by {@code tsDelta} (the main slot's rewriting; 0 for forwarded audio), under that
     * participant's {@code cname}. The main slot's source changes with the speaker: the latest call counts.
     */
    synchronized void relayedFrom(SenderClock clock, long ssrc, long tsDelta, String cname) {
        this.source = clock;
        this.sourceSsrc = ssrc;
        this.sourceTsDelta = tsDelta;
        this.cname = cname;
    }

    synchronized long lastSendNanos() {
        return sentAny ? lastSendNanos : Long.MIN_VALUE;
    }

    /**
     * An SR for this stream followed by an SDES CNAME, or null before the first packet. The NTP time is ours
     * (the receiver's LSR/DLSR echo gives the RTT). The RTP timestamp of a relayed stream is the one its source
     * has at that instant by the source's own sender reports ({@link SenderClock}), so a browser lines the
     * relayed audio and video of one participant up as they were captured; without a report of the source
     * (our own streams: the mix; a sender that never reported), the newest timestamp sent, advanced by the
     * time since it was sent.
     */
    synchronized byte[] senderReport(NtpClock clock, long nowNanos) {
        if (!sentAny) {
            return null;
        }
        long ts = (lastTs + (long) ((nowNanos - lastSendNanos) * (kind.clockRate / 1e9))) & 0xFFFFFFFFL;
        long mapped = source == null ? -1 : source.rtpAt(sourceSsrc, nowNanos, kind.clockRate);
        if (mapped >= 0) {
            ts = (mapped + sourceTsDelta) & 0xFFFFFFFFL;
            reportsMapped++;
        }
        long ntp = clock.ntp(nowNanos);
        lastMapped = mapped >= 0 ? new StreamClock(ssrc, NtpClock.unixMillis(ntp), ts, kind.clockRate) : null;
        srCompact[srNext] = (ntp >>> 16) & 0xFFFFFFFFL;
        srNext = (srNext + 1) % SR_HISTORY;
        return RtcpWriter.compound(
                RtcpWriter.senderReport(ssrc, ntp, ts, packets & 0xFFFFFFFFL, octets & 0xFFFFFFFFL, List.of()),
                RtcpWriter.sdesCname(ssrc, cname));
    }

    /** The latest sender report if its timestamp came from the source's own clock, else null. */
    synchronized StreamClock lastMapped() {
        return lastMapped;
    }

    /** Sender reports whose timestamp came from the source's own mapping. */
    synchronized long reportsMapped() {
        return reportsMapped;
    }

    /**
     * A report block about this stream. Returns false if it was unusable (numbers going backwards
     * or jumping, an LSR we never sent): counted by the caller, nothing else changes.
     */
    synchronized boolean onReport(RtcpPacket.ReportBlock b, NtpClock clock, long nowNanos) {
        boolean usable = true;
        long ext = b.extendedHighestSeq();
        long cum = b.cumulativeLost();
        if (haveReport) {
            long dExp = ext - reportExtHighest;
            if (dExp < 0 || dExp > MAX_REPORT_GAP) {
                usable = false; // a new numbering, or garbage: start over from this report
            } else if (dExp > 0) {
                fresh = true;
                freshExpected += dExp;
                freshLost += Math.max(0, Math.min(dExp, cum - reportCumLost));
            }
        } else {
            fresh = true; // the first report: its fraction lost covers the time since we started sending
            freshExpected += 256;
            freshLost += b.fractionLost();
        }
        haveReport = true;
        reportExtHighest = ext;
        reportCumLost = cum;
        jitterMs = b.jitter() * 1000.0 / kind.clockRate;
        lastReportNanos = nowNanos;
        if (b.lastSr() != 0) {
            if (knownLsr(b.lastSr())) {
                rttMs = clock.rttMs(nowNanos, b.lastSr(), b.delaySinceLastSr());
            } else {
                usable = false;
            }
        }
        return usable;
    }

    private boolean knownLsr(long lsr) {
        for (long v : srCompact) {
            if (v == lsr) {
                return true;
            }
        }
        return false;
    }

    synchronized double rttMs() {
        return rttMs;
    }

    synchronized long lastReportNanos() {
        return haveReport ? lastReportNanos : Long.MIN_VALUE;
    }

    /** Payload bits sent since the previous call. */
    synchronized long takeSentBits() {
        long bits = (octets - windowOctetsBase) * 8;
        windowOctetsBase = octets;
        return bits;
    }

    /** The reports since the previous call as one window, or null if none came that covered new packets. */
    synchronized StreamWindow takeWindow() {
        if (!fresh) {
            return null;
        }
        StreamWindow w = new StreamWindow(kind.video, !kind.video, freshExpected, freshLost, jitterMs, rttMs, 0, 0, false);
        fresh = false;
        freshExpected = 0;
        freshLost = 0;
        return w;
    }
}
