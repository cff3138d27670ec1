package io.ams.sfu.transport;

import java.io.IOException;
import java.security.SecureRandom;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Runs one blocking DTLS 1.2 handshake (server or client role) over a datagram transport and returns the
 * negotiated SRTP profile and key block. Failures come back as {@link DtlsFailure} with a reason a person can
 * act on ("certificate fingerprint mismatch: ...", "handshake timed out after 20000 ms", ...).
 */
final class DtlsHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The outcome of a successful handshake; {@code transport} is owned by the caller (close it). */
    record Result(DTLSTransport transport, SrtpProfile profile, byte[] keyBlock, String peerFingerprint,
                  boolean localIsClient) {
    }

    /** A handshake that did not complete, with its reason. */
    static final class DtlsFailure extends IOException {
        DtlsFailure(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private DtlsHandshake() {
    }

    static Result run(boolean asServer, DtlsIdentity identity, String expectedFingerprint,
                      DatagramTransport transport, int timeoutMillis) throws DtlsFailure {
        BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
        DtlsPeerSupport support;
        DTLSTransport dtls;
        try {
            if (asServer) {
                DtlsSrtpServer server = new DtlsSrtpServer(crypto, identity, expectedFingerprint, timeoutMillis);
                support = server.support();
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                protocol.setVerifyRequests(false); // ICE already proved the peer owns its address
                dtls = accept(protocol, server, transport, support, timeoutMillis);
            } else {
                DtlsSrtpClient client = new DtlsSrtpClient(crypto, identity, expectedFingerprint, timeoutMillis);
                support = client.support();
                dtls = connect(client, transport, support, timeoutMillis);
            }
        } catch (IllegalArgumentException e) {
            throw new DtlsFailure("bad DTLS parameters: " + e.getMessage(), e);
        }
        return new Result(dtls, support.profile(), support.keyBlock(), support.peerFingerprint(), !asServer);
    }

    private static DTLSTransport accept(DTLSServerProtocol protocol, DtlsSrtpServer server,
                                        DatagramTransport transport, DtlsPeerSupport support, int timeoutMillis)
            throws DtlsFailure {
        try {
            return protocol.accept(server, transport);
        } catch (IOException | RuntimeException e) {
            throw failure(support, e, timeoutMillis);
        }
    }

    private static DTLSTransport connect(DtlsSrtpClient client, DatagramTransport transport,
                                         DtlsPeerSupport support, int timeoutMillis) throws DtlsFailure {
        try {
            return new DTLSClientProtocol().connect(client, transport);
        } catch (IOException | RuntimeException e) {
            throw failure(support, e, timeoutMillis);
        }
    }

    private static DtlsFailure failure(DtlsPeerSupport support, Exception e, int timeoutMillis) {
        String reason = support.failureReason();
        if (reason == null) {
            if (e instanceof TlsTimeoutException) {
                reason = "handshake timed out after " + timeoutMillis + " ms";
            } else if (e instanceof TlsFatalAlertReceived received) {
                reason = "peer sent alert " + AlertDescription.getText(received.getAlertDescription());
            } else if (e instanceof TlsFatalAlert alert) {
                reason = "alert " + AlertDescription.getText(alert.getAlertDescription())
                        + (alert.getMessage() == null ? "" : ": " + alert.getMessage());
            } else {
                reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        return new DtlsFailure(reason, e);
    }
}
