package io.ams.sfu.signal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names and addresses other machines can use to reach this one: what goes into the self-signed
 * certificate ({@link SelfSignedTls}) and which host the printed join links use when the server listens
 * on every interface. Both must agree, or a link would point at an address the certificate does not
 * cover.
 */
public final class HostAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(HostAddresses.class);

    /** A DNS name as certificates and URLs accept it: letters, digits and inner hyphens, dot-separated labels. */
    private static final Pattern DNS_NAME =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /**
     * Interfaces that containers and virtual machines create on the host. Their addresses are real, but a
     * colleague on the LAN cannot reach them, so they come last when a link host is chosen.
     */
    private static final List<String> VIRTUAL_PREFIXES =
            List.of("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "cni", "flannel", "cali", "podman", "lxc", "lxd");

    /** Linux's IFA_F_TEMPORARY in /proc/net/if_inet6: an IPv6 privacy address. */
    private static final int IFA_F_TEMPORARY = 0x01;

    private HostAddresses() {
    }

    /**
     * Every address of an up, non-loopback interface that another machine could use: no link-local
     * addresses (a browser cannot use their zone id in a URL) and no temporary IPv6 privacy addresses
     * (they change every day, and the certificate would be made again each time). IPv4 first, then
     * IPv6; addresses of container and VM bridges after the others.
     */
    public static List<InetAddress> reachable() {
        Set<InetAddress> temporary = temporaryIpv6Addresses();
        List<InetAddress> physical = new ArrayList<>();
        List<InetAddress> virtual = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                boolean isVirtual = VIRTUAL_PREFIXES.stream().anyMatch(p -> nif.getName().startsWith(p));
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
                        continue;
                    }
                    InetAddress plain = withoutScope(a);
                    if (temporary.contains(plain)) {
                        continue;
                    }
                    (isVirtual ? virtual : physical).add(plain);
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list the network interfaces ({}): only localhost will be known", e.getMessage());
        }
        List<InetAddress> all = new ArrayList<>();
        for (List<InetAddress> group : List.of(physical, virtual)) {
            group.stream().filter(a -> a instanceof Inet4Address).filter(a -> !all.contains(a)).forEach(all::add);
            group.stream().filter(a -> a instanceof Inet6Address).filter(a -> !all.contains(a)).forEach(all::add);
        }
        return List.copyOf(all);
    }

    /**
     * This machine's host name in lower case, if it is a valid DNS name. Read from the kernel on Linux, so
     * that a host name missing from DNS and /etc/hosts does not cost a lookup timeout.
     */
    public static Optional<String> hostname() {
        String name = null;
        Path kernel = Path.of("/proc/sys/kernel/hostname");
        try {
            if (Files.isReadable(kernel)) {
                name = Files.readString(kernel).strip();
            }
        } catch (IOException e) {
            name = null;
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                // The JDK's message starts with the name it could not resolve: that is the name we want.
                String m = String.valueOf(e.getMessage());
                name = m.contains(":") ? m.substring(0, m.indexOf(':')).strip() : null;
            }
        }
        if (name == null || !isDnsName(name) || isIpLiteral(name)) {
            return Optional.empty();
        }
        return Optional.of(name.toLowerCase(Locale.ROOT));
    }

    /** True for a syntactically valid DNS name ("meet.example.org", "laptop"). */
    public static boolean isDnsName(String s) {
        return s != null && s.length() <= 253 && DNS_NAME.matcher(s).matches();
    }

    /** True for an IPv4 dotted quad or an IPv6 literal (brackets allowed); never looks anything up. */
    public static boolean isIpLiteral(String s) {
        return parseIpLiteral(s).isPresent();
    }

    /** The address an IP literal stands for, without any DNS lookup; empty if {@code s} is not one. */
    public static Optional<InetAddress> parseIpLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        // InetAddress.getByName only skips DNS for literals: check the shape first so that nothing is resolved.
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        // a hex digit or ':' first: getByName resolves ".b8::" as a host name
        boolean v6 = t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            if (v4) { // getByName would resolve "999.1.1.1" as a host name: build the address from its bytes
                byte[] b = new byte[4];
                String[] octets = t.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int o = Integer.parseInt(octets[i]);
                    if (o > 255) {
                        return Optional.empty();
                    }
                    b[i] = (byte) o;
                }
                return Optional.of(InetAddress.getByAddress(b));
            }
            return Optional.of(withoutScope(InetAddress.getByName(t)));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The address as people write it: dotted quad, or IPv6 in its short form (RFC 5952, "fd00::2"). */
    public static String literal(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }

    /** The host part of a URL for this address: IPv6 in brackets. */
    public static String forUrl(InetAddress a) {
        return a instanceof Inet6Address ? "[" + literal(a) + "]" : literal(a);
    }

    /** The host part of a URL for a host name or literal: IPv6 literals in brackets, the rest unchanged. */
    public static String forUrl(String host) {
        if (host.startsWith("[")) {
            return host;
        }
        return parseIpLiteral(host).map(HostAddresses::forUrl).orElse(host);
    }

    private static InetAddress withoutScope(InetAddress a) {
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(v6.getAddress());
            } catch (UnknownHostException e) {
                return a; // cannot happen for 16 bytes
            }
        }
        return a;
    }

    /**
     * IPv6 privacy addresses, which Java cannot tell apart: Linux flags them in /proc/net/if_inet6
     * (address, interface index, prefix length, scope, flags, name). Elsewhere none are known.
     */
    private static Set<InetAddress> temporaryIpv6Addresses() {
        Path table = Path.of("/proc/net/if_inet6");
        Set<InetAddress> found = new HashSet<>();
        if (!Files.isReadable(table)) {
            return found;
        }
        try {
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 6 || f[0].length() != 32) {
                    continue;
                }
                if ((Integer.parseInt(f[4], 16) & IFA_F_TEMPORARY) != 0) {
                    found.add(InetAddress.getByAddress(HexFormat.of().parseHex(f[0])));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read {}: temporary IPv6 addresses are not excluded", table, e);
        }
        return found;
    }
}
