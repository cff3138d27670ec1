package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.ext.AudioLevel;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.sfu.quality.StreamKind;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The microphone path of one participant, on its receive thread: the stages in order
 * <pre>
 *   quality   the packet counts for the uplink's connection quality
 *   level     the RFC 6464 audio level (where negotiated) feeds voice-activity speaker detection
 *   engine    as received (its own SSRC, extensions kept) to the engine's port for this participant, from the
 *             socket its video goes from (the engine pins that sender): decoded into the room's audio mix
 *   relay     forwarded, extensions stripped, into the audio slot each other receiver has for this participant,
 *             except to receivers on mixed audio (MixedAudio#replacesForwarded)
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

        /** Where the engine takes {@code p}'s RTP (video and audio), or null while it does not have it. */
        InetSocketAddress engineRoute(Peer p);

        void sendToEngine(DatagramPacket dp) throws IOException;
    }

    private final Peer p;
    private final Room room;
    private final HeaderExtensions ext = new HeaderExtensions();
    private final byte[] plainBuf = new byte[2048]; // receive thread scratch; transports copy what they keep
    private final DatagramPacket toEngine = new DatagramPacket(new byte[0], 0);

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
        toEngine(b, off, len);
        int n = PacketEdits.forwardInto(b, off, pkt.payloadOffset(), pkt.payloadLength(), pkt.ssrc(), plainBuf);
        if (n < 0) {
            p.rtpDropped.incrementAndGet();
            return;
        }
        long now = System.nanoTime();
        for (Peer q : room.peers()) {
            MixedAudio mixed = q.mixedAudio;
            if (q == p || mixed != null && mixed.replacesForwarded(now)) {
                continue;
            }
            Peer.AudioSlot slot = q.audioSlotFor(p.id);
            if (slot != null && slot.negotiated) {
                PacketEdits.setSsrc(plainBuf, slot.ssrc);
                if (q.media.sendRtp(plainBuf, 0, n)) {
                    p.forwarded.incrementAndGet();
                    q.quality.onRelayed(StreamKind.AUDIO, plainBuf, 0, n, now, p.quality.senderClock(), pkt.ssrc(),
                            pkt.timestamp(), p.cname());
                }
            }
        }
    }

    /** The packet as it came (plaintext after SRTP), for the engine's audio mix. */
    private void toEngine(byte[] b, int off, int len) {
        InetSocketAddress route = room.engineRoute(p);
        if (route == null) {
            return;
        }
        try {
            toEngine.setData(b, off, len);
            toEngine.setSocketAddress(route);
            room.sendToEngine(toEngine);
            p.audioToEngine.incrementAndGet();
        } catch (IOException e) {
            p.rtpDropped.incrementAndGet();
        }
    }
}
