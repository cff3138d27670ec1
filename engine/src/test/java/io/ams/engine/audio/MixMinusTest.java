package io.ams.engine.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mix-minus with real tones: three people at 440, 660 and 880 Hz; each hears the other two and not
 * themselves (tone power measured with the Goertzel algorithm); silence stays silence; ten loud people
 * do not clip; only the N loudest are mixed; joining the mix does not click; and the same holds after an
 * Opus round trip in and out, as in a room.
 */
class MixMinusTest {
    static final double[] TONES = {440, 660, 880};
    static final String[] WHO = {"a", "b", "c"};

    static float[] sine(double hz, double amplitude, long frameIndex) {
        float[] f = new float[MixMinus.FRAME];
        for (int i = 0; i < f.length; i++) {
            long n = frameIndex * MixMinus.FRAME + i;
            f[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * n / 48_000.0));
        }
        return f;
    }

    /** Relative power of {@code hz} in {@code x} (Goertzel), normalised so a sine of amplitude A gives about A^2/4. */
    static double power(float[] x, double hz) {
        double w = 2 * Math.PI * hz / 48_000.0;
        double coeff = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (float v : x) {
            double s = v + coeff * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
        return p / ((double) x.length * x.length);
    }

    static float[] concat(List<float[]> frames) {
        float[] all = new float[frames.size() * MixMinus.FRAME];
        for (int i = 0; i < frames.size(); i++) {
            System.arraycopy(frames.get(i), 0, all, i * MixMinus.FRAME, MixMinus.FRAME);
        }
        return all;
    }

    @Test
    void eachSpeakerHearsTheOthersAndNotThemselves() {
        MixMinus mixer = new MixMinus(3);
        Map<String, List<float[]>> heard = new LinkedHashMap<>();
        List<float[]> shared = new ArrayList<>();
        for (long f = 0; f < 50; f++) {
            Map<String, float[]> in = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                in.put(WHO[i], sine(TONES[i], 0.3, f));
            }
            in.put("listener", new float[MixMinus.FRAME]); // silent: gets the shared mix
            MixMinus.Result r = mixer.mix(in);
            if (f >= 10) { // past the ramp-in
                for (String w : WHO) {
                    heard.computeIfAbsent(w, k -> new ArrayList<>()).add(r.forParticipant(w));
                }
                shared.add(r.forParticipant("listener"));
                assertThat(r.speakers()).containsExactlyInAnyOrder(WHO);
            }
        }
        double full = 0.3 * 0.3 / 4;
        for (int i = 0; i < 3; i++) {
            float[] x = concat(heard.get(WHO[i]));
            for (int j = 0; j < 3; j++) {
                double p = power(x, TONES[j]);
                if (i == j) {
                    assertThat(p).as(WHO[i] + " hears their own " + TONES[j] + " Hz").isLessThan(full * 1e-4);
                } else {
                    assertThat(p).as(WHO[i] + " hears " + TONES[j] + " Hz").isGreaterThan(full * 0.5);
                }
            }
        }
        float[] s = concat(shared);
        for (double t : TONES) {
            assertThat(power(s, t)).as("the shared mix holds " + t + " Hz").isGreaterThan(full * 0.5);
        }
    }

    @Test
    void silenceInIsSilenceOut() {
        MixMinus mixer = new MixMinus(3);
        for (int f = 0; f < 20; f++) {
            Map<String, float[]> in = new LinkedHashMap<>();
            in.put("a", new float[MixMinus.FRAME]);
            in.put("b", null); // nothing arrived (lost, DTX)
            MixMinus.Result r = mixer.mix(in);
            assertThat(r.speakers()).isEmpty();
            for (float v : r.forParticipant("a")) {
                assertThat(v).isZero();
            }
        }
    }

    @Test
    void tenLoudPeopleDoNotClipAndOnlyTheLoudestAreMixed() {
        MixMinus mixer = new MixMinus(3);
        float peak = 0;
        MixMinus.Result r = null;
        List<float[]> late = new ArrayList<>();
        for (long f = 0; f < 50; f++) {
            Map<String, float[]> in = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                in.put("p" + i, sine(200 + 70 * i, 0.5 + 0.05 * i, f)); // p9 loudest
            }
            r = mixer.mix(in);
            if (f >= 30) {
                late.add(r.shared());
            }
            for (float[] out : List.of(r.shared(), r.forParticipant("p9"))) {
                for (float v : out) {
                    peak = Math.max(peak, Math.abs(v));
                }
            }
        }
        assertThat(peak).as("peak of the mixes").isLessThanOrEqualTo(Limiter.CEILING + 1e-4f);
        assertThat(r.speakers()).as("the three loudest").containsExactlyInAnyOrder("p7", "p8", "p9");
        float[] shared = concat(late);
        double p9 = power(shared, 200 + 70 * 9);
        assertThat(p9).as("p9 in the mix").isGreaterThan(1e-3);
        assertThat(power(shared, 200)).as("p0 (quietest) left out").isLessThan(p9 * 1e-4);
    }

    @Test
    void aVoiceEnteringTheMixRampsInWithoutAClick() {
        MixMinus mixer = new MixMinus(3);
        float maxStep = 0;
        float last = 0;
        for (long f = 0; f < 30; f++) {
            Map<String, float[]> in = new LinkedHashMap<>();
            in.put("listener", new float[MixMinus.FRAME]);
            in.put("talker", f < 10 ? new float[MixMinus.FRAME] : sine(440, 0.5, f)); // starts at full volume
            for (float v : mixer.mix(in).forParticipant("listener")) {
                maxStep = Math.max(maxStep, Math.abs(v - last));
                last = v;
            }
        }
        double sineStep = 2 * Math.PI * 440 / 48_000 * 0.5; // the steepest a 0.5 sine itself moves per sample
        assertThat(maxStep).as("largest jump between samples").isLessThan((float) (sineStep * 1.1));
    }

    @Test
    void tonesSurviveOpusInAndOut() {
        long frames = io.ams.engine.media.NativeResources.outstandingFrames();
        long packets = io.ams.engine.media.NativeResources.outstandingPackets();
        opusRoundTrip();
        assertThat(io.ams.engine.media.NativeResources.outstandingFrames()).as("AVFrames leaked").isEqualTo(frames);
        assertThat(io.ams.engine.media.NativeResources.outstandingPackets()).as("AVPackets leaked").isEqualTo(packets);
    }

    private void opusRoundTrip() {
        List<OpusEncoder> senders = new ArrayList<>();
        List<OpusDecoder> ingress = new ArrayList<>();
        try (OpusEncoder out = new OpusEncoder(48_000); OpusDecoder listener = new OpusDecoder()) {
            for (int i = 0; i < 3; i++) {
                senders.add(new OpusEncoder(48_000));
                ingress.add(new OpusDecoder());
            }
            MixMinus mixer = new MixMinus(3);
            List<float[]> heardByA = new ArrayList<>();
            for (long f = 0; f < 100; f++) {
                Map<String, float[]> in = new LinkedHashMap<>();
                for (int i = 0; i < 3; i++) {
                    for (byte[] pkt : senders.get(i).encode(sine(TONES[i], 0.3, f))) {
                        in.put(WHO[i], ingress.get(i).decode(pkt));
                    }
                }
                for (byte[] pkt : out.encode(mixer.mix(in).forParticipant("a"))) {
                    float[] decoded = listener.decode(pkt);
                    assertThat(decoded).hasSize(MixMinus.FRAME);
                    if (f >= 30) {
                        heardByA.add(decoded);
                    }
                }
            }
            float[] a = concat(heardByA);
            double full = 0.3 * 0.3 / 4;
            assertThat(power(a, 660)).as("a hears b through Opus").isGreaterThan(full * 0.3);
            assertThat(power(a, 880)).as("a hears c through Opus").isGreaterThan(full * 0.3);
            assertThat(power(a, 440)).as("a does not hear itself").isLessThan(full * 0.01);
        } finally {
            senders.forEach(OpusEncoder::close);
            ingress.forEach(OpusDecoder::close);
        }
    }
}
