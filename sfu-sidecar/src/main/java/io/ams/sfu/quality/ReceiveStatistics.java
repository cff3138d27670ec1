package io.ams.sfu.quality;

/**
 * Reception statistics of one incoming RTP stream (RFC 3550 appendix A): extended highest
 * sequence number across wraparound (A.1), packets expected and received, and interarrival
 * jitter (A.8). Reordered packets and retransmissions fill their place: a number counts once, a
 * duplicate not at all. A jump of more than {@value #MAX_DROPOUT} numbers forward or
 * {@value #WINDOW} back is taken as a restarted stream only when the next packet follows it
 * (A.1's probation of one packet); a lone stray number is ignored.
 *
 * <p>Jitter follows libwebrtc: only packets that advance the highest number and carry a new
 * timestamp update it, so retransmissions (old timestamps, late) and the packets of one video
 * frame (one timestamp, sent in a burst) do not count as jitter.
 *
 * <p>Not thread-safe: the owner synchronizes (one receive thread feeds it, the timer reads windows).
 * Allocation-free per packet.
 */
public final class ReceiveStatistics {
    static final int MAX_DROPOUT = 3000;
    static final int WINDOW = 1024; // numbers behind the highest whose arrival is remembered

    private final int clockRate;
    private final long[] seenBits = new long[WINDOW / 64];

    private boolean started;
    private long baseExt;
    private long highestExt;
    private int strayNext = -1;     // A.1 bad_seq: the number that would confirm a restart
    private long received;          // distinct numbers from base to highest
    private long duplicates;
    private long tooOld;
    private long payloadBytes;
    private long packets;

    private boolean haveTransit;
    private long lastArrivalUnits;
    private long lastTs;
    private double jitterUnits;

    // window bookkeeping
    private long windowExpectedBase;
    private long windowReceivedBase;
    private long windowBytesBase;
    private long windowPacketsBase;

    /** @param clockRate RTP clock rate: 90000 for video, 48000 for Opus */
    public ReceiveStatistics(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** One packet as it arrived ({@code arrivalNanos} on the {@link System#nanoTime()} clock). */
    public void onPacket(int seq, long rtpTimestamp, long arrivalNanos, int payloadLength) {
        seq &= 0xFFFF;
        rtpTimestamp &= 0xFFFFFFFFL;
        packets++;
        payloadBytes += Math.max(0, payloadLength);
        if (!started) {
            restart(seq);
            updateJitter(rtpTimestamp, arrivalNanos);
            return;
        }
        long ext = highestExt + (short) (seq - (int) (highestExt & 0xFFFF));
        long ahead = ext - highestExt;
        if (ahead > MAX_DROPOUT || ahead < -WINDOW) {
            if (seq == strayNext) { // two in a row: the sender restarted its numbering
                long expectedSoFar = expected();
                long receivedSoFar = received;
                restart(seq);
                // keep the counts continuous: the new numbering adds to what was expected and received
                baseExt -= expectedSoFar;
                received += receivedSoFar;
                haveTransit = false;
                updateJitter(rtpTimestamp, arrivalNanos);
            } else {
                strayNext = (seq + 1) & 0xFFFF;
            }
            return;
        }
        strayNext = -1;
        if (ahead > 0) {
            for (long s = highestExt + 1; s < ext; s++) {
                clear(s);
            }
            highestExt = ext;
            set(ext);
            received++;
            if (rtpTimestamp != lastTs) {
                updateJitter(rtpTimestamp, arrivalNanos);
            }
        } else if (ext <= highestExt - WINDOW || ext < baseExt) {
            tooOld++;
        } else if (isSet(ext)) {
            duplicates++;
        } else {
            set(ext);
            received++;
        }
    }

    private void restart(int seq) {
        started = true;
        baseExt = seq + 0x10000L; // one cycle of room below, so early reordered numbers stay positive
        highestExt = baseExt;
        java.util.Arrays.fill(seenBits, 0);
        set(highestExt);
        received = 1;
        strayNext = -1;
    }

    private void updateJitter(long rtpTimestamp, long arrivalNanos) {
        long arrivalUnits = (long) (arrivalNanos * (clockRate / 1e9));
        if (haveTransit) {
            long d = (arrivalUnits - lastArrivalUnits) - (int) (rtpTimestamp - lastTs);
            jitterUnits += (Math.abs(d) - jitterUnits) / 16.0;
        }
        haveTransit = true;
        lastArrivalUnits = arrivalUnits;
        lastTs = rtpTimestamp;
    }

    private void set(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        seenBits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        seenBits[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isSet(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        return (seenBits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    public boolean started() {
        return started;
    }

    /** Packets expected since the first: extended highest - base + 1 (RFC 3550 A.3). */
    public long expected() {
        return started ? highestExt - baseExt + 1 : 0;
    }

    /** Distinct sequence numbers received. */
    public long received() {
        return received;
    }

    /** Packets expected and not (yet) received; reordered packets that arrive later fill their place. */
    public long lost() {
        return expected() - received;
    }

    /** RFC 3550's extended highest sequence number (cycles in the upper 16 bits). */
    public long extendedHighest() {
        return started ? highestExt - 0x10000L : 0;
    }

    public long duplicates() {
        return duplicates;
    }

    /** Packets too old to place (more than {@value #WINDOW} behind) and ignored. */
    public long tooOld() {
        return tooOld;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public double jitterUnits() {
        return jitterUnits;
    }

    public double jitterMs() {
        return jitterUnits * 1000.0 / clockRate;
    }

    /** Payload bytes of every packet that arrived (retransmissions and duplicates too). */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Every packet that arrived. */
    public long packets() {
        return packets;
    }

    /** The counts since the previous call. */
    public record Window(long expected, long received, long payloadBytes, long packets) {
        public long lost() {
            return expected - received;
        }
    }

    /** Expected, received, bytes and packets since the previous call, then starts a new window. */
    public Window takeWindow() {
        Window w = new Window(expected() - windowExpectedBase, received - windowReceivedBase,
                payloadBytes - windowBytesBase, packets - windowPacketsBase);
        windowExpectedBase = expected();
        windowReceivedBase = received;
        windowBytesBase = payloadBytes;
        windowPacketsBase = packets;
        return w;
    }
}
