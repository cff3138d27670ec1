package io.ams.engine.audio;

import io.github.jaredmdobson.concentus.OpusException;

/**
 * One participant's Opus decoder: an RTP payload in, 48 kHz mono float samples out, and the two
 * ways a jitter buffer fills a lost frame: {@link #decodeFec} (the lost frame rebuilt from the
 * in-band FEC of the packet after it) and {@link #conceal} (Opus packet-loss concealment, which
 * continues the voice from the decoder's state and fades it out over a longer loss).
 *
 * <p>It is Concentus, a pure-Java port of libopus: FFmpeg's Opus decoders offer neither PLC nor
 * FEC, and a pure-Java decoder holds no native memory. It costs about four times libopus in C
 * (docs/BENCHMARKS.md), which is why a room decodes only participants who may be speaking
 * ({@link AudioSource}). A payload it cannot decode is reported as an {@link IllegalArgumentException}
 * naming the reason and leaves the decoder usable. Not thread-safe.
 */
public final class OpusDecoder implements AutoCloseable {
    static final int MAX_PAYLOAD = 1500;
    /** The longest Opus packet: 120 ms at 48 kHz. */
    static final int MAX_SAMPLES = 5760;
    private final io.github.jaredmdobson.concentus.OpusDecoder decoder;
    private final short[] pcm = new short[MAX_SAMPLES];
    private int lastFrameSamples = MixMinus.FRAME;
    private boolean closed;

    public OpusDecoder() {
        try {
            decoder = new io.github.jaredmdobson.concentus.OpusDecoder(48_000, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create an Opus decoder: " + e.getMessage(), e);
        }
    }

    /** Decodes one Opus payload into samples (usually {@link MixMinus#FRAME}). */
    public float[] decode(byte[] payload) {
        check(payload);
        return run(payload, OpusPackets.samples(payload), false);
    }

    /**
     * The frame before {@code nextPayload}, rebuilt from its in-band FEC (LBRR) data; where the
     * packet carries none, Opus conceals the frame instead. Does not consume {@code nextPayload}:
     * decode it normally on the next frame.
     */
    public float[] decodeFec(byte[] nextPayload) {
        check(nextPayload);
        return run(nextPayload, lastFrameSamples, true);
    }

    /** One lost frame concealed from the decoder's state (as long as the last frame). */
    public float[] conceal() {
        ensureOpen();
        return run(null, lastFrameSamples, false);
    }

    private float[] run(byte[] payload, int samples, boolean fec) {
        if (samples <= 0 || samples > MAX_SAMPLES) {
            throw new IllegalArgumentException("not a valid Opus packet (its TOC gives " + samples + " samples)");
        }
        int n;
        try {
            n = decoder.decode(payload, 0, payload == null ? 0 : payload.length, pcm, 0, samples, fec);
        } catch (OpusException | RuntimeException e) {
            throw new IllegalArgumentException("Opus decoder refused the packet: " + e.getMessage(), e);
        }
        if (n <= 0) {
            throw new IllegalArgumentException("Opus decoder returned " + n + " samples");
        }
        if (payload != null && !fec) {
            lastFrameSamples = n;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = pcm[i] / 32768f;
        }
        return out;
    }

    private void check(byte[] payload) {
        ensureOpen();
        if (payload == null || payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("an Opus payload is 1.." + MAX_PAYLOAD + " bytes, got "
                    + (payload == null ? "none" : payload.length));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("decoder closed");
        }
    }

    /** Forgets the stream (a new SSRC). */
    public void reset() {
        decoder.resetState();
        lastFrameSamples = MixMinus.FRAME;
    }

    @Override
    public void close() {
        closed = true;
    }
}
