package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.signal.PortSniffer.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the first bytes of a connection to a port shared by HTTP(S) and ICE-TCP are taken for. */
class PortSnifferTest {
    @Test
    void aTlsClientHelloOnTheHttpsPort() {
        assertThat(kind(true, 0x16)).isEqualTo(Kind.MORE);
        assertThat(kind(true, 0x16, 0x03)).isEqualTo(Kind.WEB);
        assertThat(kind(true, 0x16, 0x03, 0x01, 0x02, 0x00)).isEqualTo(Kind.WEB);
        assertThat(kind(true, 0x16, 0x02)).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void plainHttpOnlyWithoutTls() {
        for (String method : new String[] {"GET / HTTP/1.1\r\n", "POST /x", "HEAD /", "PRI * HTTP/2.0", "OPTIONS *"}) {
            assertThat(PortSniffer.classify(ascii(method), false)).as(method).isEqualTo(Kind.WEB);
            assertThat(PortSniffer.classify(ascii(method), true)).as("plain HTTP on the TLS port: " + method)
                    .isEqualTo(Kind.UNKNOWN);
        }
        assertThat(kind(false, 0x16, 0x03)).as("TLS on the plain port").isEqualTo(Kind.UNKNOWN);
        assertThat(PortSniffer.classify(ascii("get /"), false)).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void anRfc4571FramedStunMessageOnEither() {
        for (int attributes : new int[] {0, 4, 92, 300, 1200}) {
            byte[] frame = stunFrame(0x0001, attributes);
            for (boolean tls : new boolean[] {true, false}) {
                assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(frame), tls)).isEqualTo(Kind.ICE_TCP);
                for (int n = 0; n < PortSniffer.ICE_TCP_PREFIX; n++) {
                    assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(frame, 0, n), tls)).as(n + " bytes")
                            .isEqualTo(Kind.MORE);
                }
            }
        }
        assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(stunFrame(0x0101, 40)), true)).as("a response too")
                .isEqualTo(Kind.ICE_TCP);
    }

    @Test
    void almostStunIsUnknown() {
        byte[] frame = stunFrame(0x0001, 40);
        frame[6] ^= 1; // magic cookie
        assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(frame), true)).isEqualTo(Kind.UNKNOWN);
        frame = stunFrame(0x0001, 40);
        frame[1] += 4; // frame length does not match the STUN length
        assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(frame), true)).isEqualTo(Kind.UNKNOWN);
        frame = stunFrame(0x0001, 40);
        frame[2] |= (byte) 0x80; // first two bits of a STUN message are 0 (RTP/DTLS/ChannelData are not)
        assertThat(PortSniffer.classify(Unpooled.wrappedBuffer(frame), true)).isEqualTo(Kind.UNKNOWN);
        assertThat(kind(true, 0x17)).isEqualTo(Kind.UNKNOWN);
        assertThat(kind(false, 0xFF, 0xFF)).isEqualTo(Kind.UNKNOWN);
    }

    @Test
    void randomBytesAreNeverTakenForIceTcpUnlessTheyLookExactlyLikeIt() {
        Random r = new Random(12);
        int iceTcp = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[16];
            r.nextBytes(b);
            if (PortSniffer.classify(Unpooled.wrappedBuffer(b), true) == Kind.ICE_TCP) {
                iceTcp++;
            }
        }
        assertThat(iceTcp).isZero();
    }

    private static Kind kind(boolean tls, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return PortSniffer.classify(Unpooled.wrappedBuffer(b), tls);
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A 2-byte length, then a STUN header of {@code type} with a magic cookie, then {@code attributes} bytes. */
    private static byte[] stunFrame(int type, int attributes) {
        ByteBuffer b = ByteBuffer.allocate(2 + 20 + attributes);
        b.putShort((short) (20 + attributes)).putShort((short) type).putShort((short) attributes)
                .putInt(PortSniffer.STUN_MAGIC).put(new byte[12]);
        return b.array();
    }
}
