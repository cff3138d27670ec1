package io.ams.sfu.quality;

import io.ams.rtp.rtcp.RtcpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network analyzer of one participant (docs/DESIGN.md "Connection quality").
 *
 * <p>Uplink: what the server receives from it. Its camera and microphone are measured per SSRC
 * with {@link ReceiveStatistics}: loss before repair (packets missing from the sequence numbers
 * plus those the NACK repair brought back), interarrival jitter, the bitrate that arrived versus
 * what its own sender reports say it sent.
 *
 * <p>Downlink: what it says about what we send it. Every stream we send (main, mix, audio slots)
 * gets an RTCP sender report about once a second ({@link #tick}), so the participant's receiver
 * reports carry LSR/DLSR (RTT) besides loss and jitter.
 *
 * <p>Media path (receive and relay threads): never throws; report blocks for SSRCs we do not send
 * and blocks whose numbers make no sense are counted and ignored. Thread-safe.
 */
public final class PeerQuality {
    /** Sent streams not used for this long are forgotten (freed or re-assigned audio slots). */
    private static final long STREAM_IDLE_NANOS = 10_000_000_000L;
    /** A stream that stopped is reported as "not arriving" for this many windows, then left out. */
    private static final int SILENT_WINDOWS = 3;
    /** A participant's sender report pair older than this no longer says what it wanted to send. */
    private static final long SENDER_REPORT_FRESH_NANOS = 5_000_000_000L;
    /** Camera streams kept at most (simulcast has three; SSRC changes add some). */
    private static final int MAX_CAMERA_STREAMS = 8;
    /** Windows without a packet after which a camera stream is forgotten. */
    private static final int QUIET_WINDOWS = 30;

    /** Where sender reports go: the participant's transport ({@code PeerTransport::sendRtcp}). */
    @FunctionalInterface
    public interface RtcpSink {
        boolean send(byte[] b, int off, int len);
    }

    private final NtpClock clock;
    private final SenderClock senderClock = new SenderClock();
    private final Map<Long, OutboundStream> sent = new ConcurrentHashMap<>();
    /** The camera's streams by SSRC: one per simulcast layer (or the one stream). */
    private final Map<Long, Inbound> camera = new ConcurrentHashMap<>();
    private final Inbound mic = new Inbound(false);
    private final QualityScorer uplinkScorer = new QualityScorer();
    private final QualityScorer downlinkScorer = new QualityScorer();
    private volatile double rttMs = Double.NaN;
    private volatile List<StreamClock> streamClocks = List.of();
    private long lastRepaired;
    private long lastTickNanos;

    final AtomicLong reportBlocksUsed = new AtomicLong();
    final AtomicLong reportBlocksIgnored = new AtomicLong();
    final AtomicLong senderReportsSent = new AtomicLong();
    final AtomicLong senderReportsMapped = new AtomicLong();

    public PeerQuality() {
        this(NtpClock.system());
    }

    public PeerQuality(NtpClock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ media path

    /** A packet of this participant's camera ({@code video}) or microphone as it arrived. */
    public void onUplink(boolean video, long ssrc, int seq, long rtpTimestamp, int payloadLength, long nowNanos) {
        Inbound in = mic;
        if (video) {
            in = camera.get(ssrc);
            if (in == null) {
                if (camera.size() >= MAX_CAMERA_STREAMS) { // SSRCs that came and went (encoder restarts): forget the quiet ones
                    camera.values().removeIf(Inbound::quiet);
                }
                in = camera.computeIfAbsent(ssrc, k -> new Inbound(true));
            }
        }
        in.onPacket(ssrc, seq, rtpTimestamp, payloadLength, nowNanos);
    }

    /** A packet we sent to this participant: {@code b[off, off+len)} is its plain RTP (before SRTP). */
    public void onSent(StreamKind kind, byte[] b, int off, int len, long nowNanos) {
        sentStream(kind, b, off, len, nowNanos);
    }

    /**
     * A packet we relayed to this participant from another participant's stream {@code sourceSsrc}, whose
     * timestamp was {@code sourceTimestamp} as it arrived ({@code b} carries it as we sent it): our sender
     * reports for the stream follow {@code source}'s clock and carry {@code cname} (lip sync).
     */
    public void onRelayed(StreamKind kind, byte[] b, int off, int len, long nowNanos, SenderClock source,
                          long sourceSsrc, long sourceTimestamp, String cname) {
        OutboundStream s = sentStream(kind, b, off, len, nowNanos);
        if (s != null) {
            s.relayedFrom(source, sourceSsrc, u32(b, off + 4) - sourceTimestamp, cname);
        }
    }

    private OutboundStream sentStream(StreamKind kind, byte[] b, int off, int len, long nowNanos) {
        if (len < 12 || (b[off] & 0xC0) != 0x80) {
            return null;
        }
        int header = 12 + 4 * (b[off] & 0x0F);
        if ((b[off] & 0x10) != 0 && len >= header + 4) {
            header += 4 + 4 * (((b[off + header + 2] & 0xFF) << 8) | (b[off + header + 3] & 0xFF));
        }
        int payload = len - header - ((b[off] & 0x20) != 0 ? b[off + len - 1] & 0xFF : 0);
        if (payload < 0) {
            return null;
        }
        long ssrc = u32(b, off + 8);
        OutboundStream s = sent.computeIfAbsent(ssrc, k -> new OutboundStream(k, kind));
        s.onSent(u32(b, off + 4), payload, nowNanos);
        return s;
    }

    /** This participant's media clock from its own sender reports, for the streams we relay from it. */
    public SenderClock senderClock() {
        return senderClock;
    }

    /** One RTCP packet from this participant: its sender reports and the report blocks in SR and RR. */
    public void onRtcp(RtcpPacket r, long nowNanos) {
        List<RtcpPacket.ReportBlock> blocks;
        if (r instanceof RtcpPacket.SenderReport sr) {
            senderClock.onSenderReport(sr.senderSsrc(), sr.ntpTimestamp(), sr.rtpTimestamp(), nowNanos);
            Inbound in = sr.senderSsrc() == mic.ssrc ? mic : camera.get(sr.senderSsrc());
            if (in != null) {
                in.onSenderReport(sr.senderSsrc(), sr.octetCount(), nowNanos);
            }
            blocks = sr.reports();
        } else if (r instanceof RtcpPacket.ReceiverReport rr) {
            blocks = rr.reports();
        } else {
            return;
        }
        for (RtcpPacket.ReportBlock b : blocks) {
            OutboundStream s = sent.get(b.ssrc());
            if (s == null) {
                reportBlocksIgnored.incrementAndGet(); // about a stream we do not send (any more)
            } else if (s.onReport(b, clock, nowNanos)) {
                reportBlocksUsed.incrementAndGet();
                double rtt = s.rttMs();
                if (!Double.isNaN(rtt)) {
                    rttMs = rtt;
                }
            } else {
                reportBlocksIgnored.incrementAndGet();
            }
        }
    }

    // ------------------------------------------------------------------ timer

    /**
     * Sends the sender reports and measures both directions over the time since the previous call
     * (the room calls it about once a second).
     *
     * @param cameraRepaired camera packets brought back by NACK so far (the room's NackTracker count)
     */
    public synchronized ParticipantQuality tick(String id, String name, long nowNanos, long cameraRepaired,
                                                boolean audioMuted, boolean videoMuted, RtcpSink out) {
        double seconds = lastTickNanos == 0 ? 1 : Math.max(0.1, (nowNanos - lastTickNanos) / 1e9);
        lastTickNanos = nowNanos;
        long repaired = Math.max(0, cameraRepaired - lastRepaired);
        lastRepaired = cameraRepaired;

        List<StreamWindow> up = new ArrayList<>(2);
        long upBits = cameraWindow(up, repaired, videoMuted, nowNanos) + mic.window(up, 0, audioMuted, rttMs, nowNanos);
        LinkQuality uplink = uplinkScorer.update(up, Math.round(upBits / seconds / 1000));

        List<StreamWindow> down = new ArrayList<>(sent.size());
        List<StreamClock> clocks = new ArrayList<>();
        long downBits = 0;
        for (OutboundStream s : sent.values()) {
            if (nowNanos - s.lastSendNanos() > STREAM_IDLE_NANOS) {
                sent.remove(s.ssrc);
                continue;
            }
            long mappedBefore = s.reportsMapped();
            byte[] sr = s.senderReport(clock, nowNanos);
            if (sr != null && out.send(sr, 0, sr.length)) {
                senderReportsSent.incrementAndGet();
                if (s.reportsMapped() > mappedBefore) {
                    senderReportsMapped.incrementAndGet();
                    clocks.add(s.lastMapped());
                }
            }
            downBits += s.takeSentBits();
            StreamWindow w = s.takeWindow();
            if (w != null) {
                down.add(w);
            }
        }
        LinkQuality downlink = downlinkScorer.update(down, Math.round(downBits / seconds / 1000));
        streamClocks = List.copyOf(clocks);
        return new ParticipantQuality(id, name, uplink, downlink, reportBlocksIgnored.get(), senderReportsSent.get());
    }

    /**
     * The camera as one window over all its streams (simulcast layers): packets expected and lost summed (the
     * NACK repairs added back as loss), the worst jitter, the bitrates summed. A layer the sender switched off
     * is silent and does not count while another layer flows; only when nothing of the camera arrives is the
     * window silent. Streams quiet for {@value #QUIET_WINDOWS} windows are forgotten.
     */
    private long cameraWindow(List<StreamWindow> out, long repaired, boolean muted, long nowNanos) {
        List<StreamWindow> parts = new ArrayList<>(camera.size());
        long bits = 0;
        for (Inbound in : camera.values()) {
            bits += in.window(parts, 0, muted, rttMs, nowNanos);
            if (in.quiet()) {
                camera.values().remove(in);
            }
        }
        long expected = 0;
        long lost = 0;
        double jitter = 0;
        long achieved = 0;
        long wanted = 0;
        boolean flowing = false;
        boolean silent = false;
        for (StreamWindow w : parts) {
            silent |= w.silent();
            if (w.silent()) {
                continue;
            }
            flowing = true;
            expected += w.expected();
            lost += w.lost();
            jitter = Math.max(jitter, w.jitterMs());
            achieved += w.achievedBits();
            wanted += w.wantedBits();
        }
        if (flowing) {
            out.add(new StreamWindow(true, false, expected, Math.min(expected, lost + repaired), jitter, rttMs, achieved,
                    wanted, false));
        } else if (silent) {
            out.add(new StreamWindow(true, false, 0, 0, 0, rttMs, 0, 0, true));
        }
        return bits;
    }

    /** The latest round-trip time from the participant's receiver reports, NaN before the first. */
    public double rttMs() {
        return rttMs;
    }

    public long reportBlocksUsed() {
        return reportBlocksUsed.get();
    }

    /** Report blocks about SSRCs we do not send, or with numbers that make no sense. */
    public long reportBlocksIgnored() {
        return reportBlocksIgnored.get();
    }

    public long senderReportsSent() {
        return senderReportsSent.get();
    }

    /** What the last {@link #tick}'s sender reports of relayed streams said, for the client's own lip sync. */
    public List<StreamClock> streamClocks() {
        return streamClocks;
    }

    /** Sender reports of relayed streams whose timestamps follow the source participant's own clock. */
    public long senderReportsMapped() {
        return senderReportsMapped.get();
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    /** The participant's camera or microphone as we receive it; a new SSRC starts new statistics. */
    private static final class Inbound {
        final boolean video;
        volatile long ssrc = -1;
        private ReceiveStatistics stats;
        private int silentWindows = SILENT_WINDOWS + 1;
        // the participant's two latest sender reports, paired with the payload bytes we had then
        private long srOctets = -1;
        private long srReceived;
        private long wantedBits;
        private long achievedBits;
        private long srPairNanos;

        Inbound(boolean video) {
            this.video = video;
        }

        synchronized void onPacket(long ssrc, int seq, long ts, int payloadLength, long nowNanos) {
            if (ssrc != this.ssrc || stats == null) {
                this.ssrc = ssrc;
                stats = new ReceiveStatistics(video ? 90000 : 48000);
                stats.takeWindow();
                srOctets = -1;
                wantedBits = 0;
            }
            stats.onPacket(seq, ts, nowNanos, payloadLength);
        }

        /** Nothing for {@value PeerQuality#QUIET_WINDOWS} windows: a layer switched off for good, or an SSRC replaced. */
        synchronized boolean quiet() {
            return silentWindows > QUIET_WINDOWS;
        }

        synchronized void onSenderReport(long ssrc, long octetCount, long nowNanos) {
            if (ssrc != this.ssrc || stats == null) {
                return;
            }
            if (srOctets >= 0) {
                long sentOctets = (octetCount - srOctets) & 0xFFFFFFFFL;
                long got = stats.payloadBytes() - srReceived;
                if (sentOctets > 0 && sentOctets < 1L << 30) {
                    wantedBits = sentOctets * 8;
                    achievedBits = got * 8;
                    srPairNanos = nowNanos;
                }
            }
            srOctets = octetCount;
            srReceived = stats.payloadBytes();
        }

        /** Adds this stream's window to {@code out} (if it counts) and returns the bits received in it. */
        synchronized long window(List<StreamWindow> out, long repaired, boolean muted, double rttMs, long nowNanos) {
            if (stats == null) {
                return 0;
            }
            ReceiveStatistics.Window w = stats.takeWindow();
            if (w.packets() == 0) {
                silentWindows++;
                if (silentWindows <= SILENT_WINDOWS && !muted) {
                    out.add(new StreamWindow(video, !video, 0, 0, 0, rttMs, 0, 0, true));
                }
                return 0;
            }
            silentWindows = 0;
            long lost = Math.max(0, Math.min(w.expected(), w.lost() + repaired));
            boolean srFresh = wantedBits > 0 && nowNanos - srPairNanos < SENDER_REPORT_FRESH_NANOS;
            out.add(new StreamWindow(video, !video, w.expected(), lost, stats.jitterMs(), rttMs,
                    srFresh ? achievedBits : 0, srFresh ? wantedBits : 0, false));
            return w.payloadBytes() * 8;
        }
    }
}
