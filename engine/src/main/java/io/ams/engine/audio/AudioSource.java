package io.ams.engine.audio;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.stats.BurstLog;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.AudioLevel;
import io.ams.rtp.ext.HeaderExtensions;

/**
 * One participant's audio into the room's mix: Opus RTP in ({@link #onPacket}, the ingress's
 * event-loop thread) through a {@link JitterBuffer}, 20 ms frames of 48 kHz samples out
 * ({@link #nextFrame}, the room's audio clock).
 *
 * <p>Only voices that may be heard are decoded: where the packets carry the RFC 6464 level, a
 * participant who is not among the mixed speakers and whose packets say quieter than
 * -{@value #SILENT_LEVEL} dBov for the last {@value #HANGOVER_FRAMES} frames is not decoded (in a
 * 50-person room that is nearly everyone). Without the extension every frame is decoded.
 * Lost frames are rebuilt from FEC or concealed (Opus PLC) while the voice is being decoded.
 */
public final class AudioSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AudioSource.class);
    /** -dBov: quieter than this counts as silence for the decision to decode. */
    public static final int SILENT_LEVEL = 60;
    /** Frames decoded after the last loud packet (500 ms): the end of a word is not cut. */
    static final int HANGOVER_FRAMES = 25;
    /** A latched SSRC silent this long gives way to a new one (the sender restarted). */
    static final long SSRC_TAKEOVER_NANOS = 2_000_000_000L;

    private final String participantId;
    private final int levelExtId;
    private final JitterBuffer buffer = new JitterBuffer();
    private final HeaderExtensions ext = new HeaderExtensions(); // ingress thread
    private final BurstLog log = new BurstLog(LOG, 5000);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    /** The room's audio clock takes frames; while it does not (no audio output), packets are not buffered. */
    private volatile boolean consumed;
    private final AtomicLong decodeErrors = new AtomicLong();
    private final AtomicLong framesDecoded = new AtomicLong();
    private final AtomicLong framesNotDecoded = new AtomicLong();
    private volatile long latchedSsrc = -1;
    private long lastPacketNanos;                 // ingress thread
    private volatile boolean resetDecoder;        // set by the ingress on a new SSRC, done by the clock
    // the audio clock's
    private final OpusDecoder decoder = new OpusDecoder();
    private final float[] pending = new float[OpusDecoder.MAX_SAMPLES + MixMinus.FRAME];
    private int pendingLen;
    private int skipSamples;                      // of a packet longer than a frame, not decoded
    private int hangover;
    private boolean decodedLast;                  // the previous frame was decoded (PLC continues from it)
    private long frameArrivalNanos;               // arrival of the packet decoded into the last frame, 0: none
    private volatile double levelDbfs = -100;
    private volatile boolean speaking;

    public AudioSource(String participantId, int levelExtId) {
        this.participantId = participantId;
        this.levelExtId = levelExtId;
    }

    /** One RTP packet whose payload type says audio (ingress thread). */
    public void onPacket(RtpPacket packet, byte[] data, int off, int len, long nowNanos) {
        long ssrc = packet.ssrc();
        if (ssrc != latchedSsrc) {
            if (latchedSsrc != -1 && nowNanos - lastPacketNanos <= SSRC_TAKEOVER_NANOS) {
                reject("unexpected audio SSRC " + ssrc + " (expected " + latchedSsrc + ")");
                return;
            }
            if (latchedSsrc != -1) {
                LOG.info("participant {}: audio SSRC {} silent, switching to {}", participantId, latchedSsrc, ssrc);
                buffer.reset();
                resetDecoder = true;
            }
            latchedSsrc = ssrc;
        }
        lastPacketNanos = nowNanos;
        received.incrementAndGet();
        if (packet.payloadLength() == 0 || !consumed) {
            return; // padding only, or nobody mixes the room's audio now
        }
        int level = -1;
        if (levelExtId > 0) {
            try {
                if (ext.wrap(data, off, len)) {
                    int packed = AudioLevel.read(ext, levelExtId);
                    level = packed < 0 ? -1 : AudioLevel.level(packed);
                }
            } catch (RtpFormatException e) {
                reject("malformed header extension: " + e.getMessage());
                return;
            }
        }
        byte[] payload = new byte[packet.payloadLength()];
        System.arraycopy(packet.buffer(), packet.payloadOffset(), payload, 0, payload.length);
        JitterBuffer.Refusal r = buffer.push(packet.timestamp(), payload, level, nowNanos);
        if (r == JitterBuffer.Refusal.MALFORMED) {
            log.warn("participant {}: audio packet refused: not an Opus packet ({} bytes, TOC {})", participantId,
                    payload.length, payload[0] & 0xff);
        }
    }

    private void reject(String why) {
        rejected.incrementAndGet();
        log.warn("participant {}: audio packet rejected: {}", participantId, why);
    }

    /**
     * The next 20 ms ({@link MixMinus#FRAME} samples) to mix, or null for silence (audio clock).
     * {@code speaker}: the mixer has this voice in the mix now, so it is decoded whatever its level.
     */
    public float[] nextFrame(long nowNanos, boolean speaker) {
        consumed = true;
        this.speaking = speaker;
        if (resetDecoder) {
            resetDecoder = false;
            decoder.reset();
            pendingLen = 0;
            skipSamples = 0;
            decodedLast = false;
        }
        if (pendingLen >= MixMinus.FRAME) {
            return takePending();
        }
        if (skipSamples >= MixMinus.FRAME) {
            skipSamples -= MixMinus.FRAME;
            return null;
        }
        JitterBuffer.Playout p = buffer.pull(nowNanos);
        if (p.level() >= 0 && p.level() <= SILENT_LEVEL) {
            hangover = HANGOVER_FRAMES;
        } else if (hangover > 0 && p.kind() != JitterBuffer.Kind.CONCEAL) {
            hangover--;
        }
        boolean decode = levelExtId == 0 || speaker || hangover > 0 || p.level() < 0 && p.kind() == JitterBuffer.Kind.PACKET;
        frameArrivalNanos = 0;
        float[] samples = null;
        try {
            switch (p.kind()) {
                case PACKET -> {
                    if (decode) {
                        samples = decoder.decode(p.payload());
                        frameArrivalNanos = p.arrivalNanos();
                    } else {
                        skipSamples = Math.max(0, OpusPackets.samples(p.payload()) - MixMinus.FRAME);
                    }
                }
                case FEC -> samples = decode ? decoder.decodeFec(p.payload()) : null;
                case CONCEAL -> samples = decodedLast ? decoder.conceal() : null;
                case SILENCE -> samples = null;
            }
        } catch (IllegalArgumentException e) {
            decodeErrors.incrementAndGet();
            log.warn("participant {}: audio frame not decoded: {}", participantId, e.getMessage());
            samples = null;
        }
        decodedLast = samples != null;
        if (samples == null) {
            if (p.kind() == JitterBuffer.Kind.PACKET || p.kind() == JitterBuffer.Kind.FEC) {
                framesNotDecoded.incrementAndGet();
            }
            levelDbfs = Math.max(-100, levelDbfs - 1.5);
            return null;
        }
        framesDecoded.incrementAndGet();
        System.arraycopy(samples, 0, pending, pendingLen, Math.min(samples.length, pending.length - pendingLen));
        pendingLen = Math.min(pending.length, pendingLen + samples.length);
        if (pendingLen < MixMinus.FRAME) { // a packet shorter than 20 ms: pad this frame with silence
            java.util.Arrays.fill(pending, pendingLen, MixMinus.FRAME, 0f);
            pendingLen = MixMinus.FRAME;
        }
        float[] frame = takePending();
        double db = MixMinus.levelDb(frame);
        levelDbfs = db > levelDbfs ? db : levelDbfs + 0.1 * (db - levelDbfs);
        return frame;
    }

    private float[] takePending() {
        float[] frame = new float[MixMinus.FRAME];
        System.arraycopy(pending, 0, frame, 0, MixMinus.FRAME);
        pendingLen -= MixMinus.FRAME;
        System.arraycopy(pending, MixMinus.FRAME, pending, 0, pendingLen);
        return frame;
    }

    /**
     * When the packet decoded into the frame {@link #nextFrame} gave last arrived (the mix path's
     * latency is measured from it); 0 where that frame was not a packet's.
     */
    public long frameArrivalNanos() {
        return frameArrivalNanos;
    }

    public String participantId() {
        return participantId;
    }

    /** The room's audio mix stopped: no more buffering until frames are taken again (audio clock). */
    public void idle() {
        consumed = false;
        buffer.reset();
        resetDecoder = true;
    }

    /** A snapshot of the counters, for stats. */
    public Snapshot snapshot() {
        JitterBuffer.Stats b = buffer.stats();
        return new Snapshot(received.get(), b, rejected.get() + b.duplicates + b.full + b.malformed, decodeErrors.get(),
                framesDecoded.get(), framesNotDecoded.get(), levelDbfs, speaking, latchedSsrc);
    }

    /** What {@link #snapshot()} gives. */
    public record Snapshot(long packets, JitterBuffer.Stats buffer, long rejected, long decodeErrors, long framesDecoded,
                           long framesNotDecoded, double levelDbfs, boolean speaking, long ssrc) {
    }

    @Override
    public void close() {
        decoder.close();
    }
}
