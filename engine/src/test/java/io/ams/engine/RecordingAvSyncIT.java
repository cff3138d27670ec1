package io.ams.engine;

import static io.ams.engine.testing.ColourClips.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.recording.RecordingExport;
import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.proto.v1.StopRecordingRequest;
import io.ams.rtp.testing.FfmpegCli;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording has the room's sound and keeps it in sync with the picture: one participant sends
 * a flash + beep source (white for the first 100 ms of every second, with a 1 kHz beep at the same
 * moments) as VP8 and Opus RTP from FFmpeg; the sealed recording is exported, and the beeps'
 * onsets in the exported audio are compared with the flashes' onsets in the exported video
 * (FFmpeg's own showinfo and astats): the median offset must stay within 60 ms. The sealed file
 * holds no plaintext codec headers.
 */
class RecordingAvSyncIT {
    static final int FPS = 30;

    @TempDir
    Path dir;

    @Test
    void exportedRecordingHasTheBeepsInSyncWithTheFlashes() throws Exception {
        Process sender = null;
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(dir));
             Relay relay = new Relay()) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("sync")
                    .setCanvas(Canvas.newBuilder().setWidth(320).setHeight(180)).setFps(FPS).setBitrateKbps(600).build());
            AddParticipantResponse p = api.addParticipant(AddParticipantRequest.newBuilder().setRoomId("sync")
                    .setParticipantId("flash").setCodec(Codec.VP8).setPayloadType(96).setAudioPayloadType(111).build());
            relay.to(new InetSocketAddress(p.getRtpHost(), p.getRtpPort()));
            sender = FfmpegCli.start(List.of(
                    "-re", "-f", "lavfi", "-i", "color=c=black:s=160x90:r=30",
                    "-re", "-f", "lavfi", "-i", "color=c=white:s=160x90:r=30",
                    "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                    "-filter_complex", "[0:v][1:v]overlay=enable='lt(mod(t,1),0.1)'[v];"
                            + "[2:a]volume=volume=0:enable='gte(mod(t,1),0.1)'[a]",
                    "-map", "[v]", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k",
                    "-g", "30", "-lag-in-frames", "0", "-pix_fmt", "yuv420p",
                    "-f", "rtp", "-payload_type", "96", "-ssrc", "11", "rtp://127.0.0.1:" + relay.videoPort(),
                    "-map", "[a]", "-ac", "1", "-c:a", "libopus", "-b:a", "48k", "-application", "lowdelay",
                    "-f", "rtp", "-payload_type", "111", "-ssrc", "12", "rtp://127.0.0.1:" + relay.audioPort()));
            Thread.sleep(3000); // decoding, and the jitter buffer settled
            api.startRecording(StartRecordingRequest.newBuilder().setRoomId("sync").setRecordingId("av").build());
            Thread.sleep(12_000);
            api.stopRecording(StopRecordingRequest.newBuilder().setRoomId("sync").setRecordingId("av").build());
        } finally {
            if (sender != null) {
                sender.destroy();
                sender.waitFor(5, TimeUnit.SECONDS);
            }
        }
        Path sealed = dir.resolve("sync-av.amsrec");
        byte[] onDisk = Files.readAllBytes(sealed);
        String latin = new String(onDisk, StandardCharsets.ISO_8859_1);
        assertThat(latin).as("no plaintext Opus header").doesNotContain("OpusHead");
        // A VP8 keyframe header of this 320x180 mix: start code 9d 01 2a, then width and height
        // (little-endian 14 bits each). Seven bytes, so ciphertext cannot match it by chance (the
        // 3-byte start code alone turns up in a few hundred kB of random bytes now and then).
        byte[] keyframeHeader = {(byte) 0x9d, 0x01, 0x2a, 0x40, 0x01, (byte) 0xb4, 0x00};
        assertThat(indexOf(onDisk, keyframeHeader)).as("no plaintext VP8 keyframe header").isNegative();

        Path out = dir.resolve("av.webm");
        RecordingExport.Result r = RecordingExport.export(sealed, MasterKey.load(dir.resolve("master.key")), out);
        assertThat(indexOf(Files.readAllBytes(out), keyframeHeader)).as("the export holds the keyframes in plaintext")
                .isNotNegative();
        System.out.printf(Locale.ROOT, "exported: %d frames, %.2f s, %d audio packets (%.2f s)%n", r.frames(), r.seconds(),
                r.audioPackets(), r.audioPackets() * 0.02);
        assertThat(r.seconds()).as("about 12 s recorded").isBetween(9.0, 14.0);
        assertThat(r.audioPackets() * 0.02).as("the audio lasts as long as the video").isCloseTo(r.seconds(),
                org.assertj.core.data.Offset.offset(1.0));

        List<Double> flashes = flashOnsets(out);
        List<Double> beeps = beepOnsets(out);
        System.out.println("flash onsets (s): " + flashes);
        System.out.println("beep onsets (s):  " + beeps);
        assertThat(flashes).as("a flash every second").hasSizeGreaterThanOrEqualTo(8);
        assertThat(beeps).as("a beep every second").hasSizeGreaterThanOrEqualTo(8);
        List<Double> offsets = new ArrayList<>();
        for (double f : flashes) {
            double best = Double.MAX_VALUE;
            for (double b : beeps) {
                if (Math.abs(b - f) < Math.abs(best)) {
                    best = b - f;
                }
            }
            if (Math.abs(best) < 0.5) {
                offsets.add(best * 1000);
            }
        }
        offsets.sort(Double::compare);
        double median = offsets.get(offsets.size() / 2);
        System.out.printf(Locale.ROOT, "A/V offset (beep - flash), ms: median %.0f, all %s%n", median, offsets);
        assertThat(offsets).as("flashes paired with a beep").hasSizeGreaterThanOrEqualTo(8);
        assertThat(Math.abs(median)).as("A/V offset of the recording, ms").isLessThanOrEqualTo(60);
    }

    /** Times (s) where the picture's centre turns white, from FFmpeg's showinfo. */
    static List<Double> flashOnsets(Path file) throws IOException, InterruptedException {
        String log = ffmpeg(List.of("-i", file.toString(), "-map", "0:v",
                "-vf", "crop=32:32:(iw-32)/2:(ih-32)/2,showinfo", "-f", "null", "-"));
        Pattern line = Pattern.compile("pts_time:([0-9.]+).*?mean:\\[(\\d+)");
        List<Double> onsets = new ArrayList<>();
        boolean bright = false;
        for (String l : log.split("\n")) {
            Matcher m = line.matcher(l);
            if (m.find()) {
                boolean now = Integer.parseInt(m.group(2)) > 128;
                if (now && !bright) {
                    onsets.add(Double.parseDouble(m.group(1)));
                }
                bright = now;
            }
        }
        return onsets;
    }

    /** Times (s) where the sound starts (5 ms RMS windows rising above -30 dB), from FFmpeg's astats. */
    static List<Double> beepOnsets(Path file) throws IOException, InterruptedException {
        String log = ffmpeg(List.of("-i", file.toString(), "-map", "0:a", "-af",
                "asetnsamples=n=240,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level",
                "-f", "null", "-"));
        Pattern time = Pattern.compile("pts_time:([0-9.]+)");
        Pattern rms = Pattern.compile("RMS_level=(-?[0-9.]+|-inf)");
        List<Double> onsets = new ArrayList<>();
        double t = -1;
        boolean loud = false;
        for (String l : log.split("\n")) {
            Matcher mt = time.matcher(l);
            if (mt.find()) {
                t = Double.parseDouble(mt.group(1));
                continue;
            }
            Matcher mr = rms.matcher(l);
            if (mr.find() && t >= 0) {
                double db = mr.group(1).equals("-inf") ? -200 : Double.parseDouble(mr.group(1));
                boolean now = db > -30;
                if (now && !loud) {
                    onsets.add(t);
                }
                loud = now;
            }
        }
        return onsets;
    }

    static String ffmpeg(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(FfmpegCli.executable().toString(), "-hide_banner", "-nostdin"));
        cmd.addAll(args);
        Process p = FfmpegCli.processBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("ffmpeg %s: %s", args, out.length() > 2000 ? out.substring(out.length() - 2000) : out)
                .isZero();
        return out;
    }

    /**
     * FFmpeg's RTP muxer sends each stream from a port of its own; a participant's RTP comes from one
     * address (the engine pins it), as a sidecar sends it: this forwards both from one socket.
     */
    static final class Relay implements AutoCloseable {
        final DatagramSocket video;
        final DatagramSocket audio;
        final DatagramSocket out;
        final List<Thread> threads = new ArrayList<>();
        volatile InetSocketAddress target;
        volatile boolean running = true;

        Relay() throws IOException {
            InetAddress lo = InetAddress.getLoopbackAddress();
            video = new DatagramSocket(new InetSocketAddress(lo, 0));
            audio = new DatagramSocket(new InetSocketAddress(lo, 0));
            out = new DatagramSocket(new InetSocketAddress(lo, 0));
            for (DatagramSocket in : List.of(video, audio)) {
                in.setSoTimeout(200);
                Thread t = new Thread(() -> pump(in), "relay-" + in.getLocalPort());
                t.start();
                threads.add(t);
            }
        }

        void to(InetSocketAddress engine) {
            target = engine;
        }

        int videoPort() {
            return video.getLocalPort();
        }

        int audioPort() {
            return audio.getLocalPort();
        }

        private void pump(DatagramSocket in) {
            byte[] buf = new byte[2048];
            while (running) {
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                try {
                    in.receive(dp);
                    InetSocketAddress t = target;
                    if (t != null) {
                        out.send(new DatagramPacket(buf, dp.getLength(), t));
                    }
                } catch (SocketTimeoutException e) {
                    // check running
                } catch (IOException e) {
                    if (running) {
                        System.out.println("relay: " + e);
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(2000);
            }
            video.close();
            audio.close();
            out.close();
        }
    }
}
