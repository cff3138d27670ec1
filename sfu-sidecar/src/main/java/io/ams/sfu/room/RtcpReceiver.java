package io.ams.sfu.room;

import io.ams.rtp.RtpFormatException;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpParser;
import io.ams.sfu.relay.PacketCache;
import io.ams.sfu.relay.StreamRewriter;
import java.util.List;

/**
 * RTCP from one participant, on its receive thread: about what it sends us (sender reports: uplink
 * quality) and about what we send it, by type
 * <pre>
 *   SR, RR          connection quality (uplink bitrate, downlink loss, jitter, RTT)
 *   PLI, FIR        keyframe of its main source's layer, or of the layer it switches to (main slot), or of
 *                   the mix (mix slot)
 *   NACK            retransmission from the slot's packet cache
 *   transport-cc    downlink bandwidth estimation (DownlinkBwe)
 *   REMB            the same, where the receiver estimates itself
 * </pre>
 * SDES and BYE end here. A compound that does not parse is counted ({@code rtcpMalformed}) and dropped.
 */
final class RtcpReceiver {
    /** What the RTCP path needs from its room. */
    interface Room {
        /** A keyframe of the camera layer with this SSRC (whoever sends it). */
        void requestKeyframeOfLayer(long layerSsrc);

        void requestMixKeyframe();
    }

    private final Peer p;
    private final Room room;

    RtcpReceiver(Peer p, Room room) {
        this.p = p;
        this.room = room;
    }

    void onRtcp(byte[] b, int off, int len) {
        List<RtcpPacket> packets;
        try {
            packets = RtcpParser.parse(b, off, len);
        } catch (RtpFormatException e) {
            p.rtcpMalformed.incrementAndGet();
            return;
        }
        p.rtcpIn.incrementAndGet();
        long now = System.nanoTime();
        for (RtcpPacket r : packets) {
            p.quality.onRtcp(r, now);
            if (r instanceof RtcpPacket.Pli pli) {
                onKeyframeRequest(pli.mediaSsrc());
            } else if (r instanceof RtcpPacket.Fir fir) {
                for (RtcpPacket.FirEntry e : fir.entries()) {
                    onKeyframeRequest(e.ssrc());
                }
            } else if (r instanceof RtcpPacket.Nack nack) {
                retransmit(nack, now);
            } else if (r instanceof RtcpPacket.TransportCc fb) {
                p.bwe.onTransportFeedback(fb, now);
            } else if (r instanceof RtcpPacket.Remb remb) {
                p.bwe.onRemb(remb.bitrateBps(), now);
            }
        }
    }

    private void retransmit(RtcpPacket.Nack nack, long now) {
        if (nack.mediaSsrc() != p.mainSsrc && nack.mediaSsrc() != p.mixSsrc) {
            return;
        }
        PacketCache cache = nack.mediaSsrc() == p.mainSsrc ? p.mainCache : p.mixCache;
        for (int seq : nack.lostSequenceNumbers()) {
            byte[] again = cache.get(seq, now);
            if (again != null && p.media.sendRtp(again, 0, again.length)) {
                p.nacksAnswered.incrementAndGet();
            } else {
                p.nacksMissed.incrementAndGet();
            }
        }
    }

    private void onKeyframeRequest(long mediaSsrc) {
        p.keyframeRequestsIn.incrementAndGet();
        if (mediaSsrc == p.mainSsrc) {
            // while the slot waits for a keyframe of the layer it switches to, that is the one the receiver needs
            long pending = p.mainRewriter.pendingSource();
            room.requestKeyframeOfLayer(pending != StreamRewriter.NONE ? pending : p.mainRewriter.currentSource());
        } else if (mediaSsrc == p.mixSsrc) {
            room.requestMixKeyframe();
        }
    }
}
