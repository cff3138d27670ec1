package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * ICE over TCP on the shared media port (RFC 6544): with a TCP port configured every peer offers a passive
 * TCP host candidate, and a STUN Binding request sent over real loopback TCP in RFC 4571 framing (2-byte
 * length prefix) with that peer's credentials is answered on the same connection, framed the same way.
 * The request is built here byte by byte (RFC 5389, RFC 8445 section 7.1.2), not with ice4j.
 */
class IceTcpTest {
    private static final DtlsIdentity IDENTITY = DtlsIdentity.generate();
    private static final int MAGIC = 0x2112A442;

    @Test
    void withoutATcpPortNoTcpCandidates() {
        try (MediaPort port = MediaPort.open(new TransportConfig("127.0.0.1", 0, List.of()), IDENTITY)) {
            assertThat(port.tcpPort()).isEqualTo(-1);
            assertThat(port.newPeer("a").localCandidates()).allMatch(c -> c.contains(" udp "));
        }
    }

    @Test
    void passiveTcpCandidatesOnTheConfiguredPortAlsoForAdvertisedAddresses() {
        TransportConfig cfg = new TransportConfig("127.0.0.1", 0, List.of("198.51.100.1"),
                TransportConfig.DEFAULT_CONSENT_TIMEOUT, 0);
        try (MediaPort port = MediaPort.open(cfg, IDENTITY)) {
            assertThat(port.tcpPort()).isPositive();
            List<String> candidates = port.newPeer("a").localCandidates();
            assertThat(candidates).anyMatch(c -> c.matches(
                    "candidate:\\S+ 1 tcp \\d+ 127\\.0\\.0\\.1 " + port.tcpPort() + " typ host tcptype passive"));
            assertThat(candidates).anyMatch(c -> c.matches("candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 " + port.port()
                    + " typ host"));
            assertThat(candidates).contains("candidate:advtcp1 1 tcp " + ((90L << 24) | (65534L << 8) | 255)
                    + " 198.51.100.1 " + port.tcpPort() + " typ srflx raddr 127.0.0.1 rport " + port.tcpPort()
                    + " tcptype passive");
        }
    }

    @Test
    void aStunBindingOverFramedTcpIsAnsweredOnTheSameConnection() throws Exception {
        TransportConfig cfg = new TransportConfig("127.0.0.1", 0, List.of(), Duration.ofSeconds(10), 0);
        try (MediaPort port = MediaPort.open(cfg, IDENTITY)) {
            PeerTransport peer = port.newPeer("tcp-peer");
            peer.setRemoteParameters("remoteufrag", "remote-password-0123456789", IDENTITY.fingerprintSha256(), true);
            peer.start();
            byte[] transaction = new byte[12];
            new Random(7).nextBytes(transaction);
            byte[] request = bindingRequest(peer.localUfrag() + ":remoteufrag", peer.localPassword(), transaction);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port.tcpPort())) {
                s.setSoTimeout(5000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(request.length); // RFC 4571
                out.write(request);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] response = readBindingResponse(in, transaction);
                assertThat(ByteBuffer.wrap(response).getShort() & 0xFFFF).as("Binding success response")
                        .isEqualTo(0x0101);
            }
            peer.close();
        }
    }

    /** Framed messages until the one answering our transaction (ice4j may also send its own checks). */
    private static byte[] readBindingResponse(DataInputStream in, byte[] transaction) throws IOException {
        for (int i = 0; i < 10; i++) {
            int length = in.readUnsignedShort();
            byte[] message = new byte[length];
            in.readFully(message);
            assertThat(length).isGreaterThanOrEqualTo(20);
            assertThat(ByteBuffer.wrap(message, 4, 4).getInt()).as("STUN magic cookie").isEqualTo(MAGIC);
            if (Arrays.equals(Arrays.copyOfRange(message, 8, 20), transaction)) {
                return message;
            }
        }
        throw new AssertionError("no response to our transaction in 10 messages");
    }

    /** USERNAME, PRIORITY, ICE-CONTROLLED, MESSAGE-INTEGRITY (short-term: key = our password), FINGERPRINT. */
    static byte[] bindingRequest(String username, String password, byte[] transaction) throws GeneralSecurityException {
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        int userPadded = (user.length + 3) / 4 * 4;
        int attrs = 4 + userPadded + 8 + 12 + 24 + 8;
        ByteBuffer b = ByteBuffer.allocate(20 + attrs);
        b.putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC).put(transaction);
        b.putShort((short) 0x0006).putShort((short) user.length).put(user).put(new byte[userPadded - user.length]);
        b.putShort((short) 0x0024).putShort((short) 4).putInt(0x6E7F1EFF);   // PRIORITY (prflx, as browsers send)
        b.putShort((short) 0x8029).putShort((short) 8).putLong(0x1234_5678_9ABC_DEF0L); // ICE-CONTROLLED tiebreaker
        int integrityAt = b.position();
        b.putShort(2, (short) (integrityAt - 20 + 24)); // length as if MESSAGE-INTEGRITY were the last attribute
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        mac.update(b.array(), 0, integrityAt);
        b.putShort((short) 0x0008).putShort((short) 20).put(mac.doFinal());
        int fingerprintAt = b.position();
        b.putShort(2, (short) (fingerprintAt - 20 + 8));
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, fingerprintAt);
        b.putShort((short) 0x8028).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554E);
        return b.array();
    }
}
