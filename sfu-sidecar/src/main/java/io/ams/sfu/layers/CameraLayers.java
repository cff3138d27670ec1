package io.ams.sfu.layers;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The layers of one participant's camera: the simulcast layers the answer negotiated (by rid,
 * smallest first), or one layer for a sender without simulcast (aiortc, a browser sending one
 * stream). SSRCs are latched from the packets: by the rid header extension under simulcast
 * (authoritative: a rid seen on a new SSRC re-binds the layer), else the SSRC the answer announced
 * or the first VP8 SSRC seen (a new one replaces it only once the old one has gone silent). RTX
 * SSRCs are latched from {@code a=ssrc-group:FID} or the repaired-rid extension.
 *
 * <p>Threads: {@link #negotiate} runs under the room's lock; {@link #latch}/{@link #latchRtx} on the
 * sender's receive thread; reads anywhere (the layer array is replaced, never mutated).
 */
public final class CameraLayers {
    private volatile CameraLayer[] layers = new CameraLayer[0];
    private volatile boolean simulcast;
    private final AtomicLong unknownRid = new AtomicLong();
    private final AtomicLong unknownRtx = new AtomicLong();

    /**
     * What the answer said about the camera.
     *
     * @param rids          simulcast rids in the answer's order (smallest first); empty or one = a single stream
     * @param announcedSsrc the single stream's SSRC from a=ssrc, or 0
     * @param announcedRtx  its RTX SSRC from a=ssrc-group:FID, or 0
     * @return whether the layers changed (a new set of rids, or simulcast on or off)
     */
    public synchronized boolean negotiate(List<String> rids, long announcedSsrc, long announcedRtx) {
        boolean sim = rids.size() > 1;
        CameraLayer[] old = layers;
        boolean changed = sim != simulcast || old.length == 0;
        if (sim) {
            boolean same = simulcast && old.length == rids.size();
            for (int i = 0; same && i < old.length; i++) {
                same = old[i].rid().equals(rids.get(i));
            }
            if (!same) {
                CameraLayer[] fresh = new CameraLayer[rids.size()];
                for (int i = 0; i < fresh.length; i++) {
                    fresh[i] = new CameraLayer(rids.get(i), i);
                }
                layers = fresh;
                changed = true;
            }
        } else {
            if (simulcast || old.length != 1) {
                layers = new CameraLayer[] {new CameraLayer(null, 0)};
            }
            CameraLayer only = layers[0];
            if (announcedSsrc != 0 && only.ssrc() != announcedSsrc && !only.live(System.nanoTime())) {
                only.bind(announcedSsrc);
            }
            if (announcedRtx != 0) {
                only.bindRtx(announcedRtx);
            }
        }
        simulcast = sim;
        return changed;
    }

    public boolean simulcast() {
        return simulcast;
    }

    /** Every layer, smallest first (a snapshot: do not modify). */
    public CameraLayer[] all() {
        return layers;
    }

    /** The rids of the layers, smallest first; a single stream has none. */
    public List<String> rids() {
        if (!simulcast) {
            return List.of();
        }
        CameraLayer[] l = layers;
        String[] out = new String[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = l[i].rid();
        }
        return List.of(out);
    }

    /** Whether any layer has ever been received. */
    public boolean any() {
        for (CameraLayer l : layers) {
            if (l.ssrc() != 0) {
                return true;
            }
        }
        return false;
    }

    public CameraLayer bySsrc(long ssrc) {
        if (ssrc == 0) {
            return null;
        }
        for (CameraLayer l : layers) {
            if (l.ssrc() == ssrc) {
                return l;
            }
        }
        return null;
    }

    public CameraLayer byRtxSsrc(long ssrc) {
        if (ssrc == 0) {
            return null;
        }
        for (CameraLayer l : layers) {
            if (l.rtxSsrc() == ssrc) {
                return l;
            }
        }
        return null;
    }

    public CameraLayer byRid(String rid) {
        if (rid == null) {
            return null;
        }
        for (CameraLayer l : layers) {
            if (rid.equals(l.rid())) {
                return l;
            }
        }
        return null;
    }

    /**
     * The layer a VP8 packet on {@code ssrc} belongs to, binding the SSRC if it is new; null when it fits
     * no layer (an unknown rid, a simulcast packet without rid on an unknown SSRC, a second single stream
     * while the first is still live): the caller drops and counts it.
     *
     * @param rid the packet's rid extension, or null
     */
    public CameraLayer latch(long ssrc, String rid, long nowNanos) {
        CameraLayer[] l = layers;
        if (simulcast) {
            if (rid == null) {
                return bySsrc(ssrc);
            }
            CameraLayer layer = byRid(rid);
            if (layer == null) {
                unknownRid.incrementAndGet();
                return null;
            }
            if (layer.ssrc() != ssrc) {
                layer.bind(ssrc);
            }
            return layer;
        }
        if (l.length == 0) {
            return null; // no answer yet
        }
        CameraLayer only = l[0];
        if (only.ssrc() == ssrc) {
            return only;
        }
        if (only.ssrc() == 0 || !only.live(nowNanos)) {
            only.bind(ssrc);
            return only;
        }
        return null;
    }

    /** The layer an RTX packet on {@code ssrc} repairs, latching it by repaired-rid; null if unknown. */
    public CameraLayer latchRtx(long ssrc, String repairedRid) {
        CameraLayer layer = byRtxSsrc(ssrc);
        if (layer != null) {
            return layer;
        }
        layer = byRid(repairedRid); // a single stream's RTX SSRC comes from a=ssrc-group:FID instead
        if (layer == null) {
            unknownRtx.incrementAndGet();
            return null;
        }
        layer.bindRtx(ssrc);
        return layer;
    }

    /** Packets with a rid the answer did not negotiate. */
    public long unknownRid() {
        return unknownRid.get();
    }

    /** RTX packets for no known layer. */
    public long unknownRtx() {
        return unknownRtx.get();
    }

    /** Repaired camera packets over every layer. */
    public long recovered() {
        long n = 0;
        for (CameraLayer l : layers) {
            n += l.recovered();
        }
        return n;
    }

    public long lost() {
        long n = 0;
        for (CameraLayer l : layers) {
            n += l.lost();
        }
        return n;
    }

    @Override
    public String toString() {
        return java.util.Arrays.toString(layers);
    }
}
