package io.ams.sfu.control;

import io.ams.proto.v1.SfuParticipant;
import io.ams.sfu.quality.LinkQuality;
import io.ams.sfu.quality.ParticipantQuality;

/** Connection quality as {@code SfuParticipant} fields 30..33 (merged into the participant). */
final class QualityProto {
    private QualityProto() {
    }

    /** The quality fields of one participant; empty (all defaults) if it has not been measured yet. */
    static SfuParticipant of(ParticipantQuality q) {
        SfuParticipant.Builder b = SfuParticipant.newBuilder();
        if (q != null) {
            b.setUplinkQuality(link(q.uplink())).setDownlinkQuality(link(q.downlink()))
                    .setRtcpReportsIgnored(q.reportBlocksIgnored()).setSenderReportsSent(q.senderReportsSent());
        }
        return b.build();
    }

    static SfuParticipant.LinkQuality link(LinkQuality q) {
        return SfuParticipant.LinkQuality.newBuilder().setScore(q.roundedScore()).setLevel(q.level().word())
                .setReason(q.reason()).setText(q.text()).setLossPercent(finite(q.lossPercent()))
                .setJitterMs(finite(q.jitterMs())).setRttMs(Double.isNaN(q.rttMs()) ? -1 : q.rttMs()).setKbps(q.kbps())
                .build();
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
