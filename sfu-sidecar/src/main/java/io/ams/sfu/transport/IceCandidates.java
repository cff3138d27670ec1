package io.ams.sfu.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;

/**
 * SDP candidate attribute values to and from ice4j candidates (RFC 8839 section 5.1). Parsing never
 * resolves names: mDNS ({@code .local}) and other hostnames are refused, so untrusted SDP cannot make us
 * do DNS lookups.
 */
final class IceCandidates {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Starts with a hex digit or ':' as well: getByName resolves ".b8::" as a host name. */
    private static final Pattern IPV6 = Pattern.compile("(?=[0-9A-Fa-f:])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private IceCandidates() {
    }

    static boolean isIpLiteral(String s) {
        return s != null && (IPV4.matcher(s).matches() || IPV6.matcher(s).matches());
    }

    /**
     * The address of an IP literal, never looked up: a dotted quad is built from its bytes (given
     * to {@link InetAddress#getByName}, "999.1.1.1" would be resolved as a host name); an IPv6-shaped
     * one starts with a hex digit or ':' and contains ':', which getByName parses or refuses without DNS.
     */
    private static InetAddress literal(String s) throws UnknownHostException {
        if (!IPV4.matcher(s).matches()) {
            return InetAddress.getByName(s); // IPV6 shape: contains ':'
        }
        String[] octets = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(octets[i]);
            if (v > 255) {
                throw new UnknownHostException(s + ": not an IPv4 address");
            }
            b[i] = (byte) v;
        }
        return InetAddress.getByAddress(b);
    }

    /**
     * "candidate:F 1 udp PRIO IP PORT typ host" for one of our local candidates; a TCP one is
     * "candidate:F 1 tcp PRIO IP PORT typ host tcptype passive" (RFC 6544).
     */
    static String format(LocalCandidate c) {
        TransportAddress a = c.getTransportAddress();
        boolean tcp = a.getTransport() == Transport.TCP;
        StringBuilder sb = new StringBuilder("candidate:").append(c.getFoundation()).append(tcp ? " 1 tcp " : " 1 udp ")
                .append(c.getPriority()).append(' ').append(a.getHostAddress()).append(' ').append(a.getPort())
                .append(" typ ").append(c.getType());
        TransportAddress related = c.getRelatedAddress();
        if (c.getType() == CandidateType.RELAYED_CANDIDATE) {
            sb.append(" raddr 0.0.0.0 rport 0"); // the relay's base is the sidecar's own address: not told
        } else if (related != null) {
            sb.append(" raddr ").append(related.getHostAddress()).append(" rport ").append(related.getPort());
        }
        if (tcp) {
            sb.append(" tcptype ").append(c.getTcpType() == null ? "passive" : c.getTcpType().toString());
        }
        return sb.toString();
    }

    /** A passive TCP host candidate on {@code address}:{@code port} (ICE-TCP relayed from the HTTPS port). */
    static String formatHostTcp(String foundation, long priority, String address, int port) {
        return "candidate:" + foundation + " 1 tcp " + priority + ' ' + address + ' ' + port + " typ host tcptype passive";
    }

    /** A server-reflexive candidate for an advertised (public/NAT) address on our port. */
    static String formatAdvertised(int index, String address, int port, String relatedAddress) {
        long priority = (100L << 24) | ((65535L - index) << 8) | 255L;
        return "candidate:adv" + index + " 1 udp " + priority + ' ' + address + ' ' + port
                + " typ srflx raddr " + relatedAddress + " rport " + port;
    }

    /** A passive TCP server-reflexive candidate for an advertised address on our ICE-TCP port. */
    static String formatAdvertisedTcp(int index, String address, int port, String relatedAddress) {
        long priority = (90L << 24) | ((65535L - index) << 8) | 255L;
        return "candidate:advtcp" + index + " 1 tcp " + priority + ' ' + address + ' ' + port
                + " typ srflx raddr " + relatedAddress + " rport " + port + " tcptype passive";
    }

    /**
     * Parses a remote candidate for component 1 over UDP, or answers null if it is to be ignored
     * (other component or transport, hostname/mDNS address, unknown type).
     *
     * @throws IllegalArgumentException if the attribute is malformed
     */
    static RemoteCandidate parse(String attribute, Component component) {
        String s = attribute.trim();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (!s.startsWith("candidate:")) {
            throw new IllegalArgumentException("not a candidate attribute: " + attribute);
        }
        String[] t = s.substring("candidate:".length()).split("\\s+");
        if (t.length < 8 || !t[6].equals("typ")) {
            throw new IllegalArgumentException("malformed candidate: " + attribute);
        }
        String foundation = t[0];
        int componentId;
        long priority;
        int port;
        try {
            componentId = Integer.parseInt(t[1]);
            priority = Long.parseLong(t[3]);
            port = Integer.parseInt(t[5]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed candidate: " + attribute, e);
        }
        if (port < 1 || port > 65535 || priority < 0 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("malformed candidate: " + attribute);
        }
        if (componentId != 1 || !t[2].toLowerCase(Locale.ROOT).equals("udp") || !isIpLiteral(t[4])) {
            return null;
        }
        CandidateType type;
        try {
            type = CandidateType.parse(t[7]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        InetAddress address;
        try {
            address = literal(t[4]);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in candidate: " + attribute, e);
        }
        return new RemoteCandidate(new TransportAddress(address, port, Transport.UDP), component, type,
                foundation, priority, null);
    }
}
