package io.ams.sfu.transport;

/**
 * A snapshot of one peer transport's counters. "In" counts every datagram read from the peer's ICE
 * component (any kind); "out" counts datagrams handed to the socket. Dropped packets are counted by
 * cause: SRTP/SRTCP authentication (or replay) failures, malformed packets (unknown first byte, too short,
 * undecodable), DTLS handshake failures, and sends refused because the transport was not READY.
 */
public record TransportStats(
        long packetsIn,
        long bytesIn,
        long packetsOut,
        long bytesOut,
        long rtpIn,
        long rtcpIn,
        long srtpAuthFailures,
        long srtcpAuthFailures,
        long malformed,
        long dtlsFailures,
        long sendsDropped) {
}
