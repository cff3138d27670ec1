package io.ams.engine.gpu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pitched NV12 device buffers for decoded pictures, allocated up front per size class (cuMemAlloc
 * synchronises the whole device, so never per frame). {@link #acquire} hands out the smallest
 * class that holds the picture as a {@link DeviceFrame}; its last release puts the buffer back.
 * When a class runs dry the pool allocates one more (logged once, counted in {@link #growths()})
 * up to {@link #MAX_PER_CLASS}, then refuses (counted in {@link #exhausted()}: the caller drops
 * that picture). Owns every buffer and frees them in {@link #close()}. Thread-safe.
 */
public final class DeviceBufferPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBufferPool.class);
    static final int MAX_PER_CLASS = 512;

    /** Largest picture a class holds. */
    public record SizeClass(int width, int height) {
        boolean holds(int w, int h) {
            return w <= width && h <= height;
        }
    }

    /**
     * Default classes and how many buffers of each are made at start: landscape up to 640x368, 720p,
     * 1080p and 4K, and the same sizes upright for phone cameras held portrait (a 720x1280 camera
     * would otherwise take a 4K buffer, grown on the media thread).
     */
    public static final Map<SizeClass, Integer> DEFAULT_CLASSES = Map.of(
            new SizeClass(640, 368), 64,
            new SizeClass(368, 640), 32,
            new SizeClass(1280, 720), 64,
            new SizeClass(720, 1280), 32,
            new SizeClass(1920, 1088), 16,
            new SizeClass(1088, 1920), 8,
            new SizeClass(3840, 2160), 0);

    private final GpuContext gpu;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong growths = new AtomicLong();
    private final AtomicLong exhausted = new AtomicLong();
    private volatile boolean closed;

    private static final class Slot {
        final SizeClass size;
        final ConcurrentLinkedDeque<Nv12Surface> free = new ConcurrentLinkedDeque<>();
        final List<Nv12Surface> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger count = new AtomicInteger();

        Slot(SizeClass size) {
            this.size = size;
        }
    }

    /** The class a picture gets: the smallest by area that holds it; null when none does. */
    static SizeClass classFor(java.util.Collection<SizeClass> classes, int width, int height) {
        int w = width + (width & 1);
        int h = height + (height & 1);
        return sortedByArea(classes).stream().filter(c -> c.holds(w, h)).findFirst().orElse(null);
    }

    static List<SizeClass> sortedByArea(java.util.Collection<SizeClass> classes) {
        List<SizeClass> sorted = new ArrayList<>(classes);
        // smallest area first; equal areas (a class and its upright twin) landscape first, so the choice is the
        // same on every run whatever order the classes came in
        sorted.sort(java.util.Comparator.<SizeClass>comparingLong(c -> (long) c.width() * c.height())
                .thenComparing(Comparator.comparingInt(SizeClass::width).reversed()));
        return sorted;
    }

    DeviceBufferPool(GpuContext gpu, Map<SizeClass, Integer> classes) {
        this.gpu = gpu;
        List<SizeClass> sorted = sortedByArea(classes.keySet());
        try {
            for (SizeClass c : sorted) {
                Slot s = new Slot(c);
                slots.add(s);
                for (int i = 0; i < classes.get(c); i++) {
                    Nv12Surface surface = new Nv12Surface(gpu, c.width(), c.height());
                    s.all.add(surface);
                    s.free.add(surface);
                    s.count.incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A buffer for a width x height picture, as a new frame owned by the caller; null when the
     * picture is larger than every class or the class is exhausted.
     */
    public DeviceFrame acquire(int width, int height, long receivedNanos) {
        if (closed) {
            return null;
        }
        int w = width + (width & 1);
        int h = height + (height & 1);
        for (Slot s : slots) { // smallest area first
            if (!s.size.holds(w, h)) {
                continue;
            }
            Nv12Surface surface = s.free.pollFirst();
            if (surface == null) {
                surface = grow(s);
            }
            if (surface == null) {
                exhausted.incrementAndGet();
                return null;
            }
            return new DeviceFrame(this, surface, width, height, receivedNanos);
        }
        exhausted.incrementAndGet();
        return null;
    }

    private Nv12Surface grow(Slot s) {
        if (s.count.incrementAndGet() > MAX_PER_CLASS) {
            s.count.decrementAndGet();
            return null;
        }
        if (growths.getAndIncrement() == 0) {
            LOG.warn("GPU frame pool: class {}x{} ran dry, allocating more (cuMemAlloc synchronises the device;"
                    + " raise the pool's start size)", s.size.width(), s.size.height());
        }
        Nv12Surface surface = new Nv12Surface(gpu, s.size.width(), s.size.height());
        s.all.add(surface);
        return surface;
    }

    void giveBack(Nv12Surface surface) {
        for (Slot s : slots) {
            if (s.size.width() == surface.maxWidth() && s.size.height() == surface.maxHeight()) {
                s.free.addFirst(surface);
                return;
            }
        }
    }

    /** Buffers allocated after start-up because a class ran dry. */
    public long growths() {
        return growths.get();
    }

    /** Pictures refused (no class large enough, or a class at its maximum). */
    public long exhausted() {
        return exhausted.get();
    }

    /** Free buffers in the class of that size (for tests and stats). */
    public int free(SizeClass size) {
        for (Slot s : slots) {
            if (s.size.equals(size)) {
                return s.free.size();
            }
        }
        return 0;
    }

    /** Frees every buffer; frames still out must not be used afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Slot s : slots) {
            for (Nv12Surface surface : s.all) {
                surface.close();
            }
            s.all.clear();
            s.free.clear();
        }
    }
}
