package io.ams.sfu.transport;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}; written by the media path, read by anyone. */
final class TransportCounters {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder rtpIn = new LongAdder();
    final LongAdder rtcpIn = new LongAdder();
    final LongAdder srtpAuthFailures = new LongAdder();
    final LongAdder srtcpAuthFailures = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder dtlsFailures = new LongAdder();
    final LongAdder sendsDropped = new LongAdder();

    TransportStats snapshot() {
        return new TransportStats(packetsIn.sum(), bytesIn.sum(), packetsOut.sum(), bytesOut.sum(),
                rtpIn.sum(), rtcpIn.sum(), srtpAuthFailures.sum(), srtcpAuthFailures.sum(), malformed.sum(),
                dtlsFailures.sum(), sendsDropped.sum());
    }
}
