package io.ams.sfu.quality;

/**
 * Both directions of one participant's connection, as the room last computed them, and the
 * analyzer's counters: report blocks ignored (unknown SSRC, numbers that make no sense, an LSR we
 * never sent) and sender reports we sent it.
 */
public record ParticipantQuality(String participantId, String name, LinkQuality uplink, LinkQuality downlink,
                                 long reportBlocksIgnored, long senderReportsSent) {

    /** Equal as a client would see it (the counters are not sent to clients). */
    public boolean sameAs(ParticipantQuality o) {
        return o != null && participantId.equals(o.participantId) && uplink.sameAs(o.uplink) && downlink.sameAs(o.downlink);
    }
}
