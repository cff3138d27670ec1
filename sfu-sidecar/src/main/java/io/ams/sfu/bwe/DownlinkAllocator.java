package io.ams.sfu.bwe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fits what one receiver gets into its estimate, in priority order: audio, the mix, the main speaker at
 * the best layer that fits, then each pinned participant at the best layer that fits. Pure and
 * deterministic: the caller passes the estimate, what is on offer and its clock.
 *
 * <p>Down at once: a layer that no longer fits is replaced at the next allocation (the room allocates
 * every 100 ms, the estimate falls within 2 s of congestion, so the main speaker steps down within 2 s).
 * Up with care: a higher layer needs 10 % headroom, and after a step down the slot waits 3 s before
 * stepping up again, 1.5 times longer each time an upgrade is undone within 10 s, up to 2 min.
 * {@link Allocation#wantedBps()} is what the next step up would need, headroom included, for the {@link ProbeController}.
 *
 * <p>Mix only: when even the lowest main layer has not fitted next to audio and the mix for
 * {@value #MIX_ONLY_AFTER_MS} ms without a break (until then the slot keeps the lowest layer: one estimate
 * dip or a keyframe burst in the measured rates must not blank anyone's main video), the main slot gets
 * nothing and {@link Allocation#mixOnly()} says so (the relay to this receiver should pause; leaving that
 * state needs the same headroom and back-off as any upgrade). Audio and the mix are always allocated, even
 * beyond the estimate: there is nothing below them.
 *
 * <p>Not thread-safe; one per receiver.
 */
public final class DownlinkAllocator {
    static final double UPGRADE_HEADROOM = 1.10;
    static final long INITIAL_HOLD_MS = 3000;
    static final double HOLD_BACKOFF = 1.5;
    static final long MAX_HOLD_MS = 120_000;
    static final long FAILED_UPGRADE_MS = 10_000;
    static final long MIX_ONLY_AFTER_MS = 3000;

    /** One encoding of a camera: its rid ("" when there is a single layer), size and bitrate. */
    public record Layer(String rid, int width, int height, long bitrateBps) {
        public Layer {
            Objects.requireNonNull(rid, "rid");
            if (bitrateBps < 0) {
                throw new IllegalArgumentException("negative bitrate");
            }
        }
    }

    /** A source to fit: the participant and its layers (any order). */
    public record Source(String participantId, List<Layer> layers) {
        public Source {
            Objects.requireNonNull(participantId, "participantId");
            layers = List.copyOf(layers);
        }
    }

    /**
     * What this receiver is offered. {@code main} is null when nobody's camera is in the main slot;
     * {@code pinned} in the receiver's order of preference.
     */
    public record Request(long audioBps, long mixBps, Source main, List<Source> pinned) {
        public Request {
            pinned = List.copyOf(pinned);
        }
    }

    /**
     * The decision. {@code mainLayer} null: no main video (see {@code mixOnly}); {@code pinned} maps each
     * pinned participant to its layer or null (paused).
     */
    public record Allocation(long estimateBps, long allocatedBps, Layer mainLayer, boolean mixOnly,
                             Map<String, Layer> pinned, long wantedBps) {
    }

    private static final class Slot {
        int index = -1;          // current layer index, -1 none
        long holdUntilMs = Long.MIN_VALUE;
        long holdMs = INITIAL_HOLD_MS;
        long lastUpgradeMs = Long.MIN_VALUE / 2;
    }

    private final Slot main = new Slot();
    private long mainStarvedSinceMs = Long.MIN_VALUE; // the lowest main layer has not fitted since then
    private final Map<String, Slot> pinnedSlots = new LinkedHashMap<>();
    private Allocation last;

    public Allocation allocate(long estimateBps, Request r, long nowMs) {
        long used = r.audioBps() + r.mixBps();
        long wanted = -1;
        Layer mainLayer = null;
        boolean mixOnly = false;
        if (r.main() != null && !r.main().layers().isEmpty()) {
            List<Layer> layers = sorted(r.main().layers());
            int i = fit(main, layers, estimateBps - used, nowMs);
            if (i >= 0) {
                mainStarvedSinceMs = Long.MIN_VALUE;
            } else if (!mixOnlyBefore()) {
                if (mainStarvedSinceMs == Long.MIN_VALUE) {
                    mainStarvedSinceMs = nowMs;
                }
                if (layers.get(0).bitrateBps() <= estimateBps - used) {
                    // fits again within the grace (the receiver never lost it): back on it, no hold
                    main.index = 0;
                    mainStarvedSinceMs = Long.MIN_VALUE;
                    i = 0;
                } else if (nowMs - mainStarvedSinceMs < MIX_ONLY_AFTER_MS) {
                    i = 0; // not yet: the lowest layer for now; the slot itself stays empty, so fit() does not
                           // count every tick of the grace as another failed upgrade
                } else {
                    main.holdUntilMs = nowMs + main.holdMs; // mix only from now: leaving it waits out a hold from here
                }
            }
            if (i >= 0) {
                mainLayer = layers.get(i);
                used += mainLayer.bitrateBps();
            } else {
                mixOnly = true;
            }
            if (i + 1 < layers.size()) {
                wanted = used + upgradeCost(layers.get(i + 1)) - (i >= 0 ? layers.get(i).bitrateBps() : 0);
            }
        } else {
            main.index = -1;
            mainStarvedSinceMs = Long.MIN_VALUE;
        }
        Map<String, Layer> pins = new LinkedHashMap<>();
        pinnedSlots.keySet().retainAll(r.pinned().stream().map(Source::participantId).toList());
        for (Source s : r.pinned()) {
            if (s.layers().isEmpty()) {
                pins.put(s.participantId(), null);
                continue;
            }
            List<Layer> layers = sorted(s.layers());
            Slot slot = pinnedSlots.computeIfAbsent(s.participantId(), k -> new Slot());
            int i = mixOnly ? unfit(slot, nowMs) : fit(slot, layers, estimateBps - used, nowMs);
            Layer l = i >= 0 ? layers.get(i) : null;
            pins.put(s.participantId(), l);
            if (l != null) {
                used += l.bitrateBps();
            }
            if (wanted < 0 && !mixOnly && i + 1 < layers.size()) {
                wanted = used + upgradeCost(layers.get(i + 1)) - (l == null ? 0 : l.bitrateBps());
            }
        }
        last = new Allocation(estimateBps, used, mainLayer, mixOnly, pins, Math.max(wanted, used));
        return last;
    }

    /** What a layer needs in the budget before the slot steps up to it (the probe controller aims for this). */
    private static long upgradeCost(Layer l) {
        return (long) Math.ceil(l.bitrateBps() * UPGRADE_HEADROOM);
    }

    private boolean mixOnlyBefore() {
        return last != null && last.mixOnly();
    }

    /** The last decision, or null before the first. */
    public Allocation last() {
        return last;
    }

    /** Picks the slot's layer index for {@code budget}: down at once, up with headroom after the hold. */
    private static int fit(Slot slot, List<Layer> layers, long budget, long nowMs) {
        int best = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).bitrateBps() <= budget) {
                best = i;
            }
        }
        int cur = Math.min(slot.index, layers.size() - 1);
        if (best < cur) {
            if (nowMs - slot.lastUpgradeMs < FAILED_UPGRADE_MS) {
                slot.holdMs = Math.min(MAX_HOLD_MS, (long) (slot.holdMs * HOLD_BACKOFF)); // that upgrade did not hold
            }
            slot.holdUntilMs = nowMs + slot.holdMs;
            slot.index = best;
            return best;
        }
        if (best > cur) {
            if (slot.index < 0 && slot.holdUntilMs == Long.MIN_VALUE) { // never allocated: take what fits
                slot.index = best;
                return best;
            }
            if (nowMs >= slot.holdUntilMs) {
                int up = cur;
                for (int i = cur + 1; i <= best; i++) {
                    if (layers.get(i).bitrateBps() * UPGRADE_HEADROOM <= budget) {
                        up = i;
                    }
                }
                if (up > cur) {
                    if (nowMs - slot.holdUntilMs > FAILED_UPGRADE_MS) {
                        slot.holdMs = INITIAL_HOLD_MS; // stable for a while: forget old failures
                    }
                    slot.lastUpgradeMs = nowMs;
                    slot.index = up;
                    return up;
                }
            }
        }
        slot.index = cur;
        return cur;
    }

    private static int unfit(Slot slot, long nowMs) {
        if (slot.index >= 0) {
            slot.holdUntilMs = nowMs + slot.holdMs;
        }
        slot.index = -1;
        return -1;
    }

    private static List<Layer> sorted(List<Layer> layers) {
        List<Layer> l = new ArrayList<>(layers);
        l.sort(Comparator.comparingLong(Layer::bitrateBps));
        return l;
    }
}
