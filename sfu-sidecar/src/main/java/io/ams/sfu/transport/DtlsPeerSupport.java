package io.ams.sfu.transport;

import java.io.IOException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the DTLS-SRTP client and server share: our signing credentials, the peer-certificate fingerprint
 * check, the SRTP key export and a human-readable failure reason. One per handshake; written by BC's
 * handshake thread and read by the same thread after the handshake returns or throws.
 */
final class DtlsPeerSupport {
    static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    final BcTlsCrypto crypto;
    final DtlsIdentity identity;
    final String expectedFingerprint;
    final int timeoutMillis;

    private String failureReason;
    private SrtpProfile profile;
    private byte[] keyBlock;
    private String peerFingerprint;

    DtlsPeerSupport(BcTlsCrypto crypto, DtlsIdentity identity, String expectedFingerprint, int timeoutMillis) {
        this.crypto = crypto;
        this.identity = identity;
        this.expectedFingerprint = DtlsIdentity.normaliseFingerprint(expectedFingerprint);
        this.timeoutMillis = timeoutMillis;
    }

    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, identity.privateKey(),
                identity.tlsCertificate(crypto),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** Accepts the peer's chain only if its end-entity certificate has the fingerprint from the SDP. */
    void checkPeerCertificate(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw fail(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        String actual = DtlsIdentity.fingerprintOf(chain.getCertificateAt(0).getEncoded());
        if (!actual.equals(expectedFingerprint)) {
            throw fail(AlertDescription.bad_certificate, "certificate fingerprint mismatch: SDP says sha-256 "
                    + expectedFingerprint + ", peer presented " + actual);
        }
        peerFingerprint = actual;
    }

    void exportKeys(TlsContext context, SrtpProfile negotiated) throws IOException {
        if (negotiated == null) {
            throw fail(AlertDescription.handshake_failure, "no SRTP protection profile negotiated");
        }
        if (peerFingerprint == null) {
            throw fail(AlertDescription.handshake_failure, "peer certificate was never checked");
        }
        profile = negotiated;
        keyBlock = context.exportKeyingMaterial(EXPORTER_LABEL, null, negotiated.keyBlockLength());
    }

    /** Records the reason and builds the alert to throw. */
    TlsFatalAlert fail(short description, String reason) {
        if (failureReason == null) {
            failureReason = reason;
        }
        return new TlsFatalAlert(description, reason);
    }

    void alertRaised(short description, String message) {
        if (failureReason == null) {
            failureReason = "we raised alert " + AlertDescription.getText(description)
                    + (message == null ? "" : ": " + message);
        }
    }

    void alertReceived(short description) {
        if (failureReason == null && description != AlertDescription.close_notify) {
            failureReason = "peer sent alert " + AlertDescription.getText(description);
        }
    }

    String failureReason() {
        return failureReason;
    }

    SrtpProfile profile() {
        return profile;
    }

    byte[] keyBlock() {
        return keyBlock;
    }

    String peerFingerprint() {
        return peerFingerprint;
    }
}
