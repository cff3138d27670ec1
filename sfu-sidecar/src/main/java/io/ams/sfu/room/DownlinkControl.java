package io.ams.sfu.room;

import io.ams.sfu.bwe.DownlinkAllocator;
import io.ams.sfu.layers.CameraLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each receiver's downlink carries (issue 7 parts 3 and 5, DESIGN.md section 9): every 100 ms the
 * room offers the receiver's {@code DownlinkBwe} audio, the mix and the live layers of its main source;
 * the allocation caps the layer the main slot takes ({@link Peer#mainLayerCap}) or, when even the smallest
 * layer does not fit next to the mix, pauses the main video for that receiver ({@link Peer#mixOnly}): the
 * client then shows the mix full size and says why. The receiver hears about it in a {@code bandwidth}
 * message (at once when the layer or mix-only changes, else at most every 2 s).
 *
 * <p>Runs on the room's timer thread, outside the room lock; reads the peer array only.
 */
final class DownlinkControl {
    private static final Logger LOG = LoggerFactory.getLogger(DownlinkControl.class);
    static final long REPORT_MILLIS = 2000;
    /** An estimate at or above this is "no limit known" (no feedback yet). */
    private static final long UNBOUNDED = Long.MAX_VALUE / 8;

    private final String roomId;
    private final long mixTargetBps;
    private final LongConsumer estimates;

    DownlinkControl(String roomId, long mixTargetBps) {
        this(roomId, mixTargetBps, bps -> { });
    }

    /** @param estimates gets every receiver's bandwidth estimate (bps) each round, where it has one (metrics) */
    DownlinkControl(String roomId, long mixTargetBps, LongConsumer estimates) {
        this.roomId = roomId;
        this.mixTargetBps = mixTargetBps;
        this.estimates = estimates;
    }

    /** One allocation round for receiver {@code q}. */
    void allocate(Peer q, Peer[] peers, long nowNanos, long nowMillis) {
        DownlinkAllocator.Source main = offer(q, peers, nowNanos);
        DownlinkAllocator.Allocation a = q.bwe.allocate(q.bwe.request(main, mixTargetBps, nowNanos), nowNanos);
        if (a.estimateBps() < UNBOUNDED) {
            estimates.accept(a.estimateBps());
        }
        Peer src = byId(peers, q.mainSource);
        int cap = Integer.MAX_VALUE;
        if (a.mainLayer() != null && src != null && !a.mainLayer().rid().isEmpty()) {
            CameraLayer l = src.camera.byRid(a.mainLayer().rid());
            cap = l == null ? Integer.MAX_VALUE : l.index();
        }
        q.mainLayerCap = cap;
        boolean wasMixOnly = q.mixOnly;
        q.mixOnly = a.mixOnly();
        if (a.mixOnly() != wasMixOnly) {
            LOG.info("room '{}': {} {} (estimate {} kbps, audio+mix {} kbps)", roomId, q,
                    a.mixOnly() ? "gets the mix only: its downlink cannot carry the main video" : "gets the main video again",
                    a.estimateBps() / 1000, (a.allocatedBps()) / 1000);
        }
        report(q, a, nowMillis);
    }

    /** The main source's live layers with what they cost, or null when the receiver has no main video. */
    private static DownlinkAllocator.Source offer(Peer q, Peer[] peers, long nowNanos) {
        Peer src = byId(peers, q.mainSource);
        if (src == null || src == q || !src.hasCamera()) {
            return null;
        }
        List<DownlinkAllocator.Layer> layers = new ArrayList<>();
        long below = 1;
        for (CameraLayer l : src.camera.all()) { // smallest first
            if (l.live(nowNanos)) {
                // a layer never costs less than the one below it: a keyframe burst or a layer not measured yet
                // must not make the allocator (which orders by cost) take the small layer for the large one
                below = Math.max(below, l.costBps());
                layers.add(new DownlinkAllocator.Layer(l.rid() == null ? "" : l.rid(), l.width(), l.height(), below));
            }
        }
        return layers.isEmpty() ? null : new DownlinkAllocator.Source(src.id, layers);
    }

    private static void report(Peer q, DownlinkAllocator.Allocation a, long nowMillis) {
        PeerChannel.Bandwidth b = new PeerChannel.Bandwidth(a.estimateBps() >= UNBOUNDED ? 0 : a.estimateBps(),
                a.allocatedBps(), a.mainLayer() == null ? null : a.mainLayer().rid(), a.mixOnly(), q.bwe.probingNow());
        PeerChannel.Bandwidth last = q.bandwidthSent;
        boolean urgent = last == null || last.mixOnly() != b.mixOnly() || !java.util.Objects.equals(last.mainLayer(), b.mainLayer());
        if (urgent || nowMillis - q.bandwidthSentMillis >= REPORT_MILLIS && !b.equals(last)) {
            q.bandwidthSent = b;
            q.bandwidthSentMillis = nowMillis;
            q.channel.bandwidth(b);
        }
    }

    private static Peer byId(Peer[] peers, String id) {
        if (id == null) {
            return null;
        }
        for (Peer p : peers) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        return null;
    }
}
