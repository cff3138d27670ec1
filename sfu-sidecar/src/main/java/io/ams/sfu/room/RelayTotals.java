package io.ams.sfu.room;

import io.ams.sfu.transport.PeerTransport;
import io.ams.sfu.transport.TransportStats;

/**
 * What the media path has done, summed: over one participant ({@link #of(Peer)}), one room
 * ({@link SfuRoom#metrics()}) or the whole sidecar ({@link RoomRegistry#census()}). Every field is a
 * count that only grows; the sums keep what left with departed participants and closed rooms, so they
 * can back Prometheus counters. Read from the stages' own counters (on {@code Peer}, the transports and
 * the mix socket), never counted twice on the packet path.
 *
 * @param packetsIn        datagrams read from participants (any kind: RTP, RTCP, DTLS, STUN)
 * @param bytesIn          their bytes, as received (SRTP)
 * @param packetsOut       datagrams sent to participants
 * @param bytesOut         their bytes, as sent (SRTP)
 * @param rtpForwarded     participants' RTP relayed to other participants (camera and microphone)
 * @param droppedIn        participants' packets dropped as bad input (unparsable RTP or RTCP, unknown payload
 *                         type, SRTP/SRTCP authentication failures, malformed datagrams)
 * @param nacksReceived    packets participants asked again (NACKed sequence numbers)
 * @param retransmissions  NACKed packets sent again from the relay's caches
 * @param nacksSent        NACKs we sent to cameras for their lost packets
 * @param plisSent         keyframe requests (PLI; the relay never sends FIR) sent to cameras
 * @param keyframeRequests PLIs and FIRs received from participants
 * @param mixPackets       packets of the engine's mix received (video and mixed audio)
 * @param mixDropped       datagrams on the mix socket dropped as bad input (not RTP, wrong payload type)
 * @param iceFailed        participants whose media connection failed before ICE completed
 * @param dtlsFailed       participants whose media connection failed after ICE, before DTLS completed
 */
public record RelayTotals(long packetsIn, long bytesIn, long packetsOut, long bytesOut, long rtpForwarded, long droppedIn,
                          long nacksReceived, long retransmissions, long nacksSent, long plisSent, long keyframeRequests,
                          long mixPackets, long mixDropped, long iceFailed, long dtlsFailed) {
    public static final RelayTotals ZERO = new RelayTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** One participant's counters now. */
    static RelayTotals of(Peer p) {
        TransportStats t = p.transport == null ? null : p.transport.stats();
        long transportBad = t == null ? 0 : t.srtpAuthFailures() + t.srtcpAuthFailures() + t.malformed();
        PeerTransport.State failedIn = p.setupFailedIn;
        boolean ice = failedIn == PeerTransport.State.NEW || failedIn == PeerTransport.State.CHECKING;
        boolean dtls = failedIn == PeerTransport.State.CONNECTED;
        return new RelayTotals(t == null ? 0 : t.packetsIn(), t == null ? 0 : t.bytesIn(), t == null ? 0 : t.packetsOut(),
                t == null ? 0 : t.bytesOut(), p.forwarded.get(), p.rtpDropped.get() + p.rtcpMalformed.get() + transportBad,
                p.nacksAnswered.get() + p.nacksMissed.get(), p.nacksAnswered.get(), p.nacksSent.get(), p.plisSent.get(),
                p.keyframeRequestsIn.get(), 0, 0, ice ? 1 : 0, dtls ? 1 : 0);
    }

    /** A room's mix socket: the engine's video and mixed audio, and what it dropped. */
    static RelayTotals ofMix(MixReceiver mix, MixedAudioIn audio) {
        return new RelayTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, mix.packets() + audio.packets.get(),
                mix.dropped() + mix.wrongPayloadType(), 0, 0);
    }

    /** Field by field sum. */
    public RelayTotals plus(RelayTotals o) {
        return new RelayTotals(packetsIn + o.packetsIn, bytesIn + o.bytesIn, packetsOut + o.packetsOut, bytesOut + o.bytesOut,
                rtpForwarded + o.rtpForwarded, droppedIn + o.droppedIn, nacksReceived + o.nacksReceived,
                retransmissions + o.retransmissions, nacksSent + o.nacksSent, plisSent + o.plisSent,
                keyframeRequests + o.keyframeRequests, mixPackets + o.mixPackets, mixDropped + o.mixDropped,
                iceFailed + o.iceFailed, dtlsFailed + o.dtlsFailed);
    }
}
