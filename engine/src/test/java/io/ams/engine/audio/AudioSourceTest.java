package io.ams.engine.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A participant's audio source with real Opus (libopus through FFmpeg): tones come out, silence
 * marked by RFC 6464 is not decoded, a lost packet is concealed, and bad input (garbage payloads,
 * a second SSRC, a timestamp jump) is counted and never stops the stream.
 */
class AudioSourceTest {
    static final long MS = 1_000_000L;

    /** An RTP packet: V=2, pt 111, optional one-byte RFC 6464 extension (id 1). */
    static byte[] rtp(int seq, long ts, long ssrc, byte[] payload, int level) {
        int ext = level >= 0 ? 8 : 0;
        byte[] b = new byte[12 + ext + payload.length];
        b[0] = (byte) (level >= 0 ? 0x90 : 0x80);
        b[1] = 111;
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            b[4 + i] = (byte) (ts >>> (24 - 8 * i));
            b[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        if (level >= 0) {
            b[12] = (byte) 0xBE;
            b[13] = (byte) 0xDE;
            b[15] = 1;
            b[16] = 0x10;
            b[17] = (byte) ((level < 127 ? 0x80 : 0) | level);
        }
        System.arraycopy(payload, 0, b, 12 + ext, payload.length);
        return b;
    }

    static void push(AudioSource s, byte[] b, long nanos) throws Exception {
        s.onPacket(RtpPacket.parse(b, 0, b.length, nanos), b, 0, b.length, nanos);
    }

    static List<byte[]> tone(int frames, double hz, double amplitude) {
        List<byte[]> out = new ArrayList<>();
        try (OpusEncoder enc = new OpusEncoder(32_000)) {
            for (int f = 0; f < frames; f++) {
                out.add(enc.encode(MixMinusTest.sine(hz, amplitude, f)).get(0));
            }
        }
        return out;
    }

    /** Runs {@code packets} through a source in real time (1 per 20 ms), returning every frame it gives. */
    static List<float[]> play(AudioSource s, List<byte[]> packets, int level, java.util.Set<Integer> lost, long ssrc,
                              long tsBase) throws Exception {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < packets.size() + 5; i++) {
            long now = i * 20 * MS;
            if (i < packets.size() && !lost.contains(i)) {
                push(s, rtp(i, tsBase + 960L * i, ssrc, packets.get(i), level), now);
            }
            out.add(s.nextFrame(now + 10 * MS, false));
        }
        return out;
    }

    @Test
    void aToneComesOutAndALostPacketIsConcealed() throws Exception {
        try (AudioSource s = new AudioSource("a", 0)) {
            s.nextFrame(0, false); // the mix takes frames: buffering starts
            List<float[]> out = play(s, tone(50, 440, 0.3), -1, java.util.Set.of(20), 1, 0);
            List<float[]> sound = out.stream().filter(java.util.Objects::nonNull).toList();
            assertThat(sound.size()).as("frames with sound").isGreaterThanOrEqualTo(48);
            float[] late = MixMinusTest.concat(sound.subList(10, 40));
            assertThat(MixMinusTest.power(late, 440)).isGreaterThan(0.3 * 0.3 / 4 * 0.3);
            AudioSource.Snapshot snap = s.snapshot();
            assertThat(snap.buffer().framesConcealed + snap.buffer().framesFec).as("the lost packet").isGreaterThanOrEqualTo(1);
            assertThat(snap.decodeErrors()).isZero();
        }
    }

    @Test
    void silenceMarkedByItsLevelIsNotDecodedButASpeakerAlwaysIs() throws Exception {
        try (AudioSource s = new AudioSource("q", 1)) {
            s.nextFrame(0, false);
            List<float[]> out = play(s, tone(50, 440, 0.001), 127, java.util.Set.of(), 2, 0);
            assertThat(out).allMatch(java.util.Objects::isNull);
            assertThat(s.snapshot().framesNotDecoded()).isGreaterThanOrEqualTo(45);
            assertThat(s.snapshot().framesDecoded()).isZero();
        }
        try (AudioSource s = new AudioSource("loud", 1)) {
            s.nextFrame(0, false);
            List<float[]> out = play(s, tone(50, 440, 0.3), 20, java.util.Set.of(), 3, 0);
            assertThat(out.stream().filter(java.util.Objects::nonNull).count()).isGreaterThanOrEqualTo(45);
        }
    }

    @Test
    void garbageASecondSsrcAndATimestampJumpAreCountedAndTheStreamGoesOn() throws Exception {
        try (AudioSource s = new AudioSource("b", 0)) {
            s.nextFrame(0, false);
            List<byte[]> good = tone(60, 660, 0.3);
            java.util.Random r = new java.util.Random(3);
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                long now = i * 20 * MS;
                long ts = i < 30 ? 960L * i : 50_000_000L + 960L * i; // a jump of ~17 minutes half-way
                push(s, rtp(i, ts, 7, good.get(i), -1), now);
                if (i % 7 == 3) { // garbage with a valid-looking CELT TOC
                    byte[] junk = new byte[40];
                    r.nextBytes(junk);
                    junk[0] = (byte) (31 << 3);
                    push(s, rtp(1000 + i, ts + 480, 7, junk, -1), now + MS);
                }
                if (i % 11 == 5) { // someone else's stream on the same port
                    push(s, rtp(i, ts, 99, good.get(i), -1), now + 2 * MS);
                }
                if (i == 15) {
                    push(s, rtp(i, ts, 7, new byte[] {(byte) 0xFB}, -1), now + 3 * MS); // code 3 without a count
                }
                out.add(s.nextFrame(now + 10 * MS, false));
            }
            AudioSource.Snapshot snap = s.snapshot();
            assertThat(snap.rejected()).as("second SSRC and malformed packets").isGreaterThanOrEqualTo(6);
            assertThat(snap.buffer().resyncs).as("the timestamp jump").isEqualTo(1);
            float[] after = MixMinusTest.concat(out.subList(45, 58).stream().filter(java.util.Objects::nonNull).toList());
            assertThat(after.length).as("sound after the jump").isGreaterThan(5 * MixMinus.FRAME);
            assertThat(MixMinusTest.power(after, 660)).isGreaterThan(0.3 * 0.3 / 4 * 0.1);
        }
    }
}
