package io.ams.bench;

import io.ams.engine.audio.AudioSource;
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
 * The cost of one room's audio for one 20 ms frame (issue 9), 3 people talking and the rest sending
 * silence (as DTX-free browsers do), the mix-minus of the 3 loudest, and the N+1 Opus encodes (one
 * per speaker, one shared). {@code roomFrame}: every packet decoded (packets without RFC 6464
 * levels); {@code roomFrameWithLevels}: the room's real path, RTP packets with the level extension
 * through each participant's {@link AudioSource} (jitter buffer; silent voices not decoded). Time per
 * frame / 20 ms = the share of one core the room's audio takes.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar AudioMixBenchmark}.
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
    private final List<AudioSource> sources = new ArrayList<>();
    private final List<byte[][]> rtp = new ArrayList<>();      // per participant: 50 RTP packets with the level
    private MixMinus levelMixer;
    private List<String> speakers = List.of();
    private long clockNanos;
    private int seq;

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
                sources.add(new AudioSource("p" + p, 1));
                byte[][] withLevel = new byte[50][];
                for (int f = 0; f < 50; f++) {
                    withLevel[f] = rtpWithLevel(p < 3 ? talk[f] : quiet[f], p < 3 ? 20 : 127, 1000 + p);
                }
                rtp.add(withLevel);
            }
            levelMixer = new MixMinus(3);
        }
        for (int i = 0; i < 4; i++) {
            encoders.add(new OpusEncoder(32_000));
        }
    }

    /** An RTP packet (header, one-byte RFC 6464 extension with id 1, payload); sequence and timestamp set per send. */
    private static byte[] rtpWithLevel(byte[] payload, int level, long ssrc) {
        byte[] b = new byte[12 + 8 + payload.length];
        b[0] = (byte) 0x90; // V=2, X=1
        b[1] = 111;
        b[8] = (byte) (ssrc >>> 24);
        b[9] = (byte) (ssrc >>> 16);
        b[10] = (byte) (ssrc >>> 8);
        b[11] = (byte) ssrc;
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 1; // one 32-bit word of extensions
        b[16] = 0x10; // id 1, length 1
        b[17] = (byte) ((level < 127 ? 0x80 : 0) | level);
        System.arraycopy(payload, 0, b, 20, payload.length);
        return b;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sources.forEach(AudioSource::close);
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

    @Benchmark
    public int roomFrameWithLevels() throws io.ams.rtp.RtpFormatException {
        int f = frame++ % 50;
        long ts = (long) frame * MixMinus.FRAME;
        clockNanos += 20_000_000L;
        seq = (seq + 1) & 0xffff;
        Map<String, float[]> in = new LinkedHashMap<>();
        for (int p = 0; p < participants; p++) {
            byte[] b = rtp.get(p)[f];
            b[2] = (byte) (seq >>> 8);
            b[3] = (byte) seq;
            b[4] = (byte) (ts >>> 24);
            b[5] = (byte) (ts >>> 16);
            b[6] = (byte) (ts >>> 8);
            b[7] = (byte) ts;
            sources.get(p).onPacket(io.ams.rtp.RtpPacket.parse(b, 0, b.length, clockNanos), b, 0, b.length, clockNanos);
            String id = "p" + p;
            in.put(id, sources.get(p).nextFrame(clockNanos + 60_000_000L, speakers.contains(id)));
        }
        MixMinus.Result r = levelMixer.mix(in);
        speakers = r.speakers();
        int bytes = encoders.get(3).encode(r.shared()).get(0).length;
        int e = 0;
        for (String speaker : r.speakers()) {
            bytes += encoders.get(e++).encode(r.minus().get(speaker)).get(0).length;
        }
        return bytes;
    }
}
