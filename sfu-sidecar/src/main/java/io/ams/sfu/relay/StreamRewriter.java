package io.ams.sfu.relay;

import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

/**
 * Turns packets of changing source streams into one continuous outgoing stream for one receiver
 * slot (for example "the main speaker's video as Bob sees it", or Bob's mixed audio): fixed outgoing SSRC and payload
 * type, sequence numbers and timestamps continuous across source switches, and for VP8 the
 * PictureID (7 or 15 bits, each packet keeps the width of its field) and TL0PICIDX continuous too.
 *
 * <p>{@link #switchTo} only marks a source as pending and asks for a keyframe through the
 * {@link KeyframeRequester}; the switch happens at the pending source's next keyframe start, and
 * until then the old source keeps flowing (or nothing, if there was none). While pending, the
 * request is repeated at most every {@code keyframeRetryNanos} as packets of the pending source
 * arrive. Packets of the current source map to output by fixed offsets, so reordered packets and
 * retransmissions get the same output sequence number each time; packets older than the
 * keyframe that started the current episode, and packets of any other source, are dropped.
 * A new episode continues at the last output sequence number + 1 and the last output timestamp
 * plus the wall-clock time elapsed since it was sent (at least 1 tick).
 *
 * <p>Media path: never throws, drops and counts. Thread-safe: every method holds the rewriter's own
 * monitor (the relay thread rewrites while the room's lane switches sources and the tick reserves
 * padding); callers hold it too to make a read-then-switch one step. Allocation-free per packet; the
 * output goes into the caller's buffer.
 */
public final class StreamRewriter {
    /** Returned by {@link #rewrite} for a packet that is not forwarded. */
    public static final int DROPPED = -1;
    /** No source. */
    public static final long NONE = -1;
    private static final long MAX_GAP_MICROS = 3_600_000_000L; // longer pauses count as one hour (no overflow)

    /** Asks a source for a keyframe (the owner sends PLI or FIR to it). Called on the rewriting thread. */
    @FunctionalInterface
    public interface KeyframeRequester {
        void requestKeyframe(long sourceSsrc);
    }

    private final long outSsrc;
    private final int outPayloadType;
    private final VideoCodec codec;
    private final int clockRate;
    private final KeyframeRequester requester; // passed in; called on switches
    private final long keyframeRetryNanos;

    private long current = NONE;
    private long pending = NONE;
    private int pendingNewestSeq = -1; // newest sequence number seen of the pending source, -1 none
    private long lastRequestNanos;

    // offsets of the current episode (source -> output)
    private int seqDelta;
    private long tsDelta;
    private int picIdDelta;
    private int tl0Delta;
    private int startExtSeq;
    private int highestExtSeq;
    private boolean episodeStarted; // the episode's first packet is not rewritten yet (it is the newest, too)

    // newest packet sent so far
    private boolean sentAny;
    private int lastOutSeq;
    private long lastOutTs;
    private long lastOutNanos;
    private int lastOutPicId = -1;
    private int lastOutTl0 = -1;

    // VP8 descriptor fields of the packet being handled (scratch, avoids allocation)
    private int picIdPos;
    private boolean picIdWide;
    private int picId;
    private int tl0Pos;

    private long forwarded;
    private long dropped;
    private int switches;
    private long keyframeRequests;
    private long incompleteStarts;

    /**
     * @param initialSeq        output sequence number of the first packet ever sent
     * @param initialTimestamp  output timestamp of the first packet ever sent
     * @param keyframeRetryNanos minimum time between two keyframe requests to a pending source
     */
    public StreamRewriter(long outSsrc, int outPayloadType, VideoCodec codec, int clockRate, int initialSeq,
                          long initialTimestamp, long keyframeRetryNanos, KeyframeRequester requester) {
        if (outPayloadType < 0 || outPayloadType > 127) {
            throw new IllegalArgumentException("payload type " + outPayloadType);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.outSsrc = outSsrc & 0xFFFFFFFFL;
        this.outPayloadType = outPayloadType;
        this.codec = codec;
        this.clockRate = clockRate;
        this.requester = requester;
        this.keyframeRetryNanos = keyframeRetryNanos;
        this.lastOutSeq = (initialSeq - 1) & 0xFFFF;
        this.lastOutTs = initialTimestamp & 0xFFFFFFFFL;
    }

    /** A video slot at 90 kHz with random initial sequence number and timestamp, re-asking for keyframes every 500 ms. */
    public static StreamRewriter video(long outSsrc, int outPayloadType, VideoCodec codec, KeyframeRequester requester) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return new StreamRewriter(outSsrc, outPayloadType, codec, VideoCodec.RTP_CLOCK_RATE, r.nextInt(0x10000),
                r.nextLong(0x100000000L), 500_000_000L, requester);
    }

    /**
     * An audio slot (Opus, 48 kHz) with random initial sequence number and timestamp: every packet can start a
     * source (there are no keyframes), so a switch takes effect at the new source's first packet and the output
     * stays continuous (sequence + 1, timestamp advanced by the wall-clock time since the last packet sent).
     */
    public static StreamRewriter audio(long outSsrc, int outPayloadType) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return new StreamRewriter(outSsrc, outPayloadType, null, 48_000, r.nextInt(0x10000), r.nextLong(0x100000000L),
                Long.MAX_VALUE, null);
    }

    /**
     * Asks to forward {@code sourceSsrc} from its next keyframe on and requests that keyframe.
     * Switching to the current source cancels a pending switch.
     */
    public synchronized void switchTo(long sourceSsrc, long nowNanos) {
        sourceSsrc &= 0xFFFFFFFFL;
        if (sourceSsrc == current) {
            pending = NONE;
            return;
        }
        if (sourceSsrc == pending) {
            return;
        }
        pending = sourceSsrc;
        pendingNewestSeq = -1;
        requestKeyframe(nowNanos);
    }

    /** Stops forwarding (no current, no pending source); the next switch still continues the output numbering. */
    public synchronized void stop() {
        current = NONE;
        pending = NONE;
    }

    /** The source being forwarded, or {@link #NONE}. */
    public synchronized long currentSource() {
        return current;
    }

    /** The source waiting for its keyframe, or {@link #NONE}. */
    public synchronized long pendingSource() {
        return pending;
    }

    public long outSsrc() {
        return outSsrc;
    }

    /**
     * Rewrites {@code p} into {@code out[outOff, outOff + p.length())} if it belongs to the output.
     *
     * @param nowNanos arrival time ({@link System#nanoTime()} clock), used for timestamps across switches
     * @return the output length, or {@link #DROPPED}
     */
    public synchronized int rewrite(RtpPacket p, long nowNanos, byte[] out, int outOff) {
        long ssrc = p.ssrc();
        if (ssrc == pending) {
            int seq = p.sequenceNumber();
            boolean newerSeen = pendingNewestSeq >= 0 && (short) (pendingNewestSeq - seq) > 0;
            if (codec == null || Keyframes.isKeyframeStart(codec, p.buffer(), p.payloadOffset(), p.payloadLength())) {
                startEpisode(p, nowNanos);
                if (newerSeen && codec != null) {
                    // the keyframe's first packet came late (a repaired loss): the packets after it were dropped
                    // while we waited, so this keyframe arrives broken; ask for another one at once
                    incompleteStarts++;
                    lastRequestNanos = nowNanos;
                    keyframeRequests++;
                    if (requester != null) {
                        requester.requestKeyframe(current);
                    }
                }
            } else {
                if (!newerSeen) {
                    pendingNewestSeq = seq;
                }
                if (nowNanos - lastRequestNanos >= keyframeRetryNanos) {
                    requestKeyframe(nowNanos);
                }
            }
        }
        if (ssrc != current || out.length - outOff < p.length() || outOff < 0) {
            dropped++;
            return DROPPED;
        }
        int seq = p.sequenceNumber();
        int ext = highestExtSeq + (short) (seq - highestExtSeq);
        if (ext < startExtSeq) { // older than the keyframe this episode began with
            dropped++;
            return DROPPED;
        }
        boolean newest = ext > highestExtSeq || !sentAny || episodeStarted;
        episodeStarted = false;
        if (ext > highestExtSeq) {
            highestExtSeq = ext;
        }
        int outSeq = (seq + seqDelta) & 0xFFFF;
        long outTs = (p.timestamp() + tsDelta) & 0xFFFFFFFFL;

        byte[] in = p.buffer();
        System.arraycopy(in, p.offset(), out, outOff, p.length());
        out[outOff + 1] = (byte) ((out[outOff + 1] & 0x80) | outPayloadType);
        out[outOff + 2] = (byte) (outSeq >>> 8);
        out[outOff + 3] = (byte) outSeq;
        put32(out, outOff + 4, outTs);
        put32(out, outOff + 8, outSsrc);
        if (codec == VideoCodec.VP8 && readVp8(in, p.payloadOffset(), p.payloadLength())) {
            int shift = outOff - p.offset();
            if (picIdPos >= 0) {
                int outPicId = (picId + picIdDelta) & 0x7FFF;
                if (picIdWide) {
                    out[picIdPos + shift] = (byte) (0x80 | (outPicId >>> 8));
                    out[picIdPos + shift + 1] = (byte) outPicId;
                } else {
                    out[picIdPos + shift] = (byte) (outPicId & 0x7F);
                }
                if (newest) {
                    lastOutPicId = outPicId;
                }
            }
            if (tl0Pos >= 0) {
                int outTl0 = ((in[tl0Pos] & 0xFF) + tl0Delta) & 0xFF;
                out[tl0Pos + shift] = (byte) outTl0;
                if (newest) {
                    lastOutTl0 = outTl0;
                }
            }
        }
        if (newest) {
            lastOutSeq = outSeq;
            lastOutTs = outTs;
            lastOutNanos = nowNanos;
        }
        sentAny = true;
        forwarded++;
        return p.length();
    }

    private void startEpisode(RtpPacket p, long nowNanos) {
        int seq = p.sequenceNumber();
        long ts = p.timestamp();
        long outTs;
        if (sentAny) {
            long micros = Math.min(MAX_GAP_MICROS, Math.max(0, nowNanos - lastOutNanos) / 1000);
            long elapsed = Math.max(1, micros * clockRate / 1_000_000L);
            outTs = lastOutTs + elapsed;
        } else {
            outTs = lastOutTs;
        }
        seqDelta = lastOutSeq + 1 - seq;
        tsDelta = outTs - ts;
        picIdDelta = 0;
        tl0Delta = 0;
        if (codec == VideoCodec.VP8 && readVp8(p.buffer(), p.payloadOffset(), p.payloadLength())) {
            if (picIdPos >= 0 && lastOutPicId >= 0) {
                picIdDelta = lastOutPicId + 1 - picId;
            }
            if (tl0Pos >= 0 && lastOutTl0 >= 0) {
                tl0Delta = lastOutTl0 + 1 - (p.buffer()[tl0Pos] & 0xFF);
            }
        }
        current = p.ssrc();
        pending = NONE;
        startExtSeq = seq;
        highestExtSeq = seq;
        episodeStarted = true;
        switches++;
    }

    /** Reads the VP8 descriptor's PictureID and TL0PICIDX positions into the scratch fields. */
    private boolean readVp8(byte[] b, int off, int len) {
        picIdPos = -1;
        tl0Pos = -1;
        int end = off + len;
        if (len < 1 || (b[off] & 0x80) == 0) {
            return len >= 1;
        }
        int p = off + 1;
        if (p >= end) {
            return false;
        }
        int x = b[p++] & 0xFF;
        if ((x & 0x80) != 0) {
            if (p >= end) {
                return false;
            }
            picIdPos = p;
            picIdWide = (b[p] & 0x80) != 0;
            if (picIdWide) {
                if (p + 1 >= end) {
                    picIdPos = -1;
                    return false;
                }
                picId = ((b[p] & 0x7F) << 8) | (b[p + 1] & 0xFF);
                p += 2;
            } else {
                picId = b[p] & 0x7F;
                p++;
            }
        }
        if ((x & 0x40) != 0) {
            if (p >= end) {
                picIdPos = -1;
                return false;
            }
            tl0Pos = p;
        }
        return true;
    }

    private void requestKeyframe(long nowNanos) {
        lastRequestNanos = nowNanos;
        keyframeRequests++;
        if (requester != null) {
            requester.requestKeyframe(pending);
        }
    }

    private static void put32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /**
     * Takes {@code count} output sequence numbers right after the newest packet forwarded, for padding-only
     * probe packets (issue 7 part 3): the media that follows is numbered after them. Only for a stream that
     * arrives in order (the engine's mix on loopback): a packet older than the newest forwarded would be
     * numbered as if the padding came before it.
     *
     * @return the first reserved sequence number, or -1 when nothing has been forwarded in this episode
     */
    public synchronized int reservePadding(int count) {
        if (!sentAny || current == NONE || count <= 0) {
            return -1;
        }
        int first = (lastOutSeq + 1) & 0xFFFF;
        seqDelta += count;
        lastOutSeq = (lastOutSeq + count) & 0xFFFF;
        return first;
    }

    /** The output timestamp of the newest packet forwarded (padding repeats it). */
    public synchronized long lastOutTimestamp() {
        return lastOutTs;
    }

    /** Episodes that began with a late keyframe start (its following packets already dropped): another keyframe was asked for. */
    public synchronized long incompleteStarts() {
        return incompleteStarts;
    }

    /** Packets forwarded. */
    public synchronized long forwarded() {
        return forwarded;
    }

    /** Packets dropped (other or old source, too old for the episode, output buffer too small). */
    public synchronized long dropped() {
        return dropped;
    }

    /** Episodes started (the first source counts as one). */
    public synchronized int switches() {
        return switches;
    }

    /** Keyframe requests made (initial and repeated). */
    public synchronized long keyframeRequests() {
        return keyframeRequests;
    }
}
