package io.ams.sfu.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.Permission;
import org.ice4j.ice.RemoteCandidate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target (Jazzer): any text as a remote ICE candidate (from a "candidate" signaling message or an
 * answer's a=candidate): a UDP candidate of component 1 whose address is the literal written, null
 * (ignored: other component, transport or type, a host name), or IllegalArgumentException. And never
 * a DNS lookup ({@link IceCandidates} promises that untrusted SDP cannot make us resolve names): while
 * the target runs, a security manager refuses host name resolution where the JVM allows one to be
 * installed (Java 17; on newer Java the lookup check is skipped). Regression inputs: {@code
 * src/test/resources/io/ams/sfu/transport/IceCandidatesFuzzTestInputs/candidate/}.
 */
class IceCandidatesFuzzTest {
    private static final ThreadLocal<Boolean> GUARDED = ThreadLocal.withInitial(() -> false);
    private static SecurityManager previous;
    private static boolean installed;

    /** Allows everything except resolving a host name on a thread inside the target. */
    @SuppressWarnings("removal")
    private static final class NoLookups extends SecurityManager {
        @Override
        public void checkPermission(Permission perm) {
        }

        @Override
        public void checkPermission(Permission perm, Object context) {
        }

        @Override
        public void checkConnect(String host, int port) {
            if (port == -1 && GUARDED.get()) {
                throw new AssertionError("DNS lookup of '" + host + "' from an untrusted candidate");
            }
        }
    }

    @BeforeAll
    @SuppressWarnings("removal")
    static void guardLookups() {
        try {
            previous = System.getSecurityManager();
            System.setSecurityManager(new NoLookups());
            installed = true;
        } catch (UnsupportedOperationException e) {
            installed = false; // Java 18+ without -Djava.security.manager=allow
        }
    }

    @AfterAll
    @SuppressWarnings("removal")
    static void unguard() {
        if (installed) {
            System.setSecurityManager(previous);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void candidate(byte[] data) {
        String attribute = new String(data, StandardCharsets.UTF_8);
        RemoteCandidate c;
        GUARDED.set(true);
        try {
            c = IceCandidates.parse(attribute, null);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        } finally {
            GUARDED.set(false);
        }
        if (c != null) {
            assertThat(c.getTransportAddress().getPort()).isBetween(1, 65535);
            assertThat(c.getPriority()).isBetween(0L, 0xFFFFFFFFL);
            String written = attribute.trim().split("\\s+")[4]; // as parse reads it: trimmed, "a=" kept off the first token
            assertThat(IceCandidates.isIpLiteral(written)).isTrue();
        }
    }
}
