package io.ams.app.meeting;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports free a moment ago, for servers that must be told theirs before they start (a process's flags, a restart on the same ports). */
final class FreePorts {
    private FreePorts() {
    }

    /** A TCP port free on loopback now. */
    static int tcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A UDP port free on every interface now. */
    static int udp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
            return s.getLocalPort();
        }
    }
}
