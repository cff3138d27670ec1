package io.ams.sfu.transport;

import java.io.IOException;
import java.util.Hashtable;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BC DTLS 1.2 client side of DTLS-SRTP, used when the remote answered {@code a=setup:passive}: offers our
 * SRTP profiles, checks the server certificate against the SDP fingerprint, presents our certificate and
 * exports the SRTP key block. One instance per handshake.
 */
@SuppressWarnings({"rawtypes", "unchecked"}) // BC's extension tables are raw Hashtables
final class DtlsSrtpClient extends DefaultTlsClient {
    private final DtlsPeerSupport support;
    private SrtpProfile profile;

    DtlsSrtpClient(BcTlsCrypto crypto, DtlsIdentity identity, String expectedFingerprint, int timeoutMillis) {
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
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(SrtpProfile.ids(), TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw support.fail(AlertDescription.illegal_parameter, "server did not choose exactly one SRTP profile");
        }
        profile = SrtpProfile.byId(chosen.getProtectionProfiles()[0]);
        if (profile == null) {
            throw support.fail(AlertDescription.illegal_parameter,
                    "server chose SRTP profile we did not offer: " + chosen.getProtectionProfiles()[0]);
        }
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                support.checkPeerCertificate(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return support.signer(context);
            }
        };
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
