package io.ams.bench;

import io.ams.engine.audio.MixMinus;
import io.ams.engine.audio.OpusDecoder;
import io.ams.engine.audio.OpusEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one room's audio for one 20 ms frame (issue 9): every participant's Opus packet decoded
 * (3 talk, the rest send silence, as DTX-free browsers do), the mix-minus of the 3 loudest, and the N+1
 * Opus encodes (one per speaker, one shared). Time per frame / 20 ms = the share of one core the room's
 * audio takes. Run: {@code java -jar benchmarks/target/benchmarks.jar AudioMixBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AudioMixBenchmark {
    @Param({"10", "50", "200"})
    int participants;

    private final List<OpusDecoder> decoders = new ArrayList<>();
    private final List<OpusEncoder> encoders = new ArrayList<>();
    private final List<byte[][]> packets = new ArrayList<>(); // per participant: 50 frames of Opus, replayed
    private MixMinus mixer;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() {
        mixer = new MixMinus(3);
        try (OpusEncoder source = new OpusEncoder(32_000); OpusEncoder silence = new OpusEncoder(32_000)) {
            byte[][] talk = new byte[50][];
            byte[][] quiet = new byte[50][];
            for (int f = 0; f < 50; f++) {
                float[] s = new float[MixMinus.FRAME];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) (0.3 * Math.sin(2 * Math.PI * 300 * (f * MixMinus.FRAME + i) / 48_000.0));
                }
                talk[f] = source.encode(s).get(0);
                quiet[f] = silence.encode(new float[MixMinus.FRAME]).get(0);
            }
            for (int p = 0; p < participants; p++) {
                packets.add(p < 3 ? talk : quiet);
                decoders.add(new OpusDecoder());
            }
        }
        for (int i = 0; i < 4; i++) {
            encoders.add(new OpusEncoder(32_000));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoders.forEach(OpusDecoder::close);
        encoders.forEach(OpusEncoder::close);
    }

    /** One libopus encode of a 20 ms frame (what each of the N+1 mixes costs). */
    @Benchmark
    public int encodeOne(Codec c) {
        return c.encoder.encode(c.tone).get(0).length;
    }

    /** One Opus decode of a 20 ms packet (what each participant costs). */
    @Benchmark
    public int decodeOne(Codec c) {
        return c.decoder.decode(c.packet).length;
    }

    /** One encoder and one decoder, for the single-call benchmarks. */
    @State(Scope.Thread)
    public static class Codec {
        OpusEncoder encoder;
        OpusDecoder decoder;
        float[] tone = new float[MixMinus.FRAME];
        byte[] packet;

        @Setup(Level.Trial)
        public void open() {
            for (int i = 0; i < tone.length; i++) {
                tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 300 * i / 48_000.0));
            }
            encoder = new OpusEncoder(32_000);
            decoder = new OpusDecoder();
            packet = encoder.encode(tone).get(0);
        }

        @TearDown(Level.Trial)
        public void close() {
            encoder.close();
            decoder.close();
        }
    }

    @Benchmark
    public int roomFrame() {
        int f = frame++ % 50;
        Map<String, float[]> in = new LinkedHashMap<>();
        for (int p = 0; p < participants; p++) {
            in.put("p" + p, decoders.get(p).decode(packets.get(p)[f]));
        }
        MixMinus.Result r = mixer.mix(in);
        int bytes = encoders.get(3).encode(r.shared()).get(0).length;
        int e = 0;
        for (String speaker : r.speakers()) {
            bytes += encoders.get(e++).encode(r.minus().get(speaker)).get(0).length;
        }
        return bytes;
    }
}
