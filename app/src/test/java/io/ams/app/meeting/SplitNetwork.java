package io.ams.app.meeting;

import java.util.ArrayList;
import java.util.List;

/**
 * A network between this host and an engine in its own network namespace, with a switch in the middle
 * that can drop everything: this host's {@code hostIf} (address {@link #hostAddress}) and the engine
 * namespace's interface ({@link #engineAddress}) are veth pairs whose other ends sit on a bridge in a
 * third namespace. {@link #blackhole()} takes the bridge's ports down: both outer ends lose carrier and
 * silently drop what they send, while addresses, routes and sockets stay as they were (a switch that
 * loses power, not an unplugged cable). Created and removed by the test (needs root or CAP_NET_ADMIN).
 */
final class SplitNetwork implements AutoCloseable {
    final String engineNs;
    final String hostAddress;
    final String engineAddress;
    private final String midNs;
    private final String hostIf;
    private final String hostPeer;
    private final String engineIf;
    private final String enginePeer;

    private SplitNetwork(int id) {
        engineNs = "ams-e" + id;
        midNs = "ams-m" + id;
        hostIf = "amsh" + id;
        hostPeer = "amshb" + id;
        engineIf = "amse" + id;
        enginePeer = "amseb" + id;
        int octet = 16 + id % 200;
        hostAddress = "10.213." + octet + ".1";
        engineAddress = "10.213." + octet + ".2";
    }

    /** Sets it up; null (after removing what was made) with the reason when it cannot. */
    static SplitNetwork create(StringBuilder whyNot) throws Exception {
        SplitNetwork n = new SplitNetwork((int) (ProcessHandle.current().pid() % 10000));
        n.close(); // left over from an earlier run of this JVM id
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[] {"ip", "netns", "add", n.midNs});
        steps.add(new String[] {"ip", "netns", "add", n.engineNs});
        steps.add(new String[] {"ip", "-n", n.midNs, "link", "add", "br0", "type", "bridge"});
        steps.add(new String[] {"ip", "-n", n.midNs, "link", "set", "br0", "up"});
        steps.add(new String[] {"ip", "link", "add", n.hostIf, "type", "veth", "peer", "name", n.hostPeer});
        steps.add(new String[] {"ip", "link", "set", n.hostPeer, "netns", n.midNs});
        steps.add(new String[] {"ip", "link", "add", n.engineIf, "type", "veth", "peer", "name", n.enginePeer});
        steps.add(new String[] {"ip", "link", "set", n.enginePeer, "netns", n.midNs});
        steps.add(new String[] {"ip", "link", "set", n.engineIf, "netns", n.engineNs});
        steps.add(new String[] {"ip", "-n", n.midNs, "link", "set", n.hostPeer, "master", "br0", "up"});
        steps.add(new String[] {"ip", "-n", n.midNs, "link", "set", n.enginePeer, "master", "br0", "up"});
        steps.add(new String[] {"ip", "addr", "add", n.hostAddress + "/24", "dev", n.hostIf});
        steps.add(new String[] {"ip", "link", "set", n.hostIf, "up"});
        steps.add(new String[] {"ip", "-n", n.engineNs, "addr", "add", n.engineAddress + "/24", "dev", n.engineIf});
        steps.add(new String[] {"ip", "-n", n.engineNs, "link", "set", n.engineIf, "up"});
        steps.add(new String[] {"ip", "-n", n.engineNs, "link", "set", "lo", "up"});
        for (String[] s : steps) {
            String err = RecordingDiskFullIT.run(s);
            if (err != null) {
                whyNot.append(err);
                n.close();
                return null;
            }
        }
        return n;
    }

    /** Everything between the host and the engine is dropped from now on, both ways. */
    void blackhole() throws Exception {
        ports("down");
    }

    void restore() throws Exception {
        ports("up");
    }

    private void ports(String state) throws Exception {
        for (String port : List.of(hostPeer, enginePeer)) {
            String err = RecordingDiskFullIT.run("ip", "-n", midNs, "link", "set", port, state);
            if (err != null) {
                throw new IllegalStateException(err);
            }
        }
    }

    @Override
    public void close() throws Exception {
        RecordingDiskFullIT.run("ip", "link", "del", hostIf);
        RecordingDiskFullIT.run("ip", "netns", "del", engineNs);
        RecordingDiskFullIT.run("ip", "netns", "del", midNs);
    }
}
