package io.ams.sfu.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server's DTLS identity: a self-signed ECDSA P-256 certificate and its private key, made once per
 * process (or per {@link MediaPort}) and shared by every peer. Its SHA-256 fingerprint goes into each SDP
 * offer as {@code a=fingerprint:sha-256 ...}. Immutable; the private key never leaves this object and the
 * package.
 */
public final class DtlsIdentity {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AsymmetricKeyParameter privateKey;
    private final byte[] certificateDer;
    private final String fingerprint;

    private DtlsIdentity(AsymmetricKeyParameter privateKey, byte[] certificateDer) {
        this.privateKey = privateKey;
        this.certificateDer = certificateDer;
        this.fingerprint = fingerprintOf(certificateDer);
    }

    /** Generates a fresh key pair and a self-signed certificate valid from yesterday for 30 days. */
    public static DtlsIdentity generate() {
        X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
        ECNamedDomainParameters domain = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, RANDOM));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            SubjectPublicKeyInfo publicKeyInfo =
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic());
            X500Name name = new X500Name("CN=ams-sfu");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                    name, publicKeyInfo);
            AlgorithmIdentifier signatureAlgorithm =
                    new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestAlgorithm =
                    new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            X509CertificateHolder holder = builder.build(
                    new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm).build(keyPair.getPrivate()));
            return new DtlsIdentity(keyPair.getPrivate(), holder.getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException("DtlsIdentity: encoding the certificate failed", e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("DtlsIdentity: no ECDSA signer", e);
        }
    }

    /** SHA-256 fingerprint of the certificate, upper-case hex pairs joined by ':' ("AB:CD:..."). */
    public String fingerprintSha256() {
        return fingerprint;
    }

    /** The DER certificate (a copy). */
    byte[] certificateDer() {
        return certificateDer.clone();
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** The certificate as a BC TLS certificate chain of length one, for the given crypto. */
    Certificate tlsCertificate(BcTlsCrypto crypto) throws IOException {
        TlsCertificate certificate = crypto.createCertificate(certificateDer);
        return new Certificate(new TlsCertificate[] {certificate});
    }

    /** SHA-256 fingerprint of a DER certificate in SDP form ("AB:CD:..."). */
    static String fingerprintOf(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Normalises a fingerprint from SDP ("ab:cd", optionally prefixed "sha-256 ") for comparison. */
    static String normaliseFingerprint(String fingerprint) {
        String f = fingerprint.trim();
        if (f.regionMatches(true, 0, "sha-256", 0, 7)) {
            f = f.substring(7).trim();
        }
        return f.toUpperCase(Locale.ROOT);
    }
}
