package io.ams.engine.vision;

import io.ams.engine.media.VideoFrame;
import io.ams.engine.room.FrameStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each participant's face is, for a room's CROP tiles (docs/DESIGN.md "Face-aware tiles"): every
 * {@value #PERIOD_MS} ms, while some output of the room crops, the latest pictures of the next {@value #PER_ROUND}
 * participants in turn (retained from the frame store, released after) go through the shared {@link FaceDetector},
 * on this object's own thread,
 * never the media path's. The focus moves half way to a new face each time (no jumps), and goes back to the
 * centre when no face was seen for {@value #FORGET_MS} ms.
 */
public final class FaceFocus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaceFocus.class);
    static final long PERIOD_MS = 333;
    /** Detections per round at most (about 90 ms each at 640 pixels wide, one thread): faces are visited in turn. */
    static final int PER_ROUND = 1;
    static final long FORGET_MS = 2000;

    private record Seen(double x, double y, long atMillis, long frameNanos) {
    }

    private final FaceDetector detector;
    private final FrameStore frames;
    private final Supplier<List<String>> ids;
    private final BooleanSupplier wanted;
    private final Map<String, Seen> seen = new HashMap<>(); // the timer thread's
    private volatile Map<String, double[]> focus = Map.of();
    private final ScheduledExecutorService timer;
    private final ConcurrentHashMap<String, Long> detections = new ConcurrentHashMap<>();
    private int next; // round-robin start in the participant list (the timer thread's)

    /** Looks at {@code ids()}' pictures in {@code frames} while {@code wanted()}. */
    public FaceFocus(String roomId, FaceDetector detector, FrameStore frames, Supplier<List<String>> ids, BooleanSupplier wanted) {
        this.detector = detector;
        this.frames = frames;
        this.ids = ids;
        this.wanted = wanted;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "faces-" + roomId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::look, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Per participant, the point ({x, y} fractions) its CROP tile centres on; absent: the picture's centre. */
    public Map<String, double[]> focus() {
        return focus;
    }

    /** Faces found so far, per participant (tests, stats). */
    public long detections(String participantId) {
        return detections.getOrDefault(participantId, 0L);
    }

    /** One round, also callable directly (tests). */
    void look() {
        try {
            if (!wanted.getAsBoolean()) {
                if (!focus.isEmpty()) {
                    focus = Map.of();
                    seen.clear();
                }
                return;
            }
            List<String> who = ids.get();
            long now = System.currentTimeMillis();
            List<String> turn = new java.util.ArrayList<>();
            for (int i = 0; i < Math.min(PER_ROUND, who.size()); i++) {
                turn.add(who.get((next + i) % who.size()));
            }
            next = who.isEmpty() ? 0 : (next + turn.size()) % who.size();
            try (FrameStore.Snapshot snap = frames.snapshot(turn)) {
                for (Map.Entry<String, VideoFrame> e : snap.frames().entrySet()) {
                    Seen last = seen.get(e.getKey());
                    VideoFrame f = e.getValue();
                    if (last != null && last.frameNanos() == f.receivedNanos() && f.receivedNanos() != 0) {
                        continue; // the same picture as last time
                    }
                    FaceDetector.Face face = detector.largestFace(f);
                    if (face != null) {
                        double x = last == null || now - last.atMillis() > FORGET_MS ? face.centreX() : (last.x() + face.centreX()) / 2;
                        double y = last == null || now - last.atMillis() > FORGET_MS ? face.centreY() : (last.y() + face.centreY()) / 2;
                        seen.put(e.getKey(), new Seen(x, y, now, f.receivedNanos()));
                        detections.merge(e.getKey(), 1L, Long::sum);
                    } else if (last != null) {
                        seen.put(e.getKey(), new Seen(last.x(), last.y(), last.atMillis(), f.receivedNanos()));
                    }
                }
            }
            seen.keySet().retainAll(who);
            Map<String, double[]> next = new HashMap<>();
            seen.forEach((id, s) -> {
                if (now - s.atMillis() <= FORGET_MS) {
                    next.put(id, new double[] {s.x(), s.y()});
                }
            });
            focus = Map.copyOf(next);
        } catch (RuntimeException e) {
            LOG.warn("face-aware tiles: a round failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
