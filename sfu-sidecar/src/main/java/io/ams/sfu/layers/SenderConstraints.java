package io.ams.sfu.layers;

import java.util.ArrayList;
import java.util.List;

/**
 * What one participant's camera must send ("send smaller video if you are not the speaker",
 * DESIGN.md section 9). A camera somebody watches as their main video (the main speaker, the previous
 * speaker as the main speaker's own main video, a pin) sends every layer at the ladder's sizes and
 * bitrates; every other camera sends only its smallest layer, at the height its tile in the mix needs,
 * with a bitrate for that size. Layers nobody consumes are switched off at the sender.
 *
 * <p>Upgrades are applied at once; a downgrade only after it has been wanted for {@link #DOWN_HOLD_MILLIS}
 * without interruption (a speaker who pauses for breath keeps the full layer; a real change is applied
 * well within the 2 s target). Pure logic: the caller supplies the clock and sends the result.
 * Not thread-safe: the room's timer owns it.
 */
public final class SenderConstraints {
    public static final long DOWN_HOLD_MILLIS = 1000;
    /** Ladder maximum bitrates by rid (Chrome's 720p simulcast ladder), bps. */
    static final int LADDER_Q = 200_000;
    static final int LADDER_H = 700_000;
    static final int LADDER_F = 2_500_000;
    /** The smallest height we ask for: below it VP8 spends its bits on headers. */
    static final int MIN_HEIGHT = 90;

    /** One encoding as the client applies it with {@code RTCRtpSender.setParameters}. */
    public record Encoding(String rid, boolean active, int maxHeight, int maxBitrateBps) {
    }

    /**
     * What consumers want of this camera: relayed to someone as their main video, and its tile height in the mix;
     * {@code dropTop}: how many of its top layers its congested uplink must leave off ({@link UplinkGuard}).
     */
    public record Wish(boolean relayed, int tileHeight, int dropTop) {
        public Wish(boolean relayed, int tileHeight) {
            this(relayed, tileHeight, 0);
        }

        boolean below(Wish o) {
            return o.relayed && !relayed || !relayed && !o.relayed && tileHeight < o.tileHeight
                    || relayed == o.relayed && dropTop > o.dropTop;
        }
    }

    private Wish applied;
    private Wish pendingDown;
    private long pendingSinceMillis;
    private List<String> appliedRids;
    private int version;

    /**
     * @param rids the camera's simulcast rids, smallest first; empty for a single stream
     * @return the encodings to send now with {@link #version()}, or null when nothing needs to change
     *     (also when the wish changed but the encodings would not)
     */
    public List<Encoding> update(Wish wish, List<String> rids, long nowMillis) {
        if (applied != null && wish.equals(applied) && rids.equals(appliedRids)) {
            pendingDown = null;
            return null;
        }
        if (applied != null && rids.equals(appliedRids) && encodings(wish, rids).equals(encodings(applied, rids))) {
            // nothing the sender would notice (a relayed camera's tile changed, a height that rounds the same)
            pendingDown = null;
            applied = wish;
            return null;
        }
        if (applied != null && rids.equals(appliedRids) && wish.below(applied)) {
            if (!wish.equals(pendingDown)) {
                pendingDown = wish;
                pendingSinceMillis = nowMillis;
            }
            if (nowMillis - pendingSinceMillis < DOWN_HOLD_MILLIS) {
                return null;
            }
        }
        pendingDown = null;
        applied = wish;
        appliedRids = List.copyOf(rids);
        version++;
        return encodings(wish, rids);
    }

    /** Version of the last encodings returned by {@link #update} (the client echoes it). */
    public int version() {
        return version;
    }

    /** The wish currently applied, or null. */
    public Wish applied() {
        return applied;
    }

    /** Forgets what was applied (a new session of the client: its sender starts from its defaults). */
    public void reset() {
        applied = null;
        pendingDown = null;
        appliedRids = null;
    }

    static List<Encoding> encodings(Wish wish, List<String> rids) {
        int tile = Math.max(MIN_HEIGHT, wish.tileHeight() + (wish.tileHeight() & 1));
        List<Encoding> out = new ArrayList<>();
        if (rids.isEmpty()) {
            out.add(wish.relayed() ? new Encoding(null, true, 0, 0) : new Encoding(null, true, tile, bitrateFor(tile)));
            return out;
        }
        for (int i = 0; i < rids.size(); i++) {
            String rid = rids.get(i);
            if (wish.relayed()) {
                boolean allowed = i == 0 || i < rids.size() - wish.dropTop(); // the smallest layer always
                out.add(allowed ? new Encoding(rid, true, 0, ladderBitrate(i, rids.size())) : new Encoding(rid, false, 0, 0));
            } else {
                out.add(i == 0 ? new Encoding(rid, true, tile, bitrateFor(tile)) : new Encoding(rid, false, 0, 0));
            }
        }
        return out;
    }

    /** The ladder's max bitrate of layer {@code i} of {@code n}: the top layer gets f's, the one below h's, the rest q's. */
    static int ladderBitrate(int i, int n) {
        int fromTop = n - 1 - i;
        return fromTop == 0 ? LADDER_F : fromTop == 1 ? LADDER_H : LADDER_Q;
    }

    /** A VP8 bitrate for a picture {@code height} high (16:9): 200 kbps at 180 lines, scaling with area, 100 kbps..1.5 Mbps. */
    static int bitrateFor(int height) {
        double r = LADDER_Q * Math.pow(height / 180.0, 2);
        return (int) Math.max(100_000, Math.min(1_500_000, Math.round(r / 10_000) * 10_000));
    }
}
