package io.ams.app;

import io.ams.sfu.signal.HostAddresses;
import io.ams.sfu.signal.SelfSignedTls;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Which host the printed join links name, and the startup notes around them (other addresses, the
 * firewall, the self-signed certificate), shared by {@code ams} and {@code ams sidecar}.
 *
 * <p>A link must name an address the other participants can reach. When the server listens on every
 * interface (0.0.0.0 or ::), "localhost" would only work on this machine, so the links use the first
 * address of {@link HostAddresses#reachable()} and the notes list the others. On loopback (the
 * all-in-one default) the links keep saying localhost: browsers treat http://localhost as a secure
 * origin, so the camera works there without TLS.
 */
public final class JoinLinks {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /**
     * @param host     the host part of the links ("localhost", "192.168.1.20", "[fd00::2]")
     * @param others   other hosts that reach the same server, for the notes
     * @param wildcard whether the server listens on every interface
     */
    public record Host(String host, List<String> others, boolean wildcard) {
        public Host {
            others = List.copyOf(others);
        }
    }

    private JoinLinks() {
    }

    /** The link host for a server listening on {@code httpHost}, given this machine's reachable addresses. */
    public static Host host(String httpHost, List<InetAddress> reachable) {
        if (isWildcard(httpHost)) {
            if (reachable.isEmpty()) {
                return new Host("localhost", List.of(), true);
            }
            List<String> others = new ArrayList<>();
            for (InetAddress a : reachable.subList(1, reachable.size())) {
                others.add(HostAddresses.forUrl(a));
            }
            return new Host(HostAddresses.forUrl(reachable.get(0)), others, true);
        }
        if (isLoopback(httpHost)) {
            return new Host("localhost", List.of(), false);
        }
        return new Host(HostAddresses.forUrl(httpHost), List.of(), false);
    }

    public static String baseUrl(boolean tls, Host host, int httpPort) {
        return (tls ? "https" : "http") + "://" + host.host() + ":" + httpPort;
    }

    /**
     * The notes after the links: where else the server answers, which ports others need, and, with a
     * self-signed certificate, its fingerprint and what the browser will say about it.
     */
    static void printNotes(PrintWriter out, Host host, boolean tls, int httpPort, int mediaPort, List<String> advertised,
                           SelfSignedTls selfSigned) {
        if (host.wildcard()) {
            out.println();
            if (host.host().equals("localhost")) {
                out.println("No network address was found on this machine: only this machine can join.");
            } else {
                if (!host.others().isEmpty()) {
                    out.println("The server listens on every interface: the links also work with " + String.join(", ", host.others())
                            + " in place of " + host.host() + ".");
                }
                out.println("People on other machines need TCP port " + httpPort + " and UDP port " + mediaPort
                        + " open in this machine's firewall.");
            }
            if (!tls) {
                out.println("Browsers allow the camera and microphone over plain http on localhost only: for people on"
                        + " other machines, start with --tls-self-signed (or --tls-cert and --tls-key).");
            }
        }
        if (!advertised.isEmpty() && !host.host().equals("localhost")) {
            out.println("Media is also announced at " + String.join(", ", advertised) + " (--advertise): people outside"
                    + " this network can join with that address in place of " + host.host() + " if TCP port " + httpPort
                    + " and UDP port " + mediaPort + " reach this machine.");
        }
        if (selfSigned != null) {
            out.println();
            out.println("HTTPS uses a self-signed certificate made for this machine (" + selfSigned.certFile()
                    + ", valid until " + DAY.format(selfSigned.notAfter()) + "). Its SHA-256 fingerprint is:");
            out.println("  " + selfSigned.fingerprintSha256());
            out.println("Each browser warns once that the connection is not private, because no public authority"
                    + " vouches for this certificate. Open the certificate from the warning and check that its SHA-256"
                    + " fingerprint is the one above, then go on: Advanced, Proceed in Chrome and Edge; Advanced, Accept"
                    + " the Risk and Continue in Firefox.");
        }
    }

    private static boolean isWildcard(String address) {
        return HostAddresses.parseIpLiteral(address).map(InetAddress::isAnyLocalAddress).orElse(false);
    }

    /**
     * 127.0.0.1 is printed as localhost, as before: browsers treat http://localhost as a secure origin. Other
     * loopback addresses stay as they are, since localhost need not reach a server bound only to them.
     */
    private static boolean isLoopback(String address) {
        return address.equalsIgnoreCase("localhost") || address.equals("127.0.0.1");
    }
}
