package io.ams.sfu.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins as the signaling sees them: admitted, and refused by {@link JoinFailureReason}. Media failures
 * after admission ({@link JoinFailureReason#ICE_FAILED}, {@link JoinFailureReason#DTLS_FAILED}) are counted
 * by the rooms ({@code RelayTotals}), not here. Thread-safe.
 */
public final class JoinCounters {
    private final AtomicLong joined = new AtomicLong();
    private final Map<JoinFailureReason, AtomicLong> failed = new EnumMap<>(JoinFailureReason.class);

    public JoinCounters() {
        for (JoinFailureReason r : JoinFailureReason.values()) {
            failed.put(r, new AtomicLong());
        }
    }

    /** A participant was admitted to its room. */
    public void joined() {
        joined.incrementAndGet();
    }

    /** A join was refused for {@code reason}. */
    public void failed(JoinFailureReason reason) {
        failed.get(reason).incrementAndGet();
    }

    /** Joins admitted so far. */
    public long joins() {
        return joined.get();
    }

    /** Joins refused for {@code reason} so far. */
    public long failures(JoinFailureReason reason) {
        return failed.get(reason).get();
    }
}
