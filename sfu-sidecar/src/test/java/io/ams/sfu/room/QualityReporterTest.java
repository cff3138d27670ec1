package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.quality.ParticipantQuality;
import io.ams.sfu.quality.QualityLevel;
import org.junit.jupiter.api.Test;

/** The room's quality timer: server measurements, and the clients' own while two talk peer to peer. */
class QualityReporterTest {
    static final long SEC = 1_000_000_000L;

    final QualityReporter reporter = new QualityReporter();
    final Peer ada = StagePackets.peer("p1");
    final Peer bob = StagePackets.peer("p2");

    @Test
    void peerToPeerEachDirectionIsWhatTheOtherSaysItReceives() {
        ada.p2pWith = bob;
        bob.p2pWith = ada;
        long received = 0;
        long lost = 0;
        for (int s = 0; s <= 6; s++) {
            long now = (s + 1) * SEC;
            // Ada receives Bob cleanly; Bob loses 1 in 10 of what Ada sends him
            ada.p2pLink.onReport(s * 100L, 0, s * 100_000L, 2, 15, now);
            received += 90;
            lost += 10;
            bob.p2pLink.onReport(s == 0 ? 0 : received, s == 0 ? 0 : lost, s * 90_000L, 2, 15, now);
            reporter.tick(new Peer[] {ada, bob}, now);
        }
        ParticipantQuality a = reporter.latest().get("p1");
        ParticipantQuality b = reporter.latest().get("p2");
        assertThat(a.downlink().level()).as("Ada receives Bob directly without loss").isEqualTo(QualityLevel.EXCELLENT);
        assertThat(b.uplink().level()).as("... which is Bob's upload").isEqualTo(QualityLevel.EXCELLENT);
        assertThat(b.downlink().text()).as("Bob's download").isEqualTo("losing 10% of packets");
        assertThat(a.uplink().text()).as("Ada's upload, as Bob receives it").isEqualTo("losing 10% of packets");
        assertThat(a.downlink().rttMs()).isEqualTo(15);
    }

    @Test
    void backOnTheServerTheServersOwnMeasurementCountsAgain() {
        ada.p2pWith = bob;
        bob.p2pWith = ada;
        ada.p2pLink.onReport(0, 0, 0, 2, 15, SEC);
        reporter.tick(new Peer[] {ada, bob}, SEC);
        ada.p2pLink.onReport(100, 0, 100_000, 2, 15, 2 * SEC);
        reporter.tick(new Peer[] {ada, bob}, 2 * SEC);
        assertThat(reporter.latest().get("p1").downlink().level()).isEqualTo(QualityLevel.EXCELLENT);

        ada.p2pWith = null; // the call went back to the server: nothing measured there yet
        bob.p2pWith = null;
        reporter.tick(new Peer[] {ada, bob}, 3 * SEC);
        assertThat(reporter.latest().get("p1").downlink().level()).isEqualTo(QualityLevel.UNKNOWN);
    }
}
