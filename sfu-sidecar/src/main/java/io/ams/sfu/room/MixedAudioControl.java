package io.ams.sfu.room;

import io.ams.sfu.sdp.Direction;
import io.ams.sfu.sdp.MediaDescription;
import io.ams.sfu.sdp.OfferBuilder;
import io.ams.sfu.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's audio delivery (docs/DESIGN.md "Audio delivery"), under the room's lock: above the threshold
 * every receiver gets a mixed-audio slot (one renegotiation, kept from then on) and is switched to the engine's
 * mix once that slot is negotiated and the mix for it is arriving; below it, or when the engine's audio stops,
 * back to forwarded audio at once. Each switch is told to the client ({@code audio} message).
 */
final class MixedAudioControl {
    private static final Logger LOG = LoggerFactory.getLogger(MixedAudioControl.class);

    private final String roomId;
    private final int threshold;
    private boolean roomMixed;                        // room lock
    final AtomicLong switches = new AtomicLong();

    MixedAudioControl(String roomId, int threshold) {
        this.roomId = roomId;
        this.threshold = threshold;
    }

    int threshold() {
        return threshold;
    }

    /** The room is over the threshold (as of the last join, leave or tick). */
    synchronized boolean roomMixed() {
        return roomMixed;
    }

    /**
     * Room lock, after a join and on every tick: once the room is over the threshold, every peer without a mixed slot gets
     * one. Returns those peers: each needs a new offer.
     */
    synchronized List<Peer> addSlots(Collection<Peer> peers) {
        List<Peer> added = new ArrayList<>();
        if (!AudioDelivery.roomMixed(threshold, peers.size())) {
            return added;
        }
        for (Peer p : peers) {
            if (p.mixedAudio == null) {
                p.mixedAudio = new MixedAudio(SfuRoom.randomSsrc(), p.audioSlots.size());
                added.add(p);
            }
        }
        if (!added.isEmpty()) {
            LOG.info("room '{}': {} participant(s), audio mix threshold {}: mixed audio slot offered to {}", roomId,
                    peers.size(), threshold, added);
        }
        return added;
    }

    /** Room lock (join, leave, tick): each receiver's mode by {@link AudioDelivery#mode}, applied and told at once. */
    synchronized void update(Collection<Peer> peers, long nowNanos) {
        boolean mixed = AudioDelivery.roomMixed(threshold, peers.size());
        if (mixed != roomMixed) {
            LOG.info("room '{}': {} participant(s), audio mix threshold {}: audio {}", roomId, peers.size(), threshold,
                    mixed ? "mixed by the engine" : "forwarded");
            roomMixed = mixed;
        }
        for (Peer p : peers) {
            MixedAudio m = p.mixedAudio;
            if (m == null) {
                continue;
            }
            boolean flowing = m.fresh(nowNanos) && m.steady(nowNanos);
            if (mixed && m.negotiated && !flowing) {
                m.trouble(nowNanos); // back to mixed only after RETRY_NANOS of steady audio: a struggling engine must not flap
            }
            AudioDelivery.Mode want = AudioDelivery.mode(mixed, m.negotiated, flowing && !m.heldBack(nowNanos));
            if ((want == AudioDelivery.Mode.MIXED) != m.delivering()) {
                m.deliver(want == AudioDelivery.Mode.MIXED);
                switches.incrementAndGet();
                LOG.info("room '{}': {} now hears {} audio{}", roomId, p, want.wire(), want == AudioDelivery.Mode.MIXED ? ""
                        : !mixed ? " (not over the threshold)" : !m.negotiated ? " (mixed slot not negotiated)"
                        : !m.fresh(nowNanos) ? " (no mixed audio from the engine for " + m.engineAgeMillis(nowNanos) + " ms)"
                        : !m.steady(nowNanos) ? " (the engine's mixed audio is choppy: fewer than " + MixedAudio.STEADY_PACKETS
                        + " packets a second)" : " (the engine's mixed audio failed less than 3 s ago)");
                p.channel.audioMode(want.wire());
            }
        }
    }

    /** Offer building: the peer's mixed-audio section, if it sits before forwarded slot {@code index}. */
    static void offerSection(Peer p, int index, long version, List<OfferBuilder.Section> sections,
                             Map<String, PeerChannel.TrackRole> roles) {
        MixedAudio m = p.mixedAudio;
        if (m == null || m.position != index) {
            return;
        }
        sections.add(OfferBuilder.Section.send(MixedAudio.MID, "audio", m.ssrc, "ams-mixed-audio", "mixed-audio"));
        roles.put(MixedAudio.MID, new PeerChannel.TrackRole("mixed-audio", null));
        if (m.offeredIn == 0) {
            m.offeredIn = version;
        }
    }

    /** An answer to the peer's latest offer: whether it took the mixed-audio section. */
    static void answered(Peer p, SessionDescription d) {
        MixedAudio m = p.mixedAudio;
        if (m == null) {
            return;
        }
        MediaDescription md = d.byMid(MixedAudio.MID);
        m.negotiated = m.offeredIn > 0 && m.offeredIn <= p.offerVersion && md != null && !md.rejected()
                && md.direction() != Direction.INACTIVE;
    }

    /** The mode a peer is in now (control API). */
    static AudioDelivery.Mode modeOf(Peer p) {
        MixedAudio m = p.mixedAudio;
        return m != null && m.delivering() ? AudioDelivery.Mode.MIXED : AudioDelivery.Mode.FORWARDED;
    }
}
