package io.ams.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Where a new room's mix goes (DESIGN.md section 11): among the live engines that are not draining, those with room
 * to spare; GPU engines before CPU ones; of those, two picked at random and the less loaded of the two ("power of two
 * choices": sidecars placing at the same moment from the same slightly old view do not all pile onto the one engine
 * that looked emptiest). When every engine is full the least loaded one takes it anyway: an overloaded mix is better
 * than none, and the caller warns.
 */
public final class EnginePlacement {
    private EnginePlacement() {
    }

    /**
     * @param engines the live engines
     * @param excluded engines not to use (the one a room is being moved off)
     * @param pending room-equivalents this caller placed since the engines last reported their load
     */
    public static Optional<EngineRecord> choose(Collection<EngineRecord> engines, Set<String> excluded,
                                                Map<String, Double> pending, Random random) {
        List<EngineRecord> usable = new ArrayList<>();
        for (EngineRecord e : engines) {
            if (!e.draining() && !excluded.contains(e.id())) {
                usable.add(e);
            }
        }
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        Comparator<EngineRecord> byLoad = Comparator.comparingDouble((EngineRecord e) -> ratio(e, pending))
                .thenComparing(EngineRecord::id);
        List<EngineRecord> roomy = usable.stream().filter(e -> e.load() + pending.getOrDefault(e.id(), 0.0) + 1 <= e.capacity())
                .toList();
        if (roomy.isEmpty()) {
            return usable.stream().min(byLoad);
        }
        List<EngineRecord> gpu = roomy.stream().filter(EngineRecord::gpu).toList();
        List<EngineRecord> pool = gpu.isEmpty() ? roomy : gpu;
        if (pool.size() == 1) {
            return Optional.of(pool.get(0));
        }
        int a = random.nextInt(pool.size());
        int b = random.nextInt(pool.size() - 1);
        if (b >= a) {
            b++;
        }
        EngineRecord x = pool.get(a);
        EngineRecord y = pool.get(b);
        return Optional.of(byLoad.compare(x, y) <= 0 ? x : y);
    }

    private static double ratio(EngineRecord e, Map<String, Double> pending) {
        return e.capacity() <= 0 ? Double.POSITIVE_INFINITY : (e.load() + pending.getOrDefault(e.id(), 0.0)) / e.capacity();
    }
}
