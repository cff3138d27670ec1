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
 * participant is on mixed audio, over its SRTP transport. A packet for an SSRC no participant has, or for a
 * participant without a mixed slot, is dropped, counted and logged once per burst.
 */
final class MixedAudioIn {
    private static final Logger LOG = LoggerFactory.getLogger(MixedAudioIn.class);

    private final String roomId;
    private final Map<Long, String> participantBySsrc = new ConcurrentHashMap<>();
    private final Map<String, Long> ssrcByParticipant = new ConcurrentHashMap<>();
    private final BurstLog unknownLog = new BurstLog(LOG); // mix thread only
    private final byte[] out = new byte[2048];            // mix thread only
    final AtomicLong packets = new AtomicLong();
    final AtomicLong unknownSsrc = new AtomicLong();
    final AtomicLong noSlot = new AtomicLong();

    MixedAudioIn(String roomId) {
        this.roomId = roomId;
    }

    /** The engine sends {@code participantId}'s mix on {@code ssrc} (a new SSRC replaces the old one). */
    void learn(String participantId, long ssrc) {
        Long old = ssrcByParticipant.put(participantId, ssrc);
        if (old != null && old != ssrc) {
            participantBySsrc.remove(old, participantId);
        }
        participantBySsrc.put(ssrc, participantId);
    }

    void forget(String participantId) {
        Long old = ssrcByParticipant.remove(participantId);
        if (old != null) {
            participantBySsrc.remove(old, participantId);
        }
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
            unknownSsrc.incrementAndGet();
            unknownLog.warn(System.currentTimeMillis(), "room '{}': mixed audio on SSRC {} dropped: no participant's mix has it",
                    roomId, pkt.ssrc());
            return;
        }
        MixedAudio m = q.mixedAudio;
        if (m == null) {
            noSlot.incrementAndGet(); // the room is below the threshold: nobody has a slot for it yet
            return;
        }
        int n = m.onEnginePacket(pkt, nowNanos, out);
        if (n > 0 && q.transport.sendRtp(out, 0, n)) {
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
