package io.ams.sfu.room;

import io.ams.rtp.RtpPacket;
import io.ams.sfu.bwe.BurstLog;
import io.ams.sfu.quality.StreamKind;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio half of a room's mix socket, on the mix thread (MixReceiver hands it the packets with the audio
 * payload type, from the engine's address only): each engine stream (SSRC = the participant's
 * mix_audio_ssrc, learnt from AddParticipant) goes to that participant's mixed-audio slot and, while the
 * participant is on mixed audio, over its SRTP transport. A packet for an SSRC no participant has is dropped,
 * counted and logged once per burst, once that SSRC has gone unclaimed for {@value #EARLY_MS} ms (the engine sends
 * a participant's mix from AddParticipant on, a moment before its answer tells us the SSRC: those few packets
 * are counted as early, not logged); the engine's last packets for a participant who just left (or of a mix
 * SSRC the engine replaced) are dropped and counted apart for {@value #RETIRED_MS} ms, without a log line, as are
 * packets for a participant without a mixed slot (the room not over the threshold).
 */
final class MixedAudioIn {
    private static final Logger LOG = LoggerFactory.getLogger(MixedAudioIn.class);

    private final String roomId;
    private final Map<Long, String> participantBySsrc = new ConcurrentHashMap<>();
    private final Map<String, Long> ssrcByParticipant = new ConcurrentHashMap<>();
    private final Map<Long, Long> retiredAtMillis = new ConcurrentHashMap<>(); // SSRCs of mixes no longer wanted
    private final BurstLog unknownLog = new BurstLog(LOG); // mix thread only
    private final byte[] out = new byte[2048];            // mix thread only
    final AtomicLong packets = new AtomicLong();
    final AtomicLong unknownSsrc = new AtomicLong();
    final AtomicLong noSlot = new AtomicLong();
    final AtomicLong retired = new AtomicLong();
    final AtomicLong early = new AtomicLong();
    static final long RETIRED_MS = 5000;
    static final long EARLY_MS = 1000;
    private final Map<Long, Long> unclaimedSinceMillis = new java.util.HashMap<>(); // mix thread only

    MixedAudioIn(String roomId) {
        this.roomId = roomId;
    }

    /** The engine sends {@code participantId}'s mix on {@code ssrc} (a new SSRC replaces the old one). */
    void learn(String participantId, long ssrc) {
        Long old = ssrcByParticipant.put(participantId, ssrc);
        if (old != null && old != ssrc) {
            participantBySsrc.remove(old, participantId);
            retire(old);
        }
        retiredAtMillis.remove(ssrc);
        participantBySsrc.put(ssrc, participantId);
    }

    void forget(String participantId) {
        Long old = ssrcByParticipant.remove(participantId);
        if (old != null) {
            participantBySsrc.remove(old, participantId);
            retire(old);
        }
    }

    private void retire(long ssrc) {
        long now = System.currentTimeMillis();
        retiredAtMillis.values().removeIf(at -> now - at > RETIRED_MS);
        retiredAtMillis.put(ssrc, now);
    }

    /** The engine's SSRC of this participant's mix, 0 if not known. */
    long ssrcOf(String participantId) {
        Long s = ssrcByParticipant.get(participantId);
        return s == null ? 0 : s;
    }

    /** An audio packet from the engine. */
    void onPacket(RtpPacket pkt, Peer[] peers, long nowNanos) {
        packets.incrementAndGet();
        String pid = participantBySsrc.get(pkt.ssrc());
        Peer q = pid == null ? null : find(peers, pid);
        if (q == null) {
            Long at = retiredAtMillis.get(pkt.ssrc());
            if (pid != null || at != null && System.currentTimeMillis() - at <= RETIRED_MS) { // pid: leaving right now
                retired.incrementAndGet(); // the engine's last packets for someone who left: expected, not logged
                return;
            }
            long now = System.currentTimeMillis();
            if (unclaimedSinceMillis.size() > 64) {
                unclaimedSinceMillis.clear(); // a flood of made-up SSRCs: start again rather than grow
            }
            if (now - unclaimedSinceMillis.computeIfAbsent(pkt.ssrc(), k -> now) < EARLY_MS) {
                early.incrementAndGet();
                return;
            }
            unknownSsrc.incrementAndGet();
            unknownLog.warn(now, "room '{}': mixed audio on SSRC {} dropped: no participant's mix has had it for {} ms",
                    roomId, pkt.ssrc(), now - unclaimedSinceMillis.get(pkt.ssrc()));
            return;
        }
        MixedAudio m = q.mixedAudio;
        if (m == null) {
            noSlot.incrementAndGet(); // the room is not over the threshold: nobody has a slot for it yet
            return;
        }
        int n = m.onEnginePacket(pkt, nowNanos, out);
        if (n > 0 && q.media.sendRtp(out, 0, n)) {
            m.sent.incrementAndGet();
            q.quality.onSent(StreamKind.AUDIO, out, 0, n, nowNanos);
        }
    }

    private static Peer find(Peer[] peers, String pid) {
        for (Peer p : peers) {
            if (p.id.equals(pid)) {
                return p;
            }
        }
        return null;
    }
}
