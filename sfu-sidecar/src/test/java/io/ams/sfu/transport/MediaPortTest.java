package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The shared port without a remote peer: every peer advertises the same port, a peer that never answers
 * goes FAILED by itself and frees its resources, garbage sent to the port harms nothing, close is
 * idempotent and reported once.
 */
class MediaPortTest {
    private static final DtlsIdentity IDENTITY = DtlsIdentity.generate();

    private static final class States implements PeerTransport.Listener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onState(PeerTransport.State s, String reason) {
            seen.add(s + ": " + reason);
        }

        @Override
        public void onRtp(byte[] b, int off, int len) {
        }

        @Override
        public void onRtcp(byte[] b, int off, int len) {
        }
    }

    @Test
    void peersShareOnePortAndHaveTheirOwnCredentials() {
        try (MediaPort port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of("198.51.100.1")), IDENTITY)) {
            PeerTransport a = port.newPeer("a");
            PeerTransport b = port.newPeer("b");
            assertThat(port.port()).isPositive();
            assertThat(a.localCandidates()).containsExactly(
                    a.localCandidates().get(0),
                    "candidate:adv1 1 udp " + ((100L << 24) | (65534L << 8) | 255) + " 198.51.100.1 " + port.port()
                            + " typ srflx raddr 127.0.0.1 rport " + port.port());
            assertThat(a.localCandidates().get(0)).matches(
                    "candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 " + port.port() + " typ host");
            assertThat(b.localCandidates()).isEqualTo(a.localCandidates());
            assertThat(a.localUfrag()).isNotEqualTo(b.localUfrag());
            assertThat(a.localPassword()).hasSizeGreaterThanOrEqualTo(22);
            assertThat(a.localFingerprint()).isEqualTo(IDENTITY.fingerprintSha256());
            assertThat(a.sendRtp(new byte[20], 0, 20)).isFalse();
            assertThat(a.stats().sendsDropped()).isEqualTo(1);
        }
    }

    @Test
    void aPeerThatNeverAnswersFailsAndIsReleased() throws Exception {
        TransportConfig config = new TransportConfig("127.0.0.1", 0, List.of(), Duration.ofSeconds(1));
        try (MediaPort port = MediaPort.open(config, IDENTITY)) {
            PeerTransport peer = port.newPeer("silent");
            States states = new States();
            peer.setListener(states);
            peer.setRemoteParameters("remoteufrag", "remotepasswordremotepassword", IDENTITY.fingerprintSha256(), true);
            peer.addRemoteCandidate("a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host");
            peer.start();
            peer.start(); // no-op

            // Garbage at the shared port: no STUN username, no known remote address - dropped by ice4j.
            try (DatagramSocket attacker = new DatagramSocket()) {
                Random random = new Random(7);
                for (int i = 0; i < 200; i++) {
                    byte[] junk = new byte[1 + random.nextInt(300)];
                    random.nextBytes(junk);
                    attacker.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port.port()));
                }
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (peer.state() != PeerTransport.State.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(peer.state()).isEqualTo(PeerTransport.State.FAILED);
            assertThat(states.seen).hasSize(2);
            assertThat(states.seen.get(0)).startsWith("CHECKING");
            assertThat(states.seen.get(1)).startsWith("FAILED: not ready within 1 s (stuck in CHECKING");
            while (port.openPeers() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(port.openPeers()).isZero();
            peer.close();
            assertThat(states.seen).hasSize(2);

            // The port still serves new peers.
            assertThat(port.newPeer("next").localCandidates()).isNotEmpty();
        }
    }

    @Test
    void closeIsIdempotentAndThePortClosesItsPeers() {
        MediaPort port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of()), IDENTITY);
        PeerTransport peer = port.newPeer("p");
        States states = new States();
        peer.setListener(states);
        port.close();
        port.close();
        peer.close();
        assertThat(states.seen).containsExactly("CLOSED: closed");
        assertThat(peer.state()).isEqualTo(PeerTransport.State.CLOSED);
        assertThatThrownBy(() -> port.newPeer("late")).isInstanceOf(TransportException.class);
    }

    @Test
    void controlPathRejectsBadInput() {
        try (MediaPort port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of()), IDENTITY)) {
            PeerTransport peer = port.newPeer("p");
            assertThatThrownBy(peer::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("setRemoteParameters");
            assertThatThrownBy(() -> peer.addRemoteCandidate("candidate:1 1 udp x 1.2.3.4 5 typ host"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> peer.addRemoteCandidate("nonsense")).isInstanceOf(IllegalArgumentException.class);
            peer.addRemoteCandidate("candidate:1 1 tcp 1518280447 10.0.0.1 9 typ host tcptype active"); // ignored
            peer.addRemoteCandidate("candidate:1 2 udp 2130706431 10.0.0.1 5000 typ host"); // RTCP component
            peer.addRemoteCandidate("candidate:1 1 udp 2130706431 a1b2c3.local 5000 typ host"); // mDNS
            peer.addRemoteCandidate("");
        }
        assertThatThrownBy(() -> new TransportConfig("media.example.com", 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TransportConfig("0.0.0.0", 70000, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
