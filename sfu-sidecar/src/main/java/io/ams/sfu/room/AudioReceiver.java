package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.AudioLevel;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.sfu.quality.StreamKind;

/**
 * The microphone path of one participant, on its receive thread: the stages in order
 * <pre>
 *   quality   the packet counts for the uplink's connection quality
 *   level     the RFC 6464 audio level (where negotiated) feeds voice-activity speaker detection
 *   relay     forwarded, extensions stripped, into the audio slot each other receiver has for this participant
 * </pre>
 * Never throws on media input: what cannot be used is dropped and counted on the peer.
 */
final class AudioReceiver {
    /** -dBov: louder than -50 dBov with the voice flag counts as speaking. */
    static final int SPEAKING_LEVEL = 50;

    /** What the microphone path needs from its room. */
    interface Room {
        Peer[] peers();

        /** One audio level of {@code p} for the speaker selector. */
        void onAudioLevel(Peer p, int level, boolean voice, long nowMillis);
    }

    private final Peer p;
    private final Room room;
    private final HeaderExtensions ext = new HeaderExtensions();
    private final byte[] plainBuf = new byte[2048]; // receive thread scratch; transports copy what they keep

    AudioReceiver(Peer p, Room room) {
        this.p = p;
        this.room = room;
    }

    /** An Opus packet from this participant; extensions still in place. */
    void onPacket(RtpPacket pkt, byte[] b, int off, int len) {
        p.quality.onUplink(false, pkt.ssrc(), pkt.sequenceNumber(), pkt.timestamp(), pkt.payloadLength(), System.nanoTime());
        if (p.audioLevelExtId > 0) {
            try {
                if (ext.wrap(b, off, len)) {
                    int packed = AudioLevel.read(ext, p.audioLevelExtId);
                    if (packed >= 0) {
                        long now = System.currentTimeMillis();
                        int level = AudioLevel.level(packed);
                        boolean voice = AudioLevel.voice(packed);
                        if (voice && level <= SPEAKING_LEVEL) {
                            p.lastVoiceMillis = now;
                        }
                        room.onAudioLevel(p, level, voice, now);
                    }
                }
            } catch (RtpFormatException e) {
                p.rtpDropped.incrementAndGet();
                return;
            }
        }
        if (pkt.payloadLength() == 0) {
            return;
        }
        int n = PacketEdits.forwardInto(b, off, pkt.payloadOffset(), pkt.payloadLength(), pkt.ssrc(), plainBuf);
        if (n < 0) {
            p.rtpDropped.incrementAndGet();
            return;
        }
        for (Peer q : room.peers()) {
            if (q == p) {
                continue;
            }
            Peer.AudioSlot slot = q.audioSlotFor(p.id);
            if (slot != null && slot.negotiated) {
                PacketEdits.setSsrc(plainBuf, slot.ssrc);
                if (q.transport.sendRtp(plainBuf, 0, n)) {
                    p.forwarded.incrementAndGet();
                    q.quality.onSent(StreamKind.AUDIO, plainBuf, 0, n, System.nanoTime());
                }
            }
        }
    }
}
