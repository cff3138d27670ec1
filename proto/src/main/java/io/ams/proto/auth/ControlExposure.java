package io.ams.proto.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The start-up rule of every control server (docs/SECURITY.md): a server listening beyond
 * loopback needs a control token, unless the operator says {@code --insecure-control}.
 */
public final class ControlExposure {
    private ControlExposure() {
    }

    /** True for an address of this machine's loopback interface ("127.0.0.1", "::1", "localhost"). */
    public static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Null when a server on {@code host} may start; else the one-line reason it may not.
     * {@code flag} names the listening-address flag ("--bind", "--sfu-grpc-host").
     */
    public static String refusal(String flag, String host, boolean hasToken, boolean insecure) {
        if (hasToken || insecure || isLoopback(host)) {
            return null;
        }
        return flag + " " + host + " opens the control API (rooms, recordings, RTP destinations) beyond this "
                + "machine without authentication: give --control-token-file FILE (a random token is made there if "
                + "missing) or set " + ControlToken.ENV + ", or add --insecure-control to run it open";
    }
}
