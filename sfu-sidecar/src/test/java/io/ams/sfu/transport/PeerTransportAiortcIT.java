package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real, independent WebRTC peer (aiortc, in Python) against our transport on the shared media port:
 * we offer one recvonly VP8 video m-line, aiortc answers and sends a 320x240 solid-colour VP8 track. We
 * check ICE + DTLS reach READY, that decrypted RTP with PT 96 carries VP8 (a keyframe with the right
 * dimensions), that aiortc decrypts and acts on the PLI we send with sendRtcp (it reports it and sends a
 * new keyframe), and that the transport goes FAILED by itself once aiortc is killed.
 *
 * <p>Skipped (with the reason printed) only when python3 with aiortc is not installed.
 */
class PeerTransportAiortcIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OUR_SSRC = 0x0BADCAFE;
    private static final Duration CONSENT_TIMEOUT = Duration.ofSeconds(5);

    /** Collects what the transport reports. */
    private static final class Recorder implements PeerTransport.Listener {
        final List<PeerTransport.State> states = new CopyOnWriteArrayList<>();
        final List<String> reasons = new CopyOnWriteArrayList<>();
        final List<byte[]> rtp = new CopyOnWriteArrayList<>();
        final List<byte[]> rtcp = new CopyOnWriteArrayList<>();

        @Override
        public void onState(PeerTransport.State s, String reason) {
            states.add(s);
            reasons.add(s + ": " + reason);
        }

        @Override
        public void onRtp(byte[] b, int off, int len) {
            rtp.add(Arrays.copyOfRange(b, off, off + len));
        }

        @Override
        public void onRtcp(byte[] b, int off, int len) {
            rtcp.add(Arrays.copyOfRange(b, off, off + len));
        }

        long keyframes() {
            return rtp.stream().filter(p -> Vp8.keyframeSize(p) != null).count();
        }
    }

    @Test
    void aiortcSendsVp8ThroughIceDtlsSrtpAndHonoursOurPli() throws Exception {
        String python = findPythonWithAiortc();
        Assumptions.assumeTrue(python != null,
                "skipping: no python3 with aiortc (install Debian python3-aiortc) - PeerTransportAiortcIT not run");
        Path script = Path.of(System.getProperty("basedir", "."), "src/test/python/transport_peer.py");
        assertThat(script).exists();

        Recorder recorder = new Recorder();
        try (MediaPort port = MediaPort.open(new TransportConfig(bindAddress(), 0, List.of("203.0.113.7"),
                CONSENT_TIMEOUT), DtlsIdentity.generate())) {
            PeerTransport peer = port.newPeer("aiortc-1");
            peer.setListener(recorder);
            assertThat(peer.localCandidates()).isNotEmpty()
                    .allMatch(c -> c.contains(" " + port.port() + " typ "))
                    .anyMatch(c -> c.startsWith("candidate:") && c.contains(" typ host"))
                    .anyMatch(c -> c.contains(" 203.0.113.7 " + port.port() + " typ srflx raddr "));
            assertThat(peer.localFingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

            Process aiortc = new ProcessBuilder(python, script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> readLines(aiortc, lines), "aiortc-stdout");
            reader.setDaemon(true);
            reader.start();
            try {
                OutputStream stdin = aiortc.getOutputStream();
                stdin.write((JSON.writeValueAsString(Map.of("type", "offer", "sdp", TestSdp.offer(peer))) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                stdin.flush();

                String answerLine = lines.poll(30, TimeUnit.SECONDS);
                assertThat(answerLine).as("aiortc's answer").isNotNull();
                String answer = JSON.readTree(answerLine).get("sdp").asText();
                TestSdp.Answer remote = TestSdp.parseAnswer(answer);
                assertThat(remote.setup()).isEqualTo("active");
                peer.setRemoteParameters(remote.ufrag(), remote.pwd(), remote.fingerprint(),
                        !"passive".equals(remote.setup()));
                remote.candidates().forEach(peer::addRemoteCandidate);
                peer.addRemoteCandidate("candidate:1 1 udp 2122260223 peer-host.local 50000 typ host"); // ignored
                peer.start();

                await(() -> recorder.states.contains(PeerTransport.State.READY)
                        || recorder.states.contains(PeerTransport.State.FAILED), 30, "READY");
                assertThat(recorder.states).as(String.join(" / ", recorder.reasons))
                        .startsWith(PeerTransport.State.CHECKING, PeerTransport.State.CONNECTED,
                                PeerTransport.State.READY);

                // Decrypted VP8 from aiortc: PT 96, one SSRC, and a 320x240 keyframe.
                await(() -> recorder.rtp.size() >= 30 && recorder.keyframes() >= 1, 20, "30 RTP packets");
                byte[] first = recorder.rtp.get(0);
                assertThat(first[0] & 0xC0).isEqualTo(0x80);
                assertThat(recorder.rtp).allMatch(p -> (p[1] & 0x7F) == 96, "payload type 96");
                int aiortcSsrc = readInt(first, 8);
                assertThat(recorder.rtp).allMatch(p -> readInt(p, 8) == aiortcSsrc, "one SSRC");
                byte[] keyframe = recorder.rtp.stream().filter(p -> Vp8.keyframeSize(p) != null).findFirst()
                        .orElseThrow();
                assertThat(Vp8.keyframeSize(keyframe)).containsExactly(320, 240);

                // Our PLI, protected with SRTCP: aiortc must decrypt it and force a keyframe.
                long keyframesBefore = recorder.keyframes();
                byte[] pli = {(byte) 0x81, (byte) 206, 0, 2,
                    (byte) (OUR_SSRC >>> 24), (byte) (OUR_SSRC >>> 16), (byte) (OUR_SSRC >>> 8), (byte) OUR_SSRC,
                    (byte) (aiortcSsrc >>> 24), (byte) (aiortcSsrc >>> 16), (byte) (aiortcSsrc >>> 8),
                    (byte) aiortcSsrc};
                assertThat(peer.sendRtcp(pli, 0, pli.length)).isTrue();
                assertThat(awaitLine(lines, "\"pli\"", 10)).as("aiortc reports our PLI").isTrue();
                await(() -> recorder.keyframes() > keyframesBefore, 10, "a keyframe after our PLI");

                // Once connected a peer keeps one thread of its own: the DTLS thread ends with the handshake.
                await(() -> peer.threadsAlive() == 1, 5, "the DTLS thread ends after the handshake");

                TransportStats stats = peer.stats();
                assertThat(stats.rtpIn()).isGreaterThanOrEqualTo(30);
                assertThat(stats.srtpAuthFailures()).isZero();
                assertThat(stats.dtlsFailures()).isZero();
                assertThat(stats.packetsOut()).isGreaterThanOrEqualTo(1);
                assertThat(stats.bytesIn()).isGreaterThan(stats.packetsIn() * 12);

                // The peer vanishes: no goodbye, no close_notify. Consent/timeout must fail the transport.
                aiortc.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                await(() -> recorder.states.contains(PeerTransport.State.FAILED),
                        CONSENT_TIMEOUT.toSeconds() + 10, "FAILED after the peer vanished");
                assertThat(recorder.reasons.get(recorder.reasons.size() - 1)).contains("silent");
                await(() -> port.openPeers() == 0, 5, "resources released");
                assertThat(peer.sendRtp(first, 0, first.length)).isFalse();
                peer.close();
                peer.close();
                assertThat(recorder.states).doesNotContain(PeerTransport.State.CLOSED);
                await(() -> peer.threadsAlive() == 0, 5, "the peer's threads end by themselves (close waits for none)");
            } finally {
                aiortc.destroyForcibly();
            }
        }
    }

    /** A non-loopback address when there is one (aiortc gathers no loopback candidates), else loopback. */
    private static String bindAddress() throws IOException {
        for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (var address : java.util.Collections.list(nif.getInetAddresses())) {
                    if (address instanceof java.net.Inet4Address) {
                        return "0.0.0.0";
                    }
                }
            }
        }
        return "127.0.0.1";
    }

    private static String findPythonWithAiortc() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import aiortc, numpy")
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not installed: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static void readLines(Process process, BlockingQueue<String> lines) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // process ended
        }
    }

    private static boolean awaitLine(BlockingQueue<String> lines, String needle, long seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    private static void await(BooleanSupplier condition, long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    /** Just enough VP8 RTP payload parsing (RFC 7741) to find keyframe starts and their dimensions. */
    static final class Vp8 {
        /** {width, height} if this RTP packet starts a VP8 keyframe, else null. */
        static int[] keyframeSize(byte[] rtp) {
            int cc = rtp[0] & 0x0F;
            int pos = 12 + 4 * cc;
            if ((rtp[0] & 0x10) != 0) {
                int extWords = (rtp[pos + 2] & 0xFF) << 8 | (rtp[pos + 3] & 0xFF);
                pos += 4 + 4 * extWords;
            }
            int end = rtp.length - ((rtp[0] & 0x20) != 0 ? rtp[rtp.length - 1] & 0xFF : 0);
            int d = rtp[pos++] & 0xFF;
            boolean start = (d & 0x10) != 0 && (d & 0x0F) == 0;
            if ((d & 0x80) != 0) {
                int x = rtp[pos++] & 0xFF;
                if ((x & 0x80) != 0) {
                    pos += (rtp[pos] & 0x80) != 0 ? 2 : 1;
                }
                if ((x & 0x40) != 0) {
                    pos++;
                }
                if ((x & 0x30) != 0) {
                    pos++;
                }
            }
            if (!start || end - pos < 10 || (rtp[pos] & 0x01) != 0) {
                return null;
            }
            if ((rtp[pos + 3] & 0xFF) != 0x9D || (rtp[pos + 4] & 0xFF) != 0x01 || (rtp[pos + 5] & 0xFF) != 0x2A) {
                return null;
            }
            int width = ((rtp[pos + 6] & 0xFF) | (rtp[pos + 7] & 0xFF) << 8) & 0x3FFF;
            int height = ((rtp[pos + 8] & 0xFF) | (rtp[pos + 9] & 0xFF) << 8) & 0x3FFF;
            return new int[] {width, height};
        }
    }

    /** Test-only SDP: the minimal offer we make and the bits of the answer we need (not the real SDP module). */
    static final class TestSdp {
        record Answer(String ufrag, String pwd, String fingerprint, String setup, List<String> candidates) {
        }

        static String offer(PeerTransport peer) {
            StringBuilder sb = new StringBuilder();
            sb.append("v=0\r\n")
                    .append("o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n")
                    .append("s=-\r\n")
                    .append("t=0 0\r\n")
                    .append("a=group:BUNDLE 0\r\n")
                    .append("a=msid-semantic: WMS\r\n")
                    .append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
                    .append("c=IN IP4 0.0.0.0\r\n")
                    .append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
                    .append("a=ice-ufrag:").append(peer.localUfrag()).append("\r\n")
                    .append("a=ice-pwd:").append(peer.localPassword()).append("\r\n")
                    .append("a=fingerprint:sha-256 ").append(peer.localFingerprint()).append("\r\n")
                    .append("a=setup:actpass\r\n")
                    .append("a=mid:0\r\n")
                    .append("a=recvonly\r\n")
                    .append("a=rtcp-mux\r\n")
                    .append("a=rtpmap:96 VP8/90000\r\n")
                    .append("a=rtcp-fb:96 nack\r\n")
                    .append("a=rtcp-fb:96 nack pli\r\n");
            for (String candidate : peer.localCandidates()) {
                sb.append("a=").append(candidate).append("\r\n");
            }
            sb.append("a=end-of-candidates\r\n");
            return sb.toString();
        }

        static Answer parseAnswer(String sdp) {
            String ufrag = null;
            String pwd = null;
            String fingerprint = null;
            String setup = null;
            List<String> candidates = new ArrayList<>();
            for (String raw : sdp.split("\r?\n")) {
                String line = raw.trim();
                if (line.startsWith("a=ice-ufrag:")) {
                    ufrag = line.substring("a=ice-ufrag:".length());
                } else if (line.startsWith("a=ice-pwd:")) {
                    pwd = line.substring("a=ice-pwd:".length());
                } else if (line.startsWith("a=fingerprint:sha-256 ")) {
                    fingerprint = line.substring("a=fingerprint:sha-256 ".length());
                } else if (line.startsWith("a=setup:")) {
                    setup = line.substring("a=setup:".length());
                } else if (line.startsWith("a=candidate:")) {
                    candidates.add(line.substring(2));
                }
            }
            return new Answer(ufrag, pwd, fingerprint, setup, candidates);
        }
    }
}
