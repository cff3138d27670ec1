package io.ams.sfu.room;

import java.util.function.Supplier;

/**
 * A room's {@link RelayTotals} that survive its participants: a participant's counters are added to the
 * departed sum in the same step that takes it out of the room's peer view, so a sum read at any moment
 * (departed plus the peers in view) never goes down. Its own small lock, taken inside the room's lock
 * and never around anything else: a scrape does not wait for a busy room.
 */
final class RelayLedger {
    private RelayTotals departed = RelayTotals.ZERO; // guarded by this

    /** Adds {@code gone}'s counters to the departed sum and runs {@code unpublish} (which drops them from the view). */
    synchronized void retire(Iterable<Peer> gone, Runnable unpublish) {
        for (Peer p : gone) {
            departed = departed.plus(RelayTotals.of(p));
        }
        unpublish.run();
    }

    /** Departed plus every participant in {@code view} now. */
    synchronized RelayTotals total(Supplier<Peer[]> view) {
        RelayTotals sum = departed;
        for (Peer p : view.get()) {
            sum = sum.plus(RelayTotals.of(p));
        }
        return sum;
    }
}
