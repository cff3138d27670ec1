package io.ams.sfu.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityMessageTest {
    @Test
    void theMessageCarriesBothDirectionsInTheDocumentedShape() {
        LinkQuality up = new LinkQuality(23.456, QualityLevel.POOR, "loss", "losing 8% of packets", 8.04, 3.21, 12.34, 480);
        ParticipantQuality p = new ParticipantQuality("p1", "Ada", up, LinkQuality.UNKNOWN, 2, 5);
        ObjectNode m = QualityMessage.toJson(List.of(p));
        assertThat(m.toString()).isEqualTo("{\"type\":\"quality\",\"participants\":[{\"id\":\"p1\",\"name\":\"Ada\","
                + "\"uplink\":{\"score\":23,\"level\":\"poor\",\"reason\":\"loss\",\"text\":\"losing 8% of packets\","
                + "\"lossPercent\":8.0,\"jitterMs\":3.2,\"rttMs\":12.3,\"kbps\":480},"
                + "\"downlink\":{\"score\":null,\"level\":\"unknown\",\"reason\":\"no_data\",\"text\":\"not measured yet\","
                + "\"lossPercent\":0.0,\"jitterMs\":0.0,\"rttMs\":null,\"kbps\":0}}]}");
    }

    @Test
    void sameAsComparesWhatAClientSees() {
        LinkQuality a = new LinkQuality(50.2, QualityLevel.GOOD, "loss", "losing 5% of packets", 5, 1, 10, 100);
        LinkQuality b = new LinkQuality(49.9, QualityLevel.GOOD, "loss", "losing 5% of packets", 5.1, 2, 11, 120);
        LinkQuality c = new LinkQuality(52, QualityLevel.GOOD, "loss", "losing 5% of packets", 5, 1, 10, 100);
        assertThat(a.sameAs(b)).as("rounds to the same score, same words").isTrue();
        assertThat(a.sameAs(c)).isFalse();
    }
}
