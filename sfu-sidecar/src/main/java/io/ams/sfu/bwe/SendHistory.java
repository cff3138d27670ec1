package io.ams.sfu.bwe;

import java.util.ArrayList;
import java.util.List;

/**
 * What we sent to one peer, by transport-wide sequence number: send time, size and the probe cluster the
 * packet belonged to, plus what feedback already said about it, so that a replayed or reordered feedback
 * never counts a packet twice. A ring of {@value #SIZE} packets (about 10 s at 1,600 packets/s); older
 * numbers are forgotten and feedback about them is refused.
 *
 * <p>Sequence numbers are kept unwrapped ({@code long}, from 1); the wire carries the low 16 bits.
 * Thread-safe: senders add from any thread, the feedback thread resolves.
 */
final class SendHistory {
    static final int SIZE = 1 << 14;
    private static final byte UNREPORTED = 0, REPORTED_LOST = 1, RECEIVED = 2;

    /** Arrival time of a packet reported not received. */
    static final long LOST = Long.MIN_VALUE;

    /** One packet as feedback resolved it; {@code arrivalUs} is on the receiver's clock, {@link #LOST} if lost. */
    record PacketResult(long seq, long sendUs, int size, long arrivalUs, int probeCluster) {
        boolean received() {
            return arrivalUs != LOST;
        }
    }

    /**
     * What one feedback told us beyond what earlier ones did; {@code newlyLost} is the net change (a packet
     * reported lost before and received now counts -1 there and +1 in {@code lateReceived}).
     */
    record Resolution(List<PacketResult> results, int newlyLost, int newlyReceived, int lateReceived, int duplicates) {
    }

    private final long[] seqs = new long[SIZE];
    private final long[] sendUs = new long[SIZE];
    private final int[] sizes = new int[SIZE];
    private final int[] clusters = new int[SIZE];
    private final byte[] state = new byte[SIZE];
    private long next = 1;

    SendHistory() {
        java.util.Arrays.fill(seqs, -1);
    }

    /** Records a packet about to be sent and returns its (unwrapped) transport-wide sequence number. */
    synchronized long add(long nowUs, int size, int probeCluster) {
        long seq = next++;
        int i = (int) (seq & (SIZE - 1));
        seqs[i] = seq;
        sendUs[i] = nowUs;
        sizes[i] = size;
        clusters[i] = probeCluster;
        state[i] = UNREPORTED;
        return seq;
    }

    /** The newest sequence number handed out, 0 if none. */
    synchronized long newest() {
        return next - 1;
    }

    /**
     * Unwraps a 16-bit number from feedback to the newest unwrapped one at or before what we sent.
     *
     * @return the unwrapped number, or -1 if nothing was sent yet
     */
    synchronized long unwrap(int seq16) {
        long newest = next - 1;
        if (newest <= 0) {
            return -1;
        }
        long back = ((newest & 0xFFFF) - seq16) & 0xFFFF;
        return newest - back;
    }

    /** Whether {@code [first, first+count)} lies wholly inside what we sent and still remember. */
    synchronized boolean covers(long first, int count) {
        long newest = next - 1;
        return first >= 1 && count >= 1 && first + count - 1 <= newest && newest - first < SIZE
                && seqs[(int) (first & (SIZE - 1))] == first;
    }

    /**
     * Applies one feedback: {@code arrivalUs[i]} for packet {@code first + i}, or {@link #LOST} if reported not received.
     * Packets already reported received are duplicates and left out of the results.
     */
    synchronized Resolution resolve(long first, long[] arrivalUs) {
        List<PacketResult> out = new ArrayList<>(arrivalUs.length);
        int lost = 0, received = 0, late = 0, dups = 0;
        for (int k = 0; k < arrivalUs.length; k++) {
            long seq = first + k;
            int i = (int) (seq & (SIZE - 1));
            if (seqs[i] != seq) {
                continue;
            }
            byte s = state[i];
            if (arrivalUs[k] == LOST) {
                if (s == UNREPORTED) {
                    state[i] = REPORTED_LOST;
                    lost++;
                    out.add(new PacketResult(seq, sendUs[i], sizes[i], LOST, clusters[i]));
                }
                continue;
            }
            if (s == RECEIVED) {
                dups++;
                continue;
            }
            if (s == REPORTED_LOST) {
                late++;
                lost--;
            }
            state[i] = RECEIVED;
            received++;
            out.add(new PacketResult(seq, sendUs[i], sizes[i], arrivalUs[k], clusters[i]));
        }
        return new Resolution(out, lost, received, late, dups);
    }
}
