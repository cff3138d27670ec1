package io.ams.sfu.room;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a room takes the engine's mix from (issue 8 part 7): the address the engine said its
 * output sends from (Mixer.AddDestination's sender_host:sender_port). Anything else reaching the
 * mix socket, and anything before the engine said, is dropped and counted. Loopback addresses
 * count as one host. Set by the engine link's thread, read by the room's mix thread.
 */
final class MixSource {
    private volatile InetSocketAddress expected;
    private final AtomicLong wrongSender = new AtomicLong();
    private long lastLogMs = Long.MIN_VALUE / 2;   // mix thread only

    /** The engine (re-)created the room's output: its packets come from {@code sender} now. */
    void expect(InetSocketAddress sender) {
        expected = sender;
    }

    boolean accepts(InetSocketAddress from) {
        InetSocketAddress e = expected;
        if (e != null && e.getPort() == 0) {
            return true; // an engine that does not report its sending port (older than issue 8): not pinned
        }
        boolean ok = e != null && e.getPort() == from.getPort() && e.getAddress() != null && from.getAddress() != null
                && (e.getAddress().isLoopbackAddress() && from.getAddress().isLoopbackAddress()
                        || e.getAddress().equals(from.getAddress()));
        if (!ok) {
            wrongSender.incrementAndGet();
        }
        return ok;
    }

    /** At most one log line per 5 s (mix thread). */
    boolean logNow(long nowMs) {
        if (nowMs - lastLogMs < 5000) {
            return false;
        }
        lastLogMs = nowMs;
        return true;
    }

    long wrongSender() {
        return wrongSender.get();
    }

    String describe() {
        InetSocketAddress e = expected;
        return e == null ? "" : e.getAddress().getHostAddress() + ":" + e.getPort();
    }
}
