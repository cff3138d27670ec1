package io.ams.rtp.vp8;

import java.util.concurrent.TimeUnit;

/**
 * Decides, from the payload descriptors alone, whether a complete VP8 frame can be decoded after
 * frames were lost: whether what it references reached the decoder (RFC 7741 section 4.2).
 *
 * <ul>
 *   <li>A key frame is always decodable and clears every loss.</li>
 *   <li>With temporal layers (TID and TL0PICIDX present): a base frame (TID 0) references the
 *       previous base frame, so it is decodable when its TL0PICIDX is one more than that of the
 *       last base frame decoded. A frame of layer {@code t > 0} needs the base frame with its own
 *       TL0PICIDX; with Y=1 (layer sync) that is all it needs, and it heals layer {@code t};
 *       without Y it may also reference earlier frames of layers 1..t, so it is decodable only
 *       while none of those layers lost a frame since it was last synced.</li>
 *   <li>Without temporal layers every frame may reference the one before: any lost frame breaks
 *       the chain until a key frame.</li>
 *   <li>Which frames were lost: the PictureIDs between the last frame seen and the next. A gap
 *       that skipped no PictureID lost only padding or the frame's own packets. A frame whose
 *       packets partly arrived (dropped as incomplete) tells its own layer; with N=1 (and
 *       show_frame=1) its loss harms nothing. A frame lost without trace in a layered stream may
 *       have been in any layer above the base: layers 1..3 count as broken (a lost base frame
 *       shows in the next TL0PICIDX).</li>
 * </ul>
 *
 * <p>{@link #needsKeyframe()} is true before the first key frame, once the base layer (or the
 * chain of an unlayered stream) is broken, and when an upper layer stayed broken for
 * {@link #LAYER_RESYNC_NANOS} with no sync frame healing it. Not thread-safe: one ingest thread.
 */
public final class Vp8ReferenceTracker {
    /** An upper layer not healed by a layer-sync frame within this time asks for a key frame. */
    public static final long LAYER_RESYNC_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int LAYERS = 4;
    private static final int ABSENT = Vp8Descriptor.ABSENT;

    private boolean haveKeyframe;
    private boolean baseBroken;
    private int lastTl0 = ABSENT;
    private final boolean[] layerBroken = new boolean[LAYERS];
    private final long[] layerBrokenSince = new long[LAYERS];
    private boolean layerStuck;
    private int lastPictureId = ABSENT;
    private int lastModulus;
    private boolean gap;

    /** Packets were lost (a sequence gap that repair did not fill) before the next frame. */
    public void onPacketsLost() {
        gap = true;
    }

    /** The frame was dropped because it is incomplete or malformed; {@code f} is what its packets told. */
    public void onFrameDropped(Vp8FrameInfo f, long nowNanos) {
        resolveGap(f, nowNanos);
        account(f);
        if (f.nonReference() && !f.hidden()) {
            return; // nothing refers to it
        }
        if (f.layered()) {
            if (f.temporalId() == 0) {
                baseBroken = true;
            } else {
                breakLayers(f.temporalId(), nowNanos);
            }
        } else {
            baseBroken = true;
        }
    }

    /**
     * A complete frame: returns true when it may go to the decoder (what it references was
     * decoded), false when it must be dropped.
     */
    public boolean onFrameComplete(Vp8FrameInfo f, boolean keyframe, long nowNanos) {
        if (keyframe) {
            haveKeyframe = true;
            baseBroken = false;
            layerStuck = false;
            java.util.Arrays.fill(layerBroken, false);
            lastTl0 = f.tl0PicIdx();
            gap = false;
            account(f);
            return true;
        }
        resolveGap(f, nowNanos);
        account(f);
        if (!haveKeyframe || baseBroken) {
            return false;
        }
        if (!f.layered()) {
            return true;
        }
        int tid = f.temporalId();
        if (tid == 0) {
            if (lastTl0 != ABSENT && f.tl0PicIdx() != ((lastTl0 + 1) & 0xFF)) {
                baseBroken = true; // a base frame in between never arrived
                return false;
            }
            lastTl0 = f.tl0PicIdx();
            return true;
        }
        if (lastTl0 != ABSENT && f.tl0PicIdx() != lastTl0) {
            baseBroken = true; // its base frame never arrived
            return false;
        }
        if (f.layerSync()) {
            layerBroken[tid] = false;
            return true;
        }
        for (int l = 1; l <= tid; l++) {
            if (layerBroken[l]) {
                if (nowNanos - layerBrokenSince[l] >= LAYER_RESYNC_NANOS) {
                    layerStuck = true;
                }
                return false;
            }
        }
        return true;
    }

    /** True when only a key frame can make the stream decodable again. */
    public boolean needsKeyframe() {
        return !haveKeyframe || baseBroken || layerStuck;
    }

    /** True while no key frame has been seen (since the start or {@link #reset}). */
    public boolean awaitingFirstKeyframe() {
        return !haveKeyframe;
    }

    /** Forgets everything: the next decodable frame is a key frame. */
    public void reset() {
        haveKeyframe = false;
        baseBroken = false;
        layerStuck = false;
        java.util.Arrays.fill(layerBroken, false);
        lastTl0 = ABSENT;
        lastPictureId = ABSENT;
        gap = false;
    }

    private void resolveGap(Vp8FrameInfo f, long nowNanos) {
        if (!gap) {
            return;
        }
        gap = false;
        if (framesSkipped(f) == 0) {
            return; // the lost packets belonged to no frame before this one (padding, or this frame's own)
        }
        if (f.layered()) {
            breakLayers(1, nowNanos); // lost frames of unknown layer; a lost base frame shows in TL0PICIDX
        } else {
            baseBroken = true;
        }
    }

    /** PictureIDs skipped between the last frame seen and {@code f}; -1 when that cannot be told. */
    private int framesSkipped(Vp8FrameInfo f) {
        if (lastPictureId == ABSENT || f.pictureId() == ABSENT || f.pictureIdModulus() != lastModulus) {
            return -1;
        }
        int skipped = Math.floorMod(f.pictureId() - lastPictureId - 1, lastModulus);
        return skipped > lastModulus / 2 ? -1 : skipped; // behind: not a forward step
    }

    private void account(Vp8FrameInfo f) {
        lastPictureId = f.pictureId();
        lastModulus = f.pictureIdModulus();
    }

    private void breakLayers(int from, long nowNanos) {
        for (int l = Math.max(1, from); l < LAYERS; l++) {
            if (!layerBroken[l]) {
                layerBroken[l] = true;
                layerBrokenSince[l] = nowNanos;
            }
        }
    }
}
