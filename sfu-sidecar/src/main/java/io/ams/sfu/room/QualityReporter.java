package io.ams.sfu.room;

import io.ams.sfu.quality.ParticipantQuality;
import io.ams.sfu.quality.StreamClock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The room's side of the network analyzer (package {@code io.ams.sfu.quality}): about once a second
 * it has every participant's {@link io.ams.sfu.quality.PeerQuality} send its sender reports and
 * measure both directions, and sends the {@code quality} message to every client when what a client
 * would see changed (and to a newcomer at once). While two talk peer to peer, both directions come
 * from what each says it receives directly ({@link io.ams.sfu.quality.ClientLinkReport}). Runs on the room
 * timer, outside the room lock; channel sends never block.
 */
final class QualityReporter {
    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private long lastRunNanos;
    private List<ParticipantQuality> announced = List.of();
    private final Set<String> told = new java.util.HashSet<>(); // participants that have the current announcement
    private volatile Map<String, ParticipantQuality> latest = Map.of();

    /** Called on every room tick; does its work once per {@link #PERIOD_NANOS}. */
    void tick(Peer[] peers, long nowNanos) {
        if (lastRunNanos != 0 && nowNanos - lastRunNanos < PERIOD_NANOS) {
            return;
        }
        lastRunNanos = nowNanos;
        List<ParticipantQuality> list = new ArrayList<>(peers.length);
        Map<String, ParticipantQuality> byId = new LinkedHashMap<>();
        for (Peer p : peers) {
            ParticipantQuality q = p.quality.tick(p.id, p.name, nowNanos, repaired(p), p.audioMuted, p.videoMuted,
                    p.media::sendRtcp);
            Peer other = p.p2pWith;
            if (other != null) {
                // peer to peer: nothing of theirs reaches us; what each receives directly (its own stats) is its
                // downlink and the other's uplink
                q = new ParticipantQuality(p.id, p.name, other.p2pLink.window(nowNanos), p.p2pLink.window(nowNanos),
                        q.reportBlocksIgnored(), q.senderReportsSent());
            }
            list.add(q);
            byId.put(p.id, q);
            List<StreamClock> clocks = p.quality.streamClocks();
            if (!clocks.isEmpty()) {
                p.channel.clock(clocks); // what the sender reports just said, for the client's lip sync
            }
        }
        latest = byId;
        boolean changed = list.size() != announced.size();
        for (int i = 0; !changed && i < list.size(); i++) {
            changed = !list.get(i).sameAs(announced.get(i));
        }
        if (changed) {
            announced = list;
            told.clear();
        }
        if (list.isEmpty()) {
            return;
        }
        for (Peer p : peers) {
            if (told.add(p.id)) {
                p.channel.quality(list);
            }
        }
    }

    /** The latest measurement of every participant, by id (control API). */
    Map<String, ParticipantQuality> latest() {
        return latest;
    }

    /** Camera packets that arrived after a NACK, over all layers and camera SSRCs of this participant. */
    private static long repaired(Peer p) {
        return p.camera.recovered();
    }
}
