package io.ams.sfu.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.sfu.transport.PeerTransport;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A room's relay totals follow its participants' counters and keep what departed participants did. */
class RelayLedgerTest {
    private final RelayLedger ledger = new RelayLedger();
    private final AtomicReference<Peer[]> view = new AtomicReference<>(new Peer[0]);

    private RelayTotals total() {
        return ledger.total(view::get);
    }

    @Test
    void totalsFollowThePeersCountersAndSurviveTheirLeaving() {
        Peer a = TestPeers.peer("a");
        Peer b = TestPeers.peer("b");
        view.set(new Peer[] {a, b});
        a.forwarded.addAndGet(10);
        b.forwarded.addAndGet(5);
        a.nacksAnswered.addAndGet(3);
        a.nacksMissed.addAndGet(1);
        b.plisSent.incrementAndGet();
        b.rtpDropped.addAndGet(2);
        b.rtcpMalformed.incrementAndGet();
        b.keyframeRequestsIn.addAndGet(4);
        a.nacksSent.addAndGet(6);
        RelayTotals t = total();
        assertThat(t.rtpForwarded()).isEqualTo(15);
        assertThat(t.nacksReceived()).isEqualTo(4);
        assertThat(t.retransmissions()).isEqualTo(3);
        assertThat(t.plisSent()).isEqualTo(1);
        assertThat(t.droppedIn()).isEqualTo(3);
        assertThat(t.keyframeRequests()).isEqualTo(4);
        assertThat(t.nacksSent()).isEqualTo(6);

        b.setupFailedIn = PeerTransport.State.CONNECTED;
        ledger.retire(List.of(b), () -> view.set(new Peer[] {a}));
        RelayTotals after = total();
        assertThat(after.rtpForwarded()).as("b's relayed packets stay counted").isEqualTo(15);
        assertThat(after.dtlsFailed()).isEqualTo(1);
        a.forwarded.incrementAndGet();
        assertThat(total().rtpForwarded()).isEqualTo(16);
        ledger.retire(List.of(a), () -> view.set(new Peer[0]));
        assertThat(total()).isEqualTo(after.plus(new RelayTotals(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
    }
}
