package io.ams.sfu.signal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A self-signed certificate for the sidecar's HTTPS/WSS, so that people on other machines can use
 * their camera (browsers allow it on https origins and on http://localhost only) without making a
 * certificate themselves.
 *
 * <p>{@link #loadOrCreate} keeps an ECDSA P-256 certificate ({@value #CERT_FILE}) and its PKCS#8 key
 * ({@value #KEY_FILE}, owner-only) as PEM files in a directory, and reuses them from one start to the
 * next: every new certificate makes each browser warn again, so it is only made again when it has to
 * be, that is when a file is missing or unreadable, the key does not belong to the certificate, the
 * certificate has expired or expires within {@link #RENEW_BEFORE}, or it does not name one of the
 * names and addresses this machine is reached by now. The reason is logged and kept in
 * {@link #whyCreated()}.
 *
 * <p>The certificate names localhost, 127.0.0.1, ::1, the host name (and HOST.local, which mDNS
 * resolves on most LANs), every address of {@link HostAddresses#reachable()} and the extra names the
 * caller gives (the {@code --advertise} addresses, a specific {@code --http-host}).
 */
public final class SelfSignedTls {
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedTls.class);
    public static final String CERT_FILE = "cert.pem";
    public static final String KEY_FILE = "key.pem";
    /** About a year; browsers reject longer-lived server certificates even when the user trusts them (macOS: 825 days). */
    static final Duration VALIDITY = Duration.ofDays(365);
    /** Made again this long before it expires, so that a meeting never starts on a certificate about to run out. */
    static final Duration RENEW_BEFORE = Duration.ofDays(7);
    /** Valid from a day before its creation: a participant's clock a little behind must not see it as "not yet valid". */
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Path certFile;
    private final Path keyFile;
    private final String fingerprint;
    private final Instant notAfter;
    private final List<String> names;
    private final String whyCreated;

    private SelfSignedTls(Path certFile, Path keyFile, X509Certificate cert, String whyCreated) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.fingerprint = fingerprintOf(cert);
        this.notAfter = cert.getNotAfter().toInstant();
        this.names = subjectAltNames(cert).stream().map(SanName::text).toList();
        this.whyCreated = whyCreated;
    }

    /**
     * The certificate and key in {@code dir} (made if needed, see the class comment), covering this
     * machine's names and addresses and {@code extraNames} (IP literals or DNS names).
     *
     * @throws IllegalArgumentException if an extra name is neither an IP address nor a DNS name
     * @throws IOException              if the files cannot be written
     */
    public static SelfSignedTls loadOrCreate(Path dir, Collection<String> extraNames) throws IOException {
        return loadOrCreate(dir, namesToCover(extraNames), Clock.systemUTC());
    }

    /** The names a new certificate gets: localhost and loopback, this machine's, then {@code extraNames}. */
    static Set<SanName> namesToCover(Collection<String> extraNames) {
        Set<SanName> names = new LinkedHashSet<>();
        names.add(SanName.dns("localhost"));
        HostAddresses.parseIpLiteral("127.0.0.1").map(SanName::ip).ifPresent(names::add);
        HostAddresses.parseIpLiteral("::1").map(SanName::ip).ifPresent(names::add);
        HostAddresses.hostname().ifPresent(h -> {
            names.add(SanName.dns(h));
            if (h.indexOf('.') < 0 && !h.equals("localhost")) {
                names.add(SanName.dns(h + ".local"));
            }
        });
        HostAddresses.reachable().forEach(a -> names.add(SanName.ip(a)));
        for (String extra : extraNames) {
            names.add(SanName.parse(extra));
        }
        return names;
    }

    static SelfSignedTls loadOrCreate(Path dir, Set<SanName> wanted, Clock clock) throws IOException {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        String problem = problemWith(cert, key, wanted, clock.instant());
        if (problem == null) {
            tightenKeyPermissions(key);
            SelfSignedTls reused = new SelfSignedTls(cert, key, readCertificate(cert), null);
            LOG.info("TLS: reusing the self-signed certificate {} (SHA-256 {}, valid until {})", cert,
                    reused.fingerprint, DAY.format(reused.notAfter));
            return reused;
        }
        X509Certificate made = create(dir, cert, key, wanted, clock.instant());
        SelfSignedTls created = new SelfSignedTls(cert, key, made, problem);
        LOG.info("TLS: made a new self-signed certificate {} because {}; it names {} (SHA-256 {})", cert, problem,
                String.join(", ", created.names), created.fingerprint);
        return created;
    }

    /** The certificate's PEM file. */
    public Path certFile() {
        return certFile;
    }

    /** The private key's PEM file (PKCS#8, owner-only). */
    public Path keyFile() {
        return keyFile;
    }

    /** SHA-256 of the certificate, upper-case hex pairs joined by ':', as browsers and openssl show it. */
    public String fingerprintSha256() {
        return fingerprint;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** The names the certificate is valid for ("localhost", "127.0.0.1", "fd00::2", ...). */
    public List<String> subjectAltNames() {
        return names;
    }

    /** Why the certificate was made by this call, in words; empty when the existing one was reused. */
    public Optional<String> whyCreated() {
        return Optional.ofNullable(whyCreated);
    }

    /** Why the files in place cannot be used (in words for the log), or null when they can. */
    private static String problemWith(Path certPath, Path keyPath, Set<SanName> wanted, Instant now) {
        if (!Files.exists(certPath) && !Files.exists(keyPath)) {
            return "there was none yet";
        }
        X509Certificate cert;
        try {
            cert = readCertificate(certPath);
        } catch (IOException e) {
            return "the certificate " + certPath + " could not be read (" + e.getMessage() + ")";
        }
        PrivateKey key;
        try {
            key = readPrivateKey(keyPath);
        } catch (IOException e) {
            return "the key " + keyPath + " could not be read (" + e.getMessage() + ")";
        }
        if (!belongTogether(key, cert)) {
            return "the key " + keyPath + " does not belong to the certificate";
        }
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return "the certificate is valid only from " + DAY.format(notBefore) + " (was the clock set back?)";
        }
        if (!now.isBefore(notAfter)) {
            return "the certificate expired on " + DAY.format(notAfter);
        }
        if (now.plus(RENEW_BEFORE).isAfter(notAfter)) {
            return "the certificate expires soon, on " + DAY.format(notAfter);
        }
        Set<SanName> present = new LinkedHashSet<>(subjectAltNames(cert));
        List<String> missing = new ArrayList<>();
        for (SanName n : wanted) {
            if (!present.contains(n)) {
                missing.add(n.text());
            }
        }
        if (!missing.isEmpty()) {
            // Names it has beyond the wanted ones (an address this machine had before) do no harm: keep it.
            return "the certificate does not name " + String.join(", ", missing)
                    + " (this machine's names or addresses changed)";
        }
        return null;
    }

    private static X509Certificate create(Path dir, Path certPath, Path keyPath, Set<SanName> names, Instant now)
            throws IOException {
        KeyPair pair;
        X509Certificate cert;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            pair = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "AMS")
                    .addRDN(BCStyle.CN, "AMS self-signed " + HostAddresses.hostname().orElse("server")).build();
            // A random serial: Firefox refuses a certificate whose issuer and serial it has seen on another one.
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            // A leaf, not a CA: Firefox will not let people through to a site whose certificate is a CA.
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(pair.getPublic()));
            // Browsers match the host only against subjectAltName (never the CN).
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.stream().map(SanName::toGeneralName).toArray(GeneralName[]::new)));
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            cert = parseCertificate(der);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("this Java has no ECDSA P-256 to make a certificate with: " + e.getMessage(), e);
        }
        String certPem;
        try {
            certPem = pem("CERTIFICATE", cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encoding the certificate failed", e);
        }
        try {
            Files.createDirectories(dir);
            // The key first: should we stop between the two moves, the next start sees a key that does not
            // belong to the certificate and makes both again.
            writeAtomically(keyPath, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
            writeAtomically(certPath, certPem, "rw-r--r--");
        } catch (IOException e) {
            // NIO's messages are often just a path ("AccessDeniedException: /srv/ams-data/tls"): say what failed.
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
            throw new IOException("cannot write the self-signed certificate and key to " + dir + ": " + why
                    + " (choose another --data-dir, or give --tls-cert and --tls-key)", e);
        }
        return cert;
    }

    /** Writes through a temporary file in the same folder, created with {@code permissions} before any byte is in it. */
    private static void writeAtomically(Path target, String text, String permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep its default permissions
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Puts a key file that someone opened to others back to owner-only, as it was made. */
    private static void tightenKeyPermissions(Path key) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(key);
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            if (!ownerOnly.containsAll(p)) {
                LOG.warn("TLS: the key {} was readable by others ({}): made it owner-only again", key,
                        PosixFilePermissions.toString(p));
                Files.setPosixFilePermissions(key, ownerOnly);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        } catch (IOException e) {
            LOG.warn("TLS: cannot check or restrict the permissions of {}: {}", key, e.getMessage());
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("it is missing", e);
        }
        try {
            return parseCertificate(bytes);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate parseCertificate(byte[] derOrPem) throws GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(derOrPem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e); // a byte array cannot fail to close
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("it is missing", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException("it is not PEM text", e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("no PKCS#8 '" + begin + "' block in it");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("not an EC private key: " + e.getMessage(), e);
        }
    }

    /** True when {@code key} signs what the certificate's public key verifies. */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an RSA certificate beside our EC key
        }
    }

    private static List<SanName> subjectAltNames(X509Certificate cert) {
        List<SanName> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return out;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (type == GeneralName.dNSName) {
                    out.add(SanName.dns(value));
                } else if (type == GeneralName.iPAddress) {
                    HostAddresses.parseIpLiteral(value).map(SanName::ip).ifPresent(out::add);
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            LOG.debug("unreadable subjectAltName in {}", cert.getSubjectX500Principal(), e);
        }
        return out;
    }

    static String fingerprintOf(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** One subjectAltName: a DNS name (lower case) or an IP address (in its short text form). */
    record SanName(boolean isIp, String text) {
        static SanName dns(String name) {
            return new SanName(false, name.toLowerCase(Locale.ROOT));
        }

        static SanName ip(InetAddress address) {
            return new SanName(true, HostAddresses.literal(address));
        }

        /** An IP literal or a DNS name, as given on the command line. */
        static SanName parse(String s) {
            String t = s == null ? "" : s.strip();
            Optional<InetAddress> ip = HostAddresses.parseIpLiteral(t);
            if (ip.isPresent()) {
                return ip(ip.get());
            }
            if (HostAddresses.isDnsName(t)) {
                return dns(t);
            }
            throw new IllegalArgumentException("'" + s + "' is neither an IP address nor a host name,"
                    + " so the certificate cannot name it");
        }

        GeneralName toGeneralName() {
            return new GeneralName(isIp ? GeneralName.iPAddress : GeneralName.dNSName, text);
        }
    }
}
