package io.ams.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.audio.MixMinus;
import io.ams.engine.audio.OpusDecoder;
import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.AudioMixStats;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SetAudioOutputRequest;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.testing.FfmpegCli;
import io.grpc.StatusRuntimeException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The room's audio mix end to end, with real content: three participants send distinct sine tones
 * as Opus RTP with FFmpeg's RTP muxer; the engine decodes them through its jitter buffers, mixes
 * the loudest, encodes mix-minus and sends each participant its own stream. Each speaker's stream
 * has the two other tones and not its own; a listener who sends nothing, and one who sends no audio
 * at all, get the shared mix with all three; when the senders stop, silence comes out.
 */
class AudioMixIT {
    static final int[] TONES = {440, 660, 880};
    static final String[] WHO = {"alice", "bob", "carol"};

    @Test
    void eachSpeakerHearsTheOthersAndNotThemselvesAndListenersHearAll() throws Exception {
        List<Process> senders = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(); Receiver rx = new Receiver()) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("a1")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(5).setBitrateKbps(200).build());
            Map<String, Long> ssrcOf = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                AddParticipantResponse r = add(api, WHO[i], 111);
                ssrcOf.put(WHO[i], Integer.toUnsignedLong(r.getMixAudioSsrc()));
                senders.add(FfmpegCli.start(List.of("-re", "-f", "lavfi", "-i",
                        "sine=frequency=" + TONES[i] + ":sample_rate=48000", "-ac", "1", "-c:a", "libopus",
                        "-b:a", "48k", "-application", "voip", "-f", "rtp", "-payload_type", "111",
                        "-ssrc", String.valueOf(5000 + i), "rtp://" + r.getRtpHost() + ":" + r.getRtpPort())));
            }
            ssrcOf.put("dave", Integer.toUnsignedLong(add(api, "dave", 111).getMixAudioSsrc()));  // sends nothing
            ssrcOf.put("erin", Integer.toUnsignedLong(add(api, "erin", 0).getMixAudioSsrc()));    // no audio at all
            assertThat(ssrcOf.values()).doesNotHaveDuplicates().doesNotContain(0L);

            var out = api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("a1").setHost("127.0.0.1")
                    .setPort(rx.port()).build());
            assertThat(out.getActive()).isTrue();
            assertThat(out.getSpeakers()).isEqualTo(3);
            assertThat(out.getPayloadType()).isEqualTo(111);

            awaitSpeakers(api, 3, 15_000);
            rx.clear();
            Thread.sleep(3000);
            Map<Long, List<RtpPacket>> got = rx.snapshot();
            for (Map.Entry<String, Long> e : ssrcOf.entrySet()) {
                List<RtpPacket> packets = got.getOrDefault(e.getValue(), List.of());
                assertThat(packets.size()).as("packets of %s's stream in 3 s (one per 20 ms)", e.getKey()).isBetween(120, 170);
                assertThat(packets).allSatisfy(p -> assertThat(p.payloadType()).isEqualTo(111));
            }
            for (int i = 0; i < 3; i++) {
                float[] heard = decode(got.get(ssrcOf.get(WHO[i])));
                for (int j = 0; j < 3; j++) {
                    double p = power(heard, TONES[j]);
                    if (i == j) {
                        assertThat(p).as("%s hears their own %d Hz", WHO[i], TONES[j]).isLessThan(strongest(heard) * 1e-3);
                    } else {
                        assertThat(p).as("%s hears %s's %d Hz", WHO[i], WHO[j], TONES[j]).isGreaterThan(strongest(heard) * 0.2);
                    }
                }
            }
            for (String listener : List.of("dave", "erin")) {
                float[] heard = decode(got.get(ssrcOf.get(listener)));
                for (int j = 0; j < 3; j++) {
                    assertThat(power(heard, TONES[j])).as("%s hears %d Hz", listener, TONES[j])
                            .isGreaterThan(strongest(heard) * 0.2);
                }
            }

            RoomStats stats = api.getStats(GetStatsRequest.newBuilder().setRoomId("a1").build());
            AudioMixStats mix = stats.getAudioMix();
            assertThat(mix.getActive()).isTrue();
            assertThat(mix.getSpeakersList()).containsExactlyInAnyOrder(WHO);
            assertThat(mix.getEncodes()).as("speakers + 1 encodes per frame")
                    .isBetween(mix.getFrames() * 3, mix.getFrames() * 4 + 4);
            assertThat(mix.getLatencyMs().getCount()).isPositive();
            assertThat(mix.getLatencyMs().getP50Ms()).as("jitter buffer + frame: well under 250 ms").isBetween(1.0, 250.0);
            for (ParticipantStats p : stats.getParticipantsList()) {
                if (p.getParticipantId().equals("erin")) {
                    assertThat(p.hasAudio()).isFalse();
                } else if (p.getParticipantId().equals("dave")) {
                    assertThat(p.getAudio().getPackets()).isZero();
                } else {
                    assertThat(p.getAudio().getFramesDecoded()).isPositive();
                    assertThat(p.getAudio().getSpeaking()).isTrue();
                    assertThat(p.getAudio().getLevelDbfs()).isGreaterThan(-30);
                }
            }
            System.out.printf("audio mix: %d frames, %d late, %.2f ms per frame, latency p50 %.1f ms p90 %.1f ms%n",
                    mix.getFrames(), mix.getLateTicks(), mix.getFrameMsAvg(), mix.getLatencyMs().getP50Ms(),
                    mix.getLatencyMs().getP90Ms());

            // senders stop: silence in, silence out
            for (Process p : senders) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            Thread.sleep(1500);
            rx.clear();
            Thread.sleep(1000);
            Map<Long, List<RtpPacket>> quiet = rx.snapshot();
            float[] heard = decode(quiet.get(ssrcOf.get("dave")));
            assertThat(rms(heard)).as("the shared mix after the senders stopped").isLessThan(1e-3);
            assertThat(api.getStats(GetStatsRequest.newBuilder().setRoomId("a1").build()).getAudioMix().getSpeakersCount())
                    .isZero();

            // stopping the output stops the packets
            api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("a1").build());
            Thread.sleep(200);
            rx.clear();
            Thread.sleep(500);
            assertThat(rx.snapshot()).isEmpty();
        } finally {
            for (Process p : senders) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void badAudioSettingsAreRefusedInWords() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("a2")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(5).build());
            assertRefused(() -> add(api, "x", 96), "audio_payload_type 96 is invalid");
            assertRefused(() -> add(api, "x", 200), "audio_payload_type 200 is invalid");
            assertRefused(() -> api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("a2").setParticipantId("y")
                    .setCodec(Codec.VP8).setAudioPayloadType(111).setAudioLevelExtId(15).build()), "audio_level_ext_id 15");
            assertRefused(() -> api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("a2").setHost("127.0.0.1")
                    .setPort(9).setSpeakers(9).build()), "speakers 9 is out of range");
            assertRefused(() -> api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("a2").setHost("127.0.0.1")
                    .setPort(9).setBitrateKbps(4).build()), "bitrate_kbps 4 is out of range");
            assertRefused(() -> api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("a2").setHost("203.0.113.7")
                    .setPort(9).build()), "203.0.113.7");
            assertRefused(() -> api.setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId("nope").setHost("127.0.0.1")
                    .setPort(9).build()), "room 'nope' does not exist");
        }
    }

    private static void assertRefused(Runnable call, String words) {
        try {
            call.run();
            throw new AssertionError("not refused: expected '" + words + "'");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getDescription()).contains(words);
        }
    }

    private static AddParticipantResponse add(MixerGrpc.MixerBlockingStub api, String id, int audioPt) {
        String room = id.equals("x") || id.equals("y") ? "a2" : "a1";
        return api.addParticipant(AddParticipantRequest.newBuilder().setRoomId(room).setParticipantId(id)
                .setCodec(Codec.VP8).setPayloadType(96).setAudioPayloadType(audioPt).build());
    }

    private static void awaitSpeakers(MixerGrpc.MixerBlockingStub api, int n, long timeoutMs) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMs;
        AudioMixStats last = null;
        while (System.currentTimeMillis() < end) {
            last = api.getStats(GetStatsRequest.newBuilder().setRoomId("a1").build()).getAudioMix();
            if (last.getSpeakersCount() == n) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not " + n + " speakers mixed within " + timeoutMs + " ms: " + last);
    }

    static float[] decode(List<RtpPacket> packets) {
        assertThat(packets).isNotNull().isNotEmpty();
        List<RtpPacket> sorted = new ArrayList<>(packets);
        sorted.sort((a, b) -> Integer.compare(a.sequenceNumber(), b.sequenceNumber()));
        List<float[]> frames = new ArrayList<>();
        try (OpusDecoder d = new OpusDecoder()) {
            for (RtpPacket p : sorted) {
                byte[] payload = java.util.Arrays.copyOfRange(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
                frames.add(d.decode(payload));
            }
        }
        // skip the first 5 frames: the decoder starts mid-stream
        int total = frames.stream().skip(5).mapToInt(f -> f.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] f : frames.subList(Math.min(5, frames.size()), frames.size())) {
            System.arraycopy(f, 0, all, at, f.length);
            at += f.length;
        }
        return all;
    }

    /** Goertzel power of {@code hz} in {@code x}. */
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
        return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / ((double) x.length * x.length);
    }

    static double strongest(float[] x) {
        double best = 0;
        for (int t : TONES) {
            best = Math.max(best, power(x, t));
        }
        return best;
    }

    static double rms(float[] x) {
        double sq = 0;
        for (float v : x) {
            sq += v * v;
        }
        return Math.sqrt(sq / Math.max(1, x.length));
    }

    /** Collects the engine's mixed audio packets by SSRC. */
    static final class Receiver implements AutoCloseable {
        final DatagramSocket socket;
        final Map<Long, List<RtpPacket>> bySsrc = new ConcurrentHashMap<>();
        final Thread thread;
        volatile boolean running = true;

        Receiver() throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout(200);
            thread = new Thread(this::loop, "audio-mix-receiver");
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void loop() {
            byte[] buf = new byte[2048];
            while (running) {
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(dp);
                    byte[] copy = java.util.Arrays.copyOf(dp.getData(), dp.getLength());
                    RtpPacket p = RtpPacket.parse(copy, 0, copy.length);
                    bySsrc.computeIfAbsent(p.ssrc(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(p);
                } catch (SocketTimeoutException e) {
                    // check running
                } catch (Exception e) {
                    if (running) {
                        System.out.println("receiver: " + e);
                    }
                }
            }
        }

        void clear() {
            bySsrc.clear();
        }

        Map<Long, List<RtpPacket>> snapshot() {
            Map<Long, List<RtpPacket>> m = new LinkedHashMap<>();
            bySsrc.forEach((k, v) -> {
                synchronized (v) {
                    m.put(k, new ArrayList<>(v));
                }
            });
            return m;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(2000);
            socket.close();
        }
    }
}
