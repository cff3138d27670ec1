package io.ams.sfu.ice;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A STUN or TURN server URI (RFC 7064, RFC 7065): {@code stun:host[:port]}, {@code stuns:host[:port]},
 * {@code turn:host[:port][?transport=udp|tcp]}, {@code turns:host[:port][?transport=tcp]}. The host is a
 * name, an IPv4 address or a bracketed IPv6 address; it is never looked up here.
 *
 * @param scheme    stun, stuns, turn or turns
 * @param host      as written (IPv6 with its brackets)
 * @param port      the given port, or the scheme's default (3478; 5349 for stuns/turns)
 * @param transport "udp" or "tcp" when the URI says so, else null (the client's default: UDP for
 *                  stun/turn, TCP for the TLS schemes)
 */
public record TurnUri(String scheme, String host, int port, String transport) {
    private static final Pattern SHAPE = Pattern.compile(
            "(stun|stuns|turn|turns):(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?(?:\\?transport=([A-Za-z]+))?");

    /** Which kind of relay a client gets from a TURN URI (what {@code ?relay=} in the web client selects). */
    public enum Relay { UDP, TCP, TLS }

    public TurnUri {
        if (!scheme.matches("stuns?|turns?")) {
            throw new IllegalArgumentException("scheme '" + scheme + "' is not stun, stuns, turn or turns");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
        }
        if (transport != null && !isTurn(scheme)) {
            throw new IllegalArgumentException("?transport= is for turn: and turns: URIs only");
        }
        if (transport != null && !transport.equals("udp") && !transport.equals("tcp")) {
            throw new IllegalArgumentException("transport '" + transport + "' is not udp or tcp");
        }
        if ("turns".equals(scheme) && "udp".equals(transport)) {
            throw new IllegalArgumentException("turns: over udp (DTLS) is not supported by browsers; use tcp");
        }
    }

    /**
     * Parses a URI as given on the command line.
     *
     * @throws IllegalArgumentException with what is wrong, in words
     */
    public static TurnUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("empty ICE server URI");
        }
        if (uri.length() > 255) {
            throw new IllegalArgumentException("ICE server URI longer than 255 characters");
        }
        String s = uri.trim();
        if (s.contains("://")) {
            throw new IllegalArgumentException("'" + uri + "': STUN/TURN URIs have no '//', e.g. turn:turn.example.org:3478");
        }
        Matcher m = SHAPE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + uri + "' is not a STUN/TURN URI: expected stun:HOST[:PORT], "
                    + "turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT]");
        }
        String scheme = m.group(1);
        int port = m.group(3) == null ? defaultPort(scheme) : Integer.parseInt(m.group(3));
        String transport = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
        try {
            return new TurnUri(scheme, m.group(2), port, transport);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + uri + "': " + e.getMessage(), e);
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.endsWith("s") ? 5349 : 3478;
    }

    private static boolean isTurn(String scheme) {
        return scheme.startsWith("turn");
    }

    /** A TURN URI (needs credentials), not a STUN one. */
    public boolean isTurn() {
        return isTurn(scheme);
    }

    /** For a TURN URI, how the client reaches the server: UDP, TCP or TLS (over TCP). */
    public Relay relay() {
        if (!isTurn()) {
            throw new IllegalStateException(this + " is not a TURN URI");
        }
        if (scheme.equals("turns")) {
            return Relay.TLS;
        }
        return "tcp".equals(transport) ? Relay.TCP : Relay.UDP;
    }

    /** The URI as browsers take it in {@code RTCIceServer.urls}. */
    @Override
    public String toString() {
        return scheme + ':' + host + ':' + port + (transport == null ? "" : "?transport=" + transport);
    }
}
