package io.ams.app;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code --metrics-port} of {@code ams engine}, {@code ams sidecar} and the all-in-one: its range and the URL printed at start. */
final class MetricsFlag {
    private MetricsFlag() {
    }

    /** {@code port} if it is 0 (off) or a port number; a usage error naming the flag otherwise. */
    static int check(CommandLine cmd, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(cmd, "--metrics-port " + port + " is out of range 0..65535 (0: no metrics endpoint)");
        }
        return port;
    }

    /** The scrape URL of a metrics endpoint on {@code host} (an IPv6 literal in brackets). */
    static String url(String host, int port) {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/metrics";
    }
}
