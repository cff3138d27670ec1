package io.ams.sfu.transport;

import java.util.concurrent.TimeUnit;
import org.ice4j.TransportAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TURN server the sidecar allocates its own relay candidates on, and whether it is working: after a failed
 * allocation it is left alone for {@link TurnRelays#BACKOFF}; the first failure of an outage is logged as a warning,
 * the ones after it only counted, and the first success after it logged again.
 */
final class RelayServer {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    final TransportAddress address;
    private volatile long retryAfterNanos;
    private volatile boolean down;

    RelayServer(TransportAddress address) {
        this.address = address;
    }

    boolean available() {
        return !down || System.nanoTime() - retryAfterNanos >= 0;
    }

    void failed(String why) {
        retryAfterNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TurnRelays.BACKOFF.toMillis());
        synchronized (this) {
            if (!down) {
                down = true;
                LOG.warn("TURN server {}: no relay candidate for the sidecar ({}); peers go on without one, the next try "
                        + "in {} s (further failures only counted: ams_sfu_turn_relay_failures_total)", address, why,
                        TurnRelays.BACKOFF.toSeconds());
            }
        }
    }

    void worked() {
        if (down) {
            synchronized (this) {
                if (down) {
                    down = false;
                    LOG.info("TURN server {}: relay candidates for the sidecar again", address);
                }
            }
        }
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
