package io.ams.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeBitrateEstimatorTest {
    private final ProbeBitrateEstimator e = new ProbeBitrateEstimator();

    /** A packet of cluster 1 sent at {@code sendMs}, arriving {@code delayMs} later. */
    private double packet(int bytes, long sendMs, long arrivalMs) {
        return e.onPacket(new SendHistory.PacketResult(0, sendMs * 1000, bytes, arrivalMs * 1000, 1));
    }

    /** The first packet after the cluster, which completes it. */
    private double after(long sendMs, long arrivalMs) {
        return e.onPacket(new SendHistory.PacketResult(0, sendMs * 1000, 100, arrivalMs * 1000, TransportSeqStamper.NO_CLUSTER));
    }

    @Test
    void measuresTheWholeClusterNotItsFirstPackets() {
        // five small audio packets over the first 40 ms: a result from them alone would say ~80 kbps
        for (int i = 0; i < 5; i++) {
            assertThat(packet(100, i * 10L, i * 10L + 5)).isNaN();
        }
        // then 40 kB of padding over the rest of the 100 ms, received at the same pace: ~3.3 Mbps
        for (int i = 0; i < 160; i++) {
            assertThat(packet(250, 50 + i / 3, 55 + i / 3)).as("not before the cluster is complete").isNaN();
        }
        assertThat(after(110, 115)).as("measured over the whole cluster").isBetween(2_500_000.0, 4_500_000.0);
    }

    @Test
    void aBottleneckShowsInTheReceiveRate() {
        for (int i = 0; i < 100; i++) {
            // sent at 2 Mbps (250 B per ms), arriving at 500 kbps (one per 4 ms)
            packet(250, i, 10 + 4L * i);
        }
        assertThat(after(100, 410)).isBetween(400_000.0, 500_000.0);
        assertThat(after(101, 411)).as("one result per cluster").isNaN();
    }
}
