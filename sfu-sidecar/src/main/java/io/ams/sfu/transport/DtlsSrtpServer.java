package io.ams.sfu.transport;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BC DTLS 1.2 server side of DTLS-SRTP: ECDSA certificate from {@link DtlsIdentity}, requires a client
 * certificate whose SHA-256 fingerprint equals the one from the peer's SDP, picks our most preferred common
 * use_srtp profile and exports the SRTP key block when the handshake completes. One instance per handshake.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // BC's extension tables are raw Hashtables
final class DtlsSrtpServer extends DefaultTlsServer {
    private final DtlsPeerSupport support;
    private SrtpProfile profile;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsIdentity identity, String expectedFingerprint, int timeoutMillis) {
        super(crypto);
        this.support = new DtlsPeerSupport(crypto, identity, expectedFingerprint, timeoutMillis);
    }

    DtlsPeerSupport support() {
        return support;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), DtlsPeerSupport.CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return support.timeoutMillis;
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw support.fail(AlertDescription.handshake_failure, "peer offered no use_srtp extension");
        }
        for (SrtpProfile candidate : SrtpProfile.values()) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == candidate.id) {
                    profile = candidate;
                    return;
                }
            }
        }
        throw support.fail(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {profile.id}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return support.signer(context);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        support.checkPeerCertificate(clientCertificate);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        support.exportKeys(context, profile);
    }

    @Override
    public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
        support.alertRaised(description, message);
    }

    @Override
    public void notifyAlertReceived(short level, short description) {
        support.alertReceived(description);
    }
}
