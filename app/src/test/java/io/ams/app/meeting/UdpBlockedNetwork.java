package io.ams.app.meeting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace whose only link, a veth pair to this host ({@link #hostAddress} here,
 * {@link #nsAddress} there, no other route), carries TCP but no UDP: the namespace side's egress sorts UDP
 * into an htb class whose queue holds nothing ({@code pfifo limit 0}), so every UDP packet sent from the
 * namespace is dropped, as by a corporate firewall that lets out TCP only. Nothing from the namespace
 * reaches UDP services here, so ICE over UDP cannot succeed in either direction. {@link #browserBinary}
 * runs Chromium inside it (chromedriver stays here and talks to it over a pipe). Created and removed by the
 * test (needs root or CAP_NET_ADMIN; tc with htb, pfifo and u32).
 */
final class UdpBlockedNetwork implements AutoCloseable {
    final String ns;
    final String hostAddress;
    final String nsAddress;
    final Path browserBinary;
    private final String hostIf;
    private final String nsIf;

    private UdpBlockedNetwork(int id, Path dir) {
        ns = "ams-u" + id;
        hostIf = "amsu" + id;
        nsIf = "amsub" + id;
        int octet = 16 + id % 200;
        hostAddress = "10.214." + octet + ".1";
        nsAddress = "10.214." + octet + ".2";
        browserBinary = dir.resolve("chromium-in-" + ns);
    }

    /** Sets it up; null (after removing what was made) with the reason in {@code whyNot} when it cannot. */
    static UdpBlockedNetwork create(Path dir, StringBuilder whyNot) throws Exception {
        UdpBlockedNetwork n = new UdpBlockedNetwork((int) (ProcessHandle.current().pid() % 10000), dir);
        n.close(); // left over from an earlier run of this JVM id
        String tc = "tc";
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"ip", "netns", "add", n.ns});
        steps.add(new String[] {"ip", "link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf});
        steps.add(new String[] {"ip", "link", "set", n.nsIf, "netns", n.ns});
        steps.add(new String[] {"ip", "addr", "add", n.hostAddress + "/24", "dev", n.hostIf});
        steps.add(new String[] {"ip", "link", "set", n.hostIf, "up"});
        steps.add(new String[] {"ip", "-n", n.ns, "addr", "add", n.nsAddress + "/24", "dev", n.nsIf});
        steps.add(new String[] {"ip", "-n", n.ns, "link", "set", n.nsIf, "up"});
        steps.add(new String[] {"ip", "-n", n.ns, "link", "set", "lo", "up"});
        steps.add(new String[] {"ip", "netns", "exec", n.ns, tc, "qdisc", "add", "dev", n.nsIf, "root", "handle", "1:",
                "htb", "default", "10"});
        steps.add(new String[] {"ip", "netns", "exec", n.ns, tc, "class", "add", "dev", n.nsIf, "parent", "1:", "classid",
                "1:10", "htb", "rate", "10gbit"});
        steps.add(new String[] {"ip", "netns", "exec", n.ns, tc, "class", "add", "dev", n.nsIf, "parent", "1:", "classid",
                "1:20", "htb", "rate", "8bit"});
        steps.add(new String[] {"ip", "netns", "exec", n.ns, tc, "qdisc", "add", "dev", n.nsIf, "parent", "1:20", "handle",
                "20:", "pfifo", "limit", "0"});
        steps.add(new String[] {"ip", "netns", "exec", n.ns, tc, "filter", "add", "dev", n.nsIf, "parent", "1:", "protocol",
                "ip", "prio", "1", "u32", "match", "ip", "protocol", "17", "0xff", "flowid", "1:20"});
        for (String[] s : steps) {
            String err = RecordingDiskFullIT.run(s);
            if (err != null) {
                whyNot.append(err);
                n.close();
                return null;
            }
        }
        Files.writeString(n.browserBinary, "#!/bin/sh\nexec ip netns exec " + n.ns + " " + Browser.CHROMIUM + " \"$@\"\n");
        Files.setPosixFilePermissions(n.browserBinary, PosixFilePermissions.fromString("rwx------"));
        return n;
    }

    /** UDP packets the namespace tried to send and the filter dropped. */
    long udpDropped() throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tc", "-s", "qdisc", "show", "dev", nsIf, "parent", "1:20")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("dropped (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Override
    public void close() throws Exception {
        RecordingDiskFullIT.run("ip", "link", "del", hostIf);
        RecordingDiskFullIT.run("ip", "netns", "del", ns);
    }
}
