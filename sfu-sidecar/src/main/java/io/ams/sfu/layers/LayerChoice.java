package io.ams.sfu.layers;

/**
 * Which layer of a camera a consumer takes. Only live layers count (a layer the sender switched
 * off is silent); a consumer whose layer is gone takes the nearest one that is live.
 */
public final class LayerChoice {
    private LayerChoice() {
    }

    /**
     * For a receiver's main video: the highest live layer with index at most {@code maxIndex}, else the
     * lowest live one; null when nothing is live.
     */
    public static CameraLayer forRelay(CameraLayer[] layers, int maxIndex, long nowNanos) {
        CameraLayer best = null;
        CameraLayer lowest = null;
        for (CameraLayer l : layers) {
            if (!l.live(nowNanos)) {
                continue;
            }
            if (lowest == null) {
                lowest = l;
            }
            if (l.index() <= maxIndex) {
                best = l;
            }
        }
        return best != null ? best : lowest;
    }

    /**
     * For the engine: the smallest live layer at least {@code neededHeight} pixels high (its keyframes tell
     * its size), else the highest live layer (the best there is); null when nothing is live. A layer whose
     * size is not known yet counts as too small, so the engine never starts on a guess smaller than needed.
     */
    public static CameraLayer forTile(CameraLayer[] layers, int neededHeight, long nowNanos) {
        CameraLayer highest = null;
        for (CameraLayer l : layers) {
            if (!l.live(nowNanos)) {
                continue;
            }
            if (l.height() >= neededHeight && l.height() > 0) {
                return l;
            }
            highest = l;
        }
        return highest;
    }
}
