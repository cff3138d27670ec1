package io.ams.app.meeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.sfu.ice.TurnCredentials;
import io.ams.sfu.ice.TurnSecret;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials the sidecar mints are the ones coturn accepts: a TURN Allocate over UDP (RFC 5766, long-term
 * credential mechanism: 401 with realm and nonce, then the request with MESSAGE-INTEGRITY keyed by
 * MD5(username:realm:password)), built here byte by byte, against a real {@link Coturn} on loopback. Wrong and
 * expired credentials are refused with 401.
 */
class CoturnIT {
    private static final int MAGIC = 0x2112A442;
    @TempDir
    static Path dir;
    static Coturn coturn;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Coturn.available(), "coturn's turnserver is not installed (.ci/run installs the coturn package)");
        coturn = new Coturn(dir);
    }

    @AfterAll
    static void stop() {
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    void mintedCredentialsAllocateARelay() throws Exception {
        TurnCredentials c = coturn.iceServers(Duration.ofHours(1)).credentialsFor("p1");
        assertThat(allocate(c.username(), c.password())).as(coturn.tail()).isEqualTo(0x0103);
    }

    @Test
    void aWrongSecretOrAnExpiredUsernameIsRefused() throws Exception {
        TurnCredentials wrong = TurnCredentials.mint(TurnSecret.of("not-the-secret"), "p2", Duration.ofHours(1), Instant.now());
        assertThat(allocate(wrong.username(), wrong.password())).isEqualTo(0x0113);
        TurnCredentials expired = TurnCredentials.mint(TurnSecret.of(coturn.secret), "p3", Duration.ofMinutes(1),
                Instant.now().minus(Duration.ofHours(1)));
        assertThat(allocate(expired.username(), expired.password())).isEqualTo(0x0113);
    }

    /** Allocate twice (the first learns realm and nonce); the message type of the second answer. */
    static int allocate(String username, String password) throws IOException, GeneralSecurityException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(3000);
            ByteBuffer first = exchange(s, request(null, null, null, null));
            assertThat(first.getShort(0) & 0xFFFF).as("401 to an Allocate without credentials").isEqualTo(0x0113);
            byte[] realm = attribute(first, 0x0014);
            byte[] nonce = attribute(first, 0x0015);
            assertThat(new String(realm, StandardCharsets.UTF_8)).isEqualTo(Coturn.REALM);
            byte[] key = MessageDigest.getInstance("MD5").digest((username + ":" + Coturn.REALM + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            return exchange(s, request(username, realm, nonce, key)).getShort(0) & 0xFFFF;
        }
    }

    private static ByteBuffer exchange(DatagramSocket s, byte[] request) throws IOException {
        s.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), coturn.port));
        byte[] in = new byte[1500];
        DatagramPacket p = new DatagramPacket(in, in.length);
        s.receive(p);
        return ByteBuffer.wrap(in, 0, p.getLength()).slice();
    }

    private static byte[] attribute(ByteBuffer m, int type) {
        int at = 20;
        int end = 20 + (m.getShort(2) & 0xFFFF);
        while (at + 4 <= end) {
            int t = m.getShort(at) & 0xFFFF;
            int len = m.getShort(at + 2) & 0xFFFF;
            if (t == type) {
                byte[] v = new byte[len];
                m.get(at + 4, v);
                return v;
            }
            at += 4 + (len + 3) / 4 * 4;
        }
        throw new AssertionError("no attribute 0x" + Integer.toHexString(type));
    }

    /** Allocate with REQUESTED-TRANSPORT UDP; with a key also USERNAME, REALM, NONCE and MESSAGE-INTEGRITY. */
    private static byte[] request(String username, byte[] realm, byte[] nonce, byte[] key) throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.allocate(1024);
        byte[] transaction = new byte[12];
        new Random().nextBytes(transaction);
        b.putShort((short) 0x0003).putShort((short) 0).putInt(MAGIC).put(transaction);
        b.putShort((short) 0x0019).putShort((short) 4).putInt(17 << 24);
        if (key != null) {
            put(b, 0x0006, username.getBytes(StandardCharsets.UTF_8));
            put(b, 0x0014, realm);
            put(b, 0x0015, nonce);
            int integrityAt = b.position();
            b.putShort(2, (short) (integrityAt - 20 + 24));
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(b.array(), 0, integrityAt);
            b.putShort((short) 0x0008).putShort((short) 20).put(mac.doFinal());
        }
        b.putShort(2, (short) (b.position() - 20));
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }

    private static void put(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) type).putShort((short) value.length).put(value);
        b.put(new byte[(value.length + 3) / 4 * 4 - value.length]);
    }
}
