package io.ams.engine.control;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address block, "10.0.0.0/8", "fd00::/8" or a single address ("192.0.2.7" = /32, "::1" = /128).
 * IPv4 blocks match IPv4 addresses only, IPv6 blocks IPv6 addresses only.
 */
public record Cidr(InetAddress network, int prefix) {
    /** Loopback, both families: the default of --allow-destinations. */
    public static final List<Cidr> LOOPBACK = List.of(parse("127.0.0.0/8"), parse("::1/128"));

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " is out of range 0.." + bits);
        }
    }

    /** Parses one block; the address must be a literal (no name lookups). */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        InetAddress a = literal(addr, text);
        int bits = a.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block like 10.0.0.0/8");
        }
        return new Cidr(a, prefix);
    }

    /** Comma-separated blocks ("127.0.0.0/8,10.1.0.0/16"). */
    public static List<Cidr> parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        return List.copyOf(out);
    }

    public boolean contains(InetAddress address) {
        byte[] n = network.getAddress();
        byte[] a = address.getAddress();
        if (n.length != a.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (n[i] != a[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (n[full] & mask) == (a[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }

    private static InetAddress literal(String addr, String text) {
        boolean v4 = addr.matches("[0-9.]+");
        boolean v6 = addr.indexOf(':') >= 0 && addr.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + text + "' is not an address block like 10.0.0.0/8 (IP literals only)");
        }
        try {
            return InetAddress.getByName(addr);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address block like 10.0.0.0/8");
        }
    }
}
