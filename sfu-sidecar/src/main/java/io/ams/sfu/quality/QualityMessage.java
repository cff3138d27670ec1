package io.ams.sfu.quality;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The signaling message {@code quality} (docs/SIGNALING.md):
 * {@code {"type":"quality","participants":[{"id":"p1","name":"Ada","uplink":{...},"downlink":{...}}]}}
 * where each direction is {@code {score, level, reason, text, lossPercent, jitterMs, rttMs, kbps}};
 * {@code score} and {@code rttMs} are null while unknown.
 */
public final class QualityMessage {
    private QualityMessage() {
    }

    public static ObjectNode toJson(List<ParticipantQuality> list) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", "quality");
        ArrayNode a = o.putArray("participants");
        for (ParticipantQuality p : list) {
            ObjectNode n = a.addObject();
            n.put("id", p.participantId());
            n.put("name", p.name());
            link(n.putObject("uplink"), p.uplink());
            link(n.putObject("downlink"), p.downlink());
        }
        return o;
    }

    private static void link(ObjectNode n, LinkQuality q) {
        if (q.roundedScore() < 0) {
            n.putNull("score");
        } else {
            n.put("score", q.roundedScore());
        }
        n.put("level", q.level().word());
        n.put("reason", q.reason());
        n.put("text", q.text());
        n.put("lossPercent", round1(q.lossPercent()));
        n.put("jitterMs", round1(q.jitterMs()));
        if (Double.isNaN(q.rttMs())) {
            n.putNull("rttMs");
        } else {
            n.put("rttMs", round1(q.rttMs()));
        }
        n.put("kbps", q.kbps());
    }

    private static double round1(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? 0 : Math.round(v * 10) / 10.0;
    }
}
