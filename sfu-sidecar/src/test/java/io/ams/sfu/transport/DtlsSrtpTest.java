package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/**
 * Our DTLS-SRTP server against a plain BouncyCastle DTLS client written here (not our client code) over an
 * in-memory datagram pair: same exported SRTP keys on both sides, SRTP both ways through our media path,
 * tampering counted, and a wrong SDP fingerprint failing the handshake with a readable reason.
 */
class DtlsSrtpTest {
    private static final int TIMEOUT_MS = 10_000;

    /** Two DTLS transports wired back to back. */
    private static final class Wire {
        QueuedDatagramTransport serverSide;
        QueuedDatagramTransport clientSide;

        Wire() {
            serverSide = new QueuedDatagramTransport((b, off, len) -> clientSide.offer(b, off, len));
            clientSide = new QueuedDatagramTransport((b, off, len) -> serverSide.offer(b, off, len));
        }
    }

    /** A minimal, independent BC DTLS-SRTP client: offers the given profiles, pins the server fingerprint. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class ReferenceClient extends DefaultTlsClient {
        private final DtlsIdentity identity;
        private final String serverFingerprint;
        private final int[] profiles;
        int chosenProfile = -1;
        byte[] keyBlock;

        ReferenceClient(DtlsIdentity identity, String serverFingerprint, int... profiles) {
            super(new BcTlsCrypto(new SecureRandom()));
            this.identity = identity;
            this.serverFingerprint = serverFingerprint;
            this.profiles = profiles;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profiles, TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            chosenProfile = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate certificate) throws IOException {
                    String actual = DtlsIdentity.fingerprintOf(
                            certificate.getCertificate().getCertificateAt(0).getEncoded());
                    if (!actual.equals(serverFingerprint)) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate);
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    BcTlsCrypto crypto = (BcTlsCrypto) getCrypto();
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                            identity.privateKey(), identity.tlsCertificate(crypto),
                            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            int length = chosenProfile == 0x0007 ? 2 * (16 + 12) : 2 * (16 + 14);
            keyBlock = context.exportKeyingMaterial("EXTRACTOR-dtls_srtp", null, length);
        }
    }

    private static byte[] rtp(int seq, int ssrc, String payload) {
        byte[] body = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] p = new byte[12 + body.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) 96;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        p[7] = 1;
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        System.arraycopy(body, 0, p, 12, body.length);
        return p;
    }

    private static byte[] pli(int sender, int media) {
        return new byte[] {(byte) 0x81, (byte) 206, 0, 2,
            (byte) (sender >>> 24), (byte) (sender >>> 16), (byte) (sender >>> 8), (byte) sender,
            (byte) (media >>> 24), (byte) (media >>> 16), (byte) (media >>> 8), (byte) media};
    }

    @Test
    void serverAndReferenceClientAgreeOnKeysAndSrtpFlowsBothWays() throws Exception {
        for (int[] offered : new int[][] {{0x0001}, {0x0007, 0x0001}}) {
            roundTrip(offered);
        }
    }

    private void roundTrip(int[] offeredProfiles) throws Exception {
        DtlsIdentity serverId = DtlsIdentity.generate();
        DtlsIdentity clientId = DtlsIdentity.generate();
        Wire wire = new Wire();
        CompletableFuture<DtlsHandshake.Result> server = CompletableFuture.supplyAsync(() -> {
            try {
                return DtlsHandshake.run(true, serverId, clientId.fingerprintSha256(), wire.serverSide, TIMEOUT_MS);
            } catch (DtlsHandshake.DtlsFailure e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        ReferenceClient client = new ReferenceClient(clientId, serverId.fingerprintSha256(), offeredProfiles);
        DTLSTransport clientDtls = new DTLSClientProtocol().connect(client, wire.clientSide);
        DtlsHandshake.Result result = server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);

        SrtpProfile expectedProfile = offeredProfiles[0] == 0x0007
                ? SrtpProfile.AEAD_AES_128_GCM : SrtpProfile.AES128_CM_HMAC_SHA1_80;
        assertThat(result.profile()).isEqualTo(expectedProfile);
        assertThat(client.chosenProfile).isEqualTo(expectedProfile.id);
        assertThat(result.keyBlock()).hasSize(expectedProfile.keyBlockLength()).isEqualTo(client.keyBlock);
        assertThat(result.peerFingerprint()).isEqualTo(clientId.fingerprintSha256());
        assertThat(result.localIsClient()).isFalse();

        // Our media path on the server side; the client side uses SRTP keyed from its own export.
        TransportCounters counters = new TransportCounters();
        List<byte[]> serverSent = new ArrayList<>();
        List<byte[]> rtpIn = new ArrayList<>();
        List<byte[]> rtcpIn = new ArrayList<>();
        try (SrtpSession serverSrtp = new SrtpSession(result.profile(), result.keyBlock(), false);
             SrtpSession clientSrtp = new SrtpSession(expectedProfile, client.keyBlock, true)) {
            InboundPath inbound = new InboundPath(counters);
            inbound.setSrtp(serverSrtp);
            inbound.setSink(new InboundPath.Sink() {
                @Override
                public void onRtp(byte[] b, int off, int len) {
                    rtpIn.add(Arrays.copyOfRange(b, off, off + len));
                }

                @Override
                public void onRtcp(byte[] b, int off, int len) {
                    rtcpIn.add(Arrays.copyOfRange(b, off, off + len));
                }
            });
            OutboundPath outbound = new OutboundPath(counters,
                    (b, off, len) -> serverSent.add(Arrays.copyOfRange(b, off, off + len)));
            outbound.setSrtp(serverSrtp);

            // client -> server: RTP and RTCP decrypt to the same bytes
            byte[] plain = rtp(1000, 0x11223344, "vp8 payload from the client");
            PacketBuffer protectedRtp = new PacketBuffer(Arrays.copyOf(plain, plain.length + 20), 0, plain.length);
            assertThat(clientSrtp.protectRtp(protectedRtp)).isEqualTo(org.jitsi.srtp.SrtpErrorStatus.OK);
            byte[] wireBytes = Arrays.copyOf(protectedRtp.getBuffer(), protectedRtp.getLength());
            assertThat(wireBytes).isNotEqualTo(plain);
            inbound.receive(wireBytes.clone(), 0, wireBytes.length);
            assertThat(rtpIn).hasSize(1);
            assertThat(rtpIn.get(0)).isEqualTo(plain);

            byte[] plainPli = pli(0x11223344, 0x55667788);
            PacketBuffer protectedRtcp = new PacketBuffer(Arrays.copyOf(plainPli, 64), 0, plainPli.length);
            clientSrtp.protectRtcp(protectedRtcp);
            byte[] rtcpWire = Arrays.copyOf(protectedRtcp.getBuffer(), protectedRtcp.getLength());
            inbound.receive(rtcpWire, 0, rtcpWire.length);
            assertThat(rtcpIn).hasSize(1);
            assertThat(rtcpIn.get(0)).isEqualTo(plainPli);

            // A tampered packet (one payload bit) fails authentication, is counted, and is not delivered.
            byte[] next = rtp(1001, 0x11223344, "second packet");
            PacketBuffer second = new PacketBuffer(Arrays.copyOf(next, next.length + 20), 0, next.length);
            clientSrtp.protectRtp(second);
            byte[] tampered = Arrays.copyOf(second.getBuffer(), second.getLength());
            tampered[14] ^= 0x01;
            inbound.receive(tampered, 0, tampered.length);
            assertThat(rtpIn).hasSize(1);
            assertThat(counters.snapshot().srtpAuthFailures()).isEqualTo(1);
            // Garbage with an unknown first byte is counted as malformed, not thrown.
            inbound.receive(new byte[] {(byte) 0xFF, 1, 2}, 0, 3);
            inbound.receive(new byte[] {(byte) 0x80}, 0, 1);
            assertThat(counters.snapshot().malformed()).isEqualTo(2);

            // server -> client: our sendRtp output decrypts to the same bytes on the client
            byte[] down = rtp(7, 0x0A0B0C0D, "relayed video to the client");
            assertThat(outbound.sendRtp(down, 0, down.length)).isTrue();
            assertThat(outbound.sendRtcp(plainPli, 0, plainPli.length)).isTrue();
            assertThat(outbound.sendRtp(plainPli, 0, plainPli.length)).as("RTCP through sendRtp").isFalse();
            assertThat(serverSent).hasSize(2);
            PacketBuffer received = new PacketBuffer(serverSent.get(0), 0, serverSent.get(0).length);
            assertThat(clientSrtp.unprotectRtp(received)).isEqualTo(org.jitsi.srtp.SrtpErrorStatus.OK);
            assertThat(Arrays.copyOf(received.getBuffer(), received.getLength())).isEqualTo(down);
            PacketBuffer receivedRtcp = new PacketBuffer(serverSent.get(1), 0, serverSent.get(1).length);
            assertThat(clientSrtp.unprotectRtcp(receivedRtcp)).isEqualTo(org.jitsi.srtp.SrtpErrorStatus.OK);
            assertThat(Arrays.copyOf(receivedRtcp.getBuffer(), receivedRtcp.getLength())).isEqualTo(plainPli);
            assertThat(counters.snapshot().packetsOut()).isEqualTo(2);
            assertThat(counters.snapshot().sendsDropped()).isEqualTo(1);
        } finally {
            clientDtls.close();
            result.transport().close();
        }
    }

    @Test
    void wrongFingerprintFailsTheHandshakeWithAClearReason() throws Exception {
        DtlsIdentity serverId = DtlsIdentity.generate();
        DtlsIdentity clientId = DtlsIdentity.generate();
        String someoneElse = DtlsIdentity.generate().fingerprintSha256();
        Wire wire = new Wire();
        CompletableFuture<DtlsHandshake.Result> server = CompletableFuture.supplyAsync(() -> {
            try {
                return DtlsHandshake.run(true, serverId, someoneElse, wire.serverSide, TIMEOUT_MS);
            } catch (DtlsHandshake.DtlsFailure e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        ReferenceClient client = new ReferenceClient(clientId, serverId.fingerprintSha256(), 0x0001);
        assertThatThrownBy(() -> new DTLSClientProtocol().connect(client, wire.clientSide))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(TlsFatalAlert.class)
                .cause().hasMessageContaining("certificate fingerprint mismatch")
                .hasMessageContaining(someoneElse)
                .hasMessageContaining(clientId.fingerprintSha256());
    }

    @Test
    void ourClientRoleAgainstOurServerRole() throws Exception {
        DtlsIdentity serverId = DtlsIdentity.generate();
        DtlsIdentity clientId = DtlsIdentity.generate();
        Wire wire = new Wire();
        CompletableFuture<DtlsHandshake.Result> server = CompletableFuture.supplyAsync(() -> {
            try {
                return DtlsHandshake.run(true, serverId, clientId.fingerprintSha256(), wire.serverSide, TIMEOUT_MS);
            } catch (DtlsHandshake.DtlsFailure e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
        DtlsHandshake.Result client =
                DtlsHandshake.run(false, clientId, serverId.fingerprintSha256(), wire.clientSide, TIMEOUT_MS);
        DtlsHandshake.Result serverResult = server.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(client.localIsClient()).isTrue();
        assertThat(client.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(client.keyBlock()).isEqualTo(serverResult.keyBlock());
        client.transport().close();
        serverResult.transport().close();
    }

    @Test
    void clientRoleRejectsAServerWithTheWrongFingerprint() {
        DtlsIdentity serverId = DtlsIdentity.generate();
        DtlsIdentity clientId = DtlsIdentity.generate();
        Wire wire = new Wire();
        CompletableFuture.runAsync(() -> {
            try {
                DtlsHandshake.run(true, serverId, clientId.fingerprintSha256(), wire.serverSide, 3_000);
            } catch (DtlsHandshake.DtlsFailure expected) {
                // the client aborts
            }
        });
        String wrong = DtlsIdentity.generate().fingerprintSha256().toLowerCase(java.util.Locale.ROOT);
        assertThatThrownBy(() -> DtlsHandshake.run(false, clientId, "sha-256 " + wrong, wire.clientSide, 3_000))
                .isInstanceOf(DtlsHandshake.DtlsFailure.class)
                .hasMessageStartingWith("certificate fingerprint mismatch: SDP says sha-256 "
                        + wrong.toUpperCase(java.util.Locale.ROOT));
    }
}
