package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;

import org.jitsi.srtp.SrtpErrorStatus;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests for our key-block split and per-SSRC contexts, with the SRTP/SRTCP vectors of
 * libsrtp's srtp_driver.c (AES-CM/HMAC-SHA1-80 and AEAD-AES-128-GCM), plus tamper detection.
 */
class SrtpSessionTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final byte[] CM_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] CM_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] RTP_PLAIN = HEX.parseHex("800f1234decafbadcafebabeabababababababababababababababab");
    private static final byte[] CM_SRTP = HEX.parseHex(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
    private static final byte[] RTCP_PLAIN = HEX.parseHex("81c8000bcafebabe" + "abababababababab" + "abababababababab");
    /** The reference SRTCP packet carries index 1, i.e. the second packet a fresh context protects. */
    private static final byte[] CM_SRTCP_SECOND = HEX.parseHex(
            "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");

    private static final byte[] GCM_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] GCM_SRTP = HEX.parseHex(
            "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
    private static final byte[] GCM_SRTCP_SECOND = HEX.parseHex(
            "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001");

    /** A key block whose client half is the vector's key and salt; the server half is filler. */
    private static byte[] keyBlock(SrtpProfile profile, byte[] clientKey, byte[] clientSalt) {
        byte[] block = new byte[profile.keyBlockLength()];
        Arrays.fill(block, (byte) 0x5A);
        int k = profile.keyLength;
        System.arraycopy(clientKey, 0, block, 0, k);
        System.arraycopy(clientSalt, 0, block, 2 * k, profile.saltLength);
        return block;
    }

    private static PacketBuffer packet(byte[] bytes) {
        byte[] room = Arrays.copyOf(bytes, bytes.length + SrtpSession.MAX_OVERHEAD);
        return new PacketBuffer(room, 0, bytes.length);
    }

    private static byte[] bytes(PacketBuffer p) {
        return Arrays.copyOfRange(p.getBuffer(), p.getOffset(), p.getOffset() + p.getLength());
    }

    @Test
    void aesCmHmacSha1MatchesLibsrtpVectors() {
        knownAnswer(SrtpProfile.AES128_CM_HMAC_SHA1_80, CM_KEY, CM_SALT, CM_SRTP, CM_SRTCP_SECOND);
    }

    @Test
    void aeadAesGcmMatchesLibsrtpVectors() {
        knownAnswer(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, GCM_SRTP, GCM_SRTCP_SECOND);
    }

    private static void knownAnswer(SrtpProfile profile, byte[] key, byte[] salt, byte[] srtp, byte[] srtcpSecond) {
        byte[] block = keyBlock(profile, key, salt);
        try (SrtpSession client = new SrtpSession(profile, block, true);
             SrtpSession server = new SrtpSession(profile, block, false)) {
            PacketBuffer rtp = packet(RTP_PLAIN);
            assertThat(client.protectRtp(rtp)).isEqualTo(SrtpErrorStatus.OK);
            assertThat(bytes(rtp)).isEqualTo(srtp);

            PacketBuffer first = packet(RTCP_PLAIN);
            assertThat(client.protectRtcp(first)).isEqualTo(SrtpErrorStatus.OK);
            PacketBuffer second = packet(RTCP_PLAIN);
            assertThat(client.protectRtcp(second)).isEqualTo(SrtpErrorStatus.OK);
            assertThat(bytes(second)).isEqualTo(srtcpSecond);

            // The server receives with the client key: the same vectors decrypt back to the plaintext.
            PacketBuffer in = packet(srtp);
            assertThat(server.unprotectRtp(in)).isEqualTo(SrtpErrorStatus.OK);
            assertThat(bytes(in)).isEqualTo(RTP_PLAIN);
            PacketBuffer rtcpIn = packet(srtcpSecond);
            assertThat(server.unprotectRtcp(rtcpIn)).isEqualTo(SrtpErrorStatus.OK);
            assertThat(bytes(rtcpIn)).isEqualTo(RTCP_PLAIN);

            // Replaying the same packet is refused.
            assertThat(server.unprotectRtp(packet(srtp))).isNotEqualTo(SrtpErrorStatus.OK);
        }
    }

    @Test
    void everySingleBitFlipAndTruncationIsRejected() {
        byte[] block = keyBlock(SrtpProfile.AES128_CM_HMAC_SHA1_80, CM_KEY, CM_SALT);
        for (int i = 0; i < CM_SRTP.length * 8; i++) {
            byte[] tampered = CM_SRTP.clone();
            tampered[i / 8] ^= (byte) (1 << (i % 8));
            try (SrtpSession server = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, block, false)) {
                assertThat(server.unprotectRtp(packet(tampered))).as("bit %d", i).isNotEqualTo(SrtpErrorStatus.OK);
            }
        }
        for (int len = 0; len < CM_SRTP.length; len++) {
            try (SrtpSession server = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, block, false)) {
                assertThat(server.unprotectRtp(packet(Arrays.copyOf(CM_SRTP, len))))
                        .as("length %d", len).isNotEqualTo(SrtpErrorStatus.OK);
            }
        }
    }

    @Test
    void forgedSsrcsDoNotAccumulateContexts() {
        byte[] block = keyBlock(SrtpProfile.AES128_CM_HMAC_SHA1_80, CM_KEY, CM_SALT);
        try (SrtpSession server = new SrtpSession(SrtpProfile.AES128_CM_HMAC_SHA1_80, block, false)) {
            for (int ssrc = 0; ssrc < 10 * SrtpSession.MAX_INBOUND_SSRCS; ssrc++) {
                byte[] forged = CM_SRTP.clone();
                forged[8] = (byte) (ssrc >>> 8);
                forged[9] = (byte) ssrc;
                assertThat(server.unprotectRtp(packet(forged))).isEqualTo(SrtpErrorStatus.AUTH_FAIL);
            }
            // The genuine SSRC still gets a context and decrypts.
            PacketBuffer in = packet(CM_SRTP);
            assertThat(server.unprotectRtp(in)).isEqualTo(SrtpErrorStatus.OK);
            assertThat(bytes(in)).isEqualTo(RTP_PLAIN);
        }
    }
}
