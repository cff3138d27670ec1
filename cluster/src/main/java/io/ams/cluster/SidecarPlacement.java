package io.ams.cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Which sidecar a new room goes to: the live, non-draining one with the fewest participants (then rooms, then id).
 * The sidecar that a client reached keeps a new room unless another has at least {@link #MARGIN} fewer participants,
 * so rooms do not bounce between sidecars of about the same load.
 */
public final class SidecarPlacement {
    public static final int MARGIN = 4;

    private SidecarPlacement() {
    }

    /** {@code self} (the sidecar asked) or a less loaded one; empty if none can take a room. */
    public static Optional<SidecarRecord> choose(Collection<SidecarRecord> sidecars, SidecarRecord self) {
        Optional<SidecarRecord> least = sidecars.stream().filter(s -> !s.draining() && !s.id().equals(self.id()))
                .min(Comparator.comparingInt(SidecarRecord::participants).thenComparingInt(SidecarRecord::rooms)
                        .thenComparing(SidecarRecord::id));
        if (self.draining()) {
            return least;
        }
        if (least.isPresent() && least.get().participants() + MARGIN <= self.participants()) {
            return least;
        }
        return Optional.of(self);
    }
}
