package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedTlsTest {
    static final int DNS = 2;
    static final int IP = 7;

    @TempDir
    Path dir;

    @Test
    void makesAnOwnerOnlyKeyAndACertificateNamingLocalhostAndTheGivenAddress() throws Exception {
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir, List.of("203.0.113.7", "meet.example.org"));

        assertThat(tls.certFile()).isEqualTo(dir.resolve("cert.pem")).isRegularFile();
        assertThat(tls.keyFile()).isEqualTo(dir.resolve("key.pem")).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.keyFile()))).isEqualTo("rw-------");
        assertThat(Files.readString(tls.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(tls.whyCreated()).hasValue("there was none yet");

        X509Certificate cert = jdkParse(tls.certFile());
        cert.checkValidity();
        cert.verify(cert.getPublicKey()); // self-signed
        assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(cert.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
        assertThat(cert.getBasicConstraints()).as("a leaf, not a CA").isEqualTo(-1);
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        Duration validity = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        assertThat(validity).isBetween(Duration.ofDays(365), Duration.ofDays(367));
        assertThat(cert.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(360)));

        List<String> dns = sans(cert, DNS);
        List<String> ips = sans(cert, IP);
        assertThat(dns).contains("localhost", "meet.example.org");
        HostAddresses.hostname().ifPresent(h -> assertThat(dns).contains(h));
        assertThat(ips).contains("127.0.0.1", "203.0.113.7");
        for (InetAddress a : HostAddresses.reachable()) {
            assertThat(ips.stream().anyMatch(s -> sameAddress(s, a))).as("SAN for " + a + " in " + ips).isTrue();
        }
        assertThat(tls.subjectAltNames()).contains("localhost", "127.0.0.1", "::1", "203.0.113.7");
        assertThat(tls.fingerprintSha256()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(tls.notAfter()).isEqualTo(cert.getNotAfter().toInstant());
    }

    @Test
    void theNextStartReusesTheSameFiles() throws Exception {
        SelfSignedTls first = SelfSignedTls.loadOrCreate(dir, List.of("203.0.113.7"));
        String certText = Files.readString(first.certFile());
        String keyText = Files.readString(first.keyFile());

        SelfSignedTls second = SelfSignedTls.loadOrCreate(dir, List.of("203.0.113.7"));
        assertThat(second.whyCreated()).isEmpty();
        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
        assertThat(Files.readString(second.certFile())).isEqualTo(certText);
        assertThat(Files.readString(second.keyFile())).isEqualTo(keyText);
        // An address no longer asked for does no harm: still the same certificate.
        assertThat(SelfSignedTls.loadOrCreate(dir, List.of()).fingerprintSha256()).isEqualTo(first.fingerprintSha256());
    }

    @Test
    void anExpiredCertificateIsReplaced() throws Exception {
        Instant now = Instant.now();
        SelfSignedTls old = SelfSignedTls.loadOrCreate(dir, SelfSignedTls.namesToCover(List.of()), at(now.minus(Duration.ofDays(400))));
        assertThat(old.notAfter()).isBefore(now);

        SelfSignedTls renewed = SelfSignedTls.loadOrCreate(dir, List.of());
        assertThat(renewed.whyCreated()).hasValueSatisfying(why -> assertThat(why).contains("expired on"));
        assertThat(renewed.fingerprintSha256()).isNotEqualTo(old.fingerprintSha256());
        jdkParse(renewed.certFile()).checkValidity();
    }

    @Test
    void aCertificateExpiringWithinAWeekOrNotYetValidIsReplaced() throws Exception {
        Instant now = Instant.now();
        SelfSignedTls ending = SelfSignedTls.loadOrCreate(dir, SelfSignedTls.namesToCover(List.of()), at(now.minus(Duration.ofDays(360))));
        assertThat(ending.notAfter()).isBetween(now, now.plus(Duration.ofDays(7)));
        SelfSignedTls renewed = SelfSignedTls.loadOrCreate(dir, List.of());
        assertThat(renewed.whyCreated()).hasValueSatisfying(why -> assertThat(why).contains("expires soon"));
        assertThat(renewed.notAfter()).isAfter(now.plus(Duration.ofDays(360)));

        // Made on a machine whose clock ran a month ahead: not valid yet, browsers would refuse it.
        Path future = dir.resolve("future");
        SelfSignedTls.loadOrCreate(future, SelfSignedTls.namesToCover(List.of()), at(now.plus(Duration.ofDays(30))));
        assertThat(SelfSignedTls.loadOrCreate(future, List.of()).whyCreated())
                .hasValueSatisfying(why -> assertThat(why).contains("valid only from"));
    }

    @Test
    void aCorruptedOrMismatchedFileIsReplaced() throws Exception {
        SelfSignedTls first = SelfSignedTls.loadOrCreate(dir, List.of());

        Files.writeString(first.certFile(), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        SelfSignedTls afterBadCert = SelfSignedTls.loadOrCreate(dir, List.of());
        assertThat(afterBadCert.whyCreated()).hasValueSatisfying(why -> assertThat(why).contains("certificate").contains("could not be read"));
        assertThat(afterBadCert.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        jdkParse(afterBadCert.certFile());

        Files.write(afterBadCert.keyFile(), new byte[] {0, 1, 2, (byte) 0xff});
        SelfSignedTls afterBadKey = SelfSignedTls.loadOrCreate(dir, List.of());
        assertThat(afterBadKey.whyCreated()).hasValueSatisfying(why -> assertThat(why).contains("key").contains("could not be read"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(afterBadKey.keyFile()))).isEqualTo("rw-------");

        // The key of another certificate (say, a copy from another machine), or no key at all.
        Path other = Files.createDirectories(dir.resolve("other"));
        SelfSignedTls.loadOrCreate(other, List.of());
        Files.copy(other.resolve("key.pem"), afterBadKey.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(SelfSignedTls.loadOrCreate(dir, List.of()).whyCreated())
                .hasValueSatisfying(why -> assertThat(why).contains("does not belong to the certificate"));
        Files.delete(dir.resolve("key.pem"));
        assertThat(SelfSignedTls.loadOrCreate(dir, List.of()).whyCreated())
                .hasValueSatisfying(why -> assertThat(why).contains("missing"));
        assertThat(SelfSignedTls.loadOrCreate(dir, List.of()).whyCreated()).isEmpty();
    }

    @Test
    void aNewAddressMakesANewCertificateThatNamesIt() throws Exception {
        SelfSignedTls first = SelfSignedTls.loadOrCreate(dir, List.of());
        SelfSignedTls moved = SelfSignedTls.loadOrCreate(dir, List.of("198.51.100.9", "2001:db8:0:0:0:0:0:5"));
        assertThat(moved.whyCreated()).hasValueSatisfying(why -> assertThat(why).contains("198.51.100.9", "2001:db8::5"));
        assertThat(moved.fingerprintSha256()).isNotEqualTo(first.fingerprintSha256());
        assertThat(sans(jdkParse(moved.certFile()), IP)).anyMatch(s -> sameAddress(s, addr("2001:db8::5")));
    }

    @Test
    void aKeyFileOpenedToOthersIsMadeOwnerOnlyAgain() throws Exception {
        SelfSignedTls first = SelfSignedTls.loadOrCreate(dir, List.of());
        Files.setPosixFilePermissions(first.keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
        SelfSignedTls second = SelfSignedTls.loadOrCreate(dir, List.of());
        assertThat(second.fingerprintSha256()).isEqualTo(first.fingerprintSha256());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.keyFile()))).isEqualTo("rw-------");
    }

    @Test
    void anExtraNameThatIsNeitherAnAddressNorAHostNameIsRefusedInWords() {
        assertThatThrownBy(() -> SelfSignedTls.loadOrCreate(dir, List.of("not a host!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'not a host!' is neither an IP address nor a host name");
        assertThat(Files.exists(dir.resolve("cert.pem"))).isFalse();
    }

    @Test
    void aFolderThatCannotBeWrittenIsReportedInWords() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("data"), "a file where the data folder should be");
        assertThatThrownBy(() -> SelfSignedTls.loadOrCreate(notADirectory.resolve("tls"), List.of()))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("cannot write the self-signed certificate and key to " + notADirectory.resolve("tls"))
                .hasMessageContaining("--data-dir");
    }

    @Test
    void addressesAreWrittenTheShortWay() {
        assertThat(HostAddresses.literal(addr("::1"))).isEqualTo("::1");
        assertThat(HostAddresses.literal(addr("fd00:0:0:0:0:0:0:2"))).isEqualTo("fd00::2");
        assertThat(HostAddresses.literal(addr("2001:db8:0:0:1:0:0:0"))).isEqualTo("2001:db8:0:0:1::");
        assertThat(HostAddresses.literal(addr("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(HostAddresses.literal(addr("10.0.0.7"))).isEqualTo("10.0.0.7");
        assertThat(HostAddresses.forUrl("fd00::2")).isEqualTo("[fd00::2]");
        assertThat(HostAddresses.forUrl("192.168.1.20")).isEqualTo("192.168.1.20");
        assertThat(HostAddresses.forUrl("meet.example.org")).isEqualTo("meet.example.org");
        assertThat(HostAddresses.isIpLiteral("example.org")).isFalse();
        assertThat(HostAddresses.isIpLiteral("[::1]")).isTrue();
    }

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    private static InetAddress addr(String literal) {
        return HostAddresses.parseIpLiteral(literal).orElseThrow();
    }

    private static boolean sameAddress(String text, InetAddress a) {
        return HostAddresses.parseIpLiteral(text).map(a::equals).orElse(false);
    }

    static X509Certificate jdkParse(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static List<String> sans(X509Certificate cert, int type) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> all = cert.getSubjectAlternativeNames();
        for (List<?> san : all) {
            if ((Integer) san.get(0) == type) {
                out.add(String.valueOf(san.get(1)));
            }
        }
        return out;
    }
}
