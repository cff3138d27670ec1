package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.signal.HostAddresses;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host the printed join links name, and the notes printed around them. */
class JoinLinksTest {
    static final List<InetAddress> LAN = List.of(addr("192.168.1.20"), addr("10.8.0.3"), addr("fd00::2"));

    @TempDir
    Path dir;

    @Test
    void onEveryInterfaceTheLinksUseTheFirstReachableAddressAndNameTheOthers() {
        JoinLinks.Host v4 = JoinLinks.host("0.0.0.0", LAN);
        assertThat(v4.host()).isEqualTo("192.168.1.20");
        assertThat(v4.others()).containsExactly("10.8.0.3", "[fd00::2]");
        assertThat(v4.wildcard()).isTrue();
        assertThat(JoinLinks.host("::", LAN).host()).isEqualTo("192.168.1.20");
        assertThat(JoinLinks.host("::", List.of(addr("fd00::2"))).host()).isEqualTo("[fd00::2]");
        assertThat(JoinLinks.baseUrl(true, v4, 8080)).isEqualTo("https://192.168.1.20:8080");
        // Nothing but loopback: the links can only say localhost.
        assertThat(JoinLinks.host("0.0.0.0", List.of()).host()).isEqualTo("localhost");
    }

    @Test
    void theAllInOneDefaultStillSaysLocalhostAndASpecificHostIsKept() {
        JoinLinks.Host loopback = JoinLinks.host("127.0.0.1", LAN);
        assertThat(loopback.host()).isEqualTo("localhost");
        assertThat(loopback.wildcard()).isFalse();
        assertThat(JoinLinks.baseUrl(false, loopback, 8080)).isEqualTo("http://localhost:8080");
        assertThat(JoinLinks.host("192.168.1.20", LAN).host()).isEqualTo("192.168.1.20");
        assertThat(JoinLinks.host("fd00::2", LAN).host()).isEqualTo("[fd00::2]");
        assertThat(JoinLinks.host("meet.example.org", LAN).host()).isEqualTo("meet.example.org");
        assertThat(JoinLinks.host("127.0.0.2", LAN).host()).isEqualTo("127.0.0.2");
    }

    @Test
    void theNotesGiveTheOtherAddressesTheFirewallPortsAndTheCertificateFingerprint() throws Exception {
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir, List.of("203.0.113.7"));
        String notes = notes(JoinLinks.host("0.0.0.0", LAN), true, List.of("203.0.113.7"), tls);
        assertThat(notes).contains("also work with 10.8.0.3, [fd00::2] in place of 192.168.1.20");
        assertThat(notes).contains("TCP port 8080 and UDP port 10000 open in this machine's firewall");
        assertThat(notes).contains("203.0.113.7 (--advertise)");
        assertThat(notes).contains(tls.fingerprintSha256()).contains(tls.certFile().toString());
        assertThat(notes).contains("Each browser warns once that the connection is not private");
        assertThat(notes).doesNotContain("plain http");
    }

    @Test
    void everyInterfaceWithoutTlsSaysThatOthersWillHaveNoCamera() {
        String notes = notes(JoinLinks.host("0.0.0.0", LAN), false, List.of(), null);
        assertThat(notes).contains("over plain http on localhost only").contains("--tls-self-signed");
        assertThat(notes).doesNotContain("fingerprint");
        // The all-in-one default prints nothing more than before.
        assertThat(notes(JoinLinks.host("127.0.0.1", LAN), false, List.of(), null)).isEmpty();
    }

    private static String notes(JoinLinks.Host host, boolean tls, List<String> advertised, SelfSignedTls selfSigned) {
        StringWriter s = new StringWriter();
        PrintWriter out = new PrintWriter(s);
        JoinLinks.printNotes(out, host, tls, 8080, 10000, advertised, selfSigned);
        out.flush();
        return s.toString();
    }

    private static InetAddress addr(String literal) {
        return HostAddresses.parseIpLiteral(literal).orElseThrow();
    }
}
