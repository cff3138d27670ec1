package io.ams.engine.ingest;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address a participant's RTP may come from (issue 8 part 7: plain RTP between sidecar and
 * engine is pinned, so that nobody else on the path can inject a picture).
 *
 * <ul>
 * <li>host and port given (AddParticipant's {@code sender_host}/{@code sender_port}): only that
 *     address, never another;</li>
 * <li>port given, host not: that port from the first host that sends a valid packet, then pinned;</li>
 * <li>nothing given: the first sender of a valid packet is latched; it gives way to a new sender
 *     only when the ingress allows a move (the latched stream has been silent, as for a new SSRC).</li>
 * </ul>
 * Loopback addresses count as one host (127.0.0.1 and ::1 are both this machine). Confined to the
 * participant's event-loop thread.
 */
public final class SenderPin {
    private final InetAddress givenHost;   // null: latch
    private final int givenPort;           // 0: latch
    private volatile InetSocketAddress latched; // null until the first valid packet (unless fully given); read by stats

    private SenderPin(InetAddress host, int port) {
        this.givenHost = host;
        this.givenPort = port;
        this.latched = host != null && port != 0 ? new InetSocketAddress(host, port) : null;
    }

    /** Pinned to {@code host} (null: the first host seen) and {@code port} (0: the first port seen). */
    public static SenderPin of(InetAddress host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sender port " + port + " is out of range 0..65535");
        }
        return new SenderPin(host, port);
    }

    /** No sender given: the first one is latched. */
    public static SenderPin latchFirst() {
        return new SenderPin(null, 0);
    }

    /** True when no address was given at all (the first sender is latched and may move after silence). */
    public boolean latching() {
        return givenHost == null && givenPort == 0;
    }

    /**
     * May a datagram from {@code from} be looked at? {@code mayMove}: the ingress would take a new
     * stream now (nothing latched yet, or the latched one silent); only a latching pin follows it.
     */
    public boolean allows(InetSocketAddress from, boolean mayMove) {
        if (givenPort != 0 && from.getPort() != givenPort) {
            return false;
        }
        if (givenHost != null && !sameHost(givenHost, from.getAddress())) {
            return false;
        }
        if (latched == null) {
            return true;
        }
        return matches(latched, from) || latching() && mayMove;
    }

    /** A valid packet from {@code from} was accepted: latch it (no-op once pinned, unless latching). */
    public void accepted(InetSocketAddress from) {
        if (latched == null || latching() && !matches(latched, from)) {
            latched = from;
        }
    }

    /** The address packets are taken from now, or null while none is latched. */
    public InetSocketAddress current() {
        return latched;
    }

    public String describe() {
        if (latched != null) {
            return latched.getAddress().getHostAddress() + ":" + latched.getPort();
        }
        return (givenHost == null ? "*" : givenHost.getHostAddress()) + ":" + (givenPort == 0 ? "*" : givenPort);
    }

    private static boolean matches(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && sameHost(a.getAddress(), b.getAddress());
    }

    /** Equal addresses, with every loopback address one host. */
    public static boolean sameHost(InetAddress a, InetAddress b) {
        if (a == null || b == null) {
            return false;
        }
        return a.isLoopbackAddress() && b.isLoopbackAddress() || a.equals(b);
    }
}
