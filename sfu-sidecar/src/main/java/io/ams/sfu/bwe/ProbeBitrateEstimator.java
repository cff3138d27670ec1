package io.ams.sfu.bwe;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns the feedback about one probe cluster into a bitrate (libwebrtc's ProbeBitrateEstimator, simply).
 * A cluster is measured once it is complete: when feedback reports a received packet sent after it (the
 * next packet outside the cluster), not at its first few packets (a handful of audio packets before the
 * padding would measure nothing but noise). It needs at least 5 received packets spread over 5 ms on
 * both ends; the result is the send rate (bytes but the last over the send span) or the receive rate
 * (bytes but the first over the arrival span), whichever is smaller, or 95 % of the receive rate when the
 * link clearly could not keep up (receive below 90 % of send). One result per cluster.
 */
final class ProbeBitrateEstimator {
    private static final int MIN_PACKETS = 5;
    private static final long MIN_SPAN_US = 5_000;

    private static final class Cluster {
        long firstSend = Long.MAX_VALUE, lastSend = Long.MIN_VALUE, firstArrival = Long.MAX_VALUE, lastArrival = Long.MIN_VALUE;
        long bytes;
        int lastSendSize, firstArrivalSize, packets;
        boolean done;
    }

    private final Map<Integer, Cluster> clusters = new HashMap<>();

    /** @return a bitrate when this packet completed a cluster's measurement, else NaN */
    double onPacket(SendHistory.PacketResult r) {
        if (!r.received()) {
            return Double.NaN;
        }
        double result = Double.NaN;
        for (Map.Entry<Integer, Cluster> e : clusters.entrySet()) {
            Cluster c = e.getValue();
            if (!c.done && e.getKey() != r.probeCluster() && r.sendUs() > c.lastSend && c.packets > 0) {
                c.done = true; // a later packet outside it: the cluster is complete
                double bps = measure(c);
                if (!Double.isNaN(bps)) {
                    result = Double.isNaN(result) ? bps : Math.max(result, bps);
                }
            }
        }
        if (r.probeCluster() < 0) {
            return result;
        }
        if (clusters.size() > 16) {
            clusters.entrySet().removeIf(e -> e.getKey() < r.probeCluster() - 8);
        }
        Cluster c = clusters.computeIfAbsent(r.probeCluster(), k -> new Cluster());
        if (c.done) {
            return result;
        }
        c.packets++;
        c.bytes += r.size();
        if (r.sendUs() < c.firstSend) {
            c.firstSend = r.sendUs();
        }
        if (r.sendUs() >= c.lastSend) {
            c.lastSend = r.sendUs();
            c.lastSendSize = r.size();
        }
        if (r.arrivalUs() < c.firstArrival) {
            c.firstArrival = r.arrivalUs();
            c.firstArrivalSize = r.size();
        }
        c.lastArrival = Math.max(c.lastArrival, r.arrivalUs());
        return result;
    }

    private static double measure(Cluster c) {
        if (c.packets < MIN_PACKETS) {
            return Double.NaN;
        }
        long sendSpan = c.lastSend - c.firstSend;
        long recvSpan = c.lastArrival - c.firstArrival;
        if (sendSpan < MIN_SPAN_US || recvSpan < MIN_SPAN_US) {
            return Double.NaN;
        }
        double send = (c.bytes - c.lastSendSize) * 8e6 / sendSpan;
        double recv = (c.bytes - c.firstArrivalSize) * 8e6 / recvSpan;
        return recv < 0.9 * send ? 0.95 * recv : Math.min(send, recv);
    }
}
