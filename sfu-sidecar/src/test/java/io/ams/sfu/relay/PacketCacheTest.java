package io.ams.sfu.relay;

import io.ams.rtp.RtpHeaderWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacketCacheTest {
    private static final long MS = 1_000_000L;

    private static byte[] packet(int seq, int payloadBytes) {
        byte[] b = new byte[12 + payloadBytes];
        RtpHeaderWriter.write(b, 0, false, 96, seq, seq * 10L, 5);
        for (int i = 12; i < b.length; i++) {
            b[i] = (byte) (seq + i);
        }
        return b;
    }

    @Test
    void returnsCopiesOfWhatWasPut() {
        PacketCache c = new PacketCache(16, 1000 * MS);
        byte[] p = packet(7, 100);
        byte[] framed = new byte[p.length + 8];
        System.arraycopy(p, 0, framed, 4, p.length);
        c.put(framed, 4, p.length, 0);
        framed[20] ^= 1; // the caller may reuse its buffer
        byte[] got = c.get(7, 10 * MS);
        assertThat(got).isEqualTo(p);
        got[20] ^= 1;
        assertThat(c.get(7, 10 * MS)).isEqualTo(p);
        byte[] dst = new byte[200];
        assertThat(c.copyTo(7, 10 * MS, dst, 50)).isEqualTo(p.length);
        assertThat(java.util.Arrays.copyOfRange(dst, 50, 50 + p.length)).isEqualTo(p);
        assertThat(c.copyTo(7, 10 * MS, new byte[10], 0)).isEqualTo(-1);
        assertThat(c.hits()).isEqualTo(3);
        assertThat(c.misses()).isEqualTo(1);
    }

    @Test
    void evictsByRingSlotAndByAge() {
        PacketCache c = new PacketCache(1024, 1000 * MS);
        for (int i = 0; i < 1100; i++) {
            int seq = (65000 + i) & 0xFFFF; // wraps at 65536
            c.put(packet(seq, 20), 0, 32, i * MS);
        }
        assertThat(c.evictions()).isEqualTo(76);
        assertThat(c.get(65000, 1100 * MS)).isNull(); // overwritten by 65000+1024
        assertThat(c.get(65075, 1100 * MS)).isNull(); // last evicted
        assertThat(c.get(65076, 1076 * MS)).isEqualTo(packet(65076, 20)); // first still there, within 1 s
        assertThat(c.get((65000 + 1099) & 0xFFFF, 1100 * MS)).isEqualTo(packet((65000 + 1099) & 0xFFFF, 20));
        assertThat(c.get(65076, 1077 * MS)).isNull(); // now 1001 ms old
        assertThat(c.get(12345, 0)).isNull(); // never put
        assertThat(c.hits()).isEqualTo(2);
        assertThat(c.misses()).isEqualTo(4);
    }

    @Test
    void largerPacketGrowsItsSlot() {
        PacketCache c = new PacketCache(4, 1000 * MS);
        c.put(packet(1, 10), 0, 22, 0);
        c.put(packet(5, 3000), 0, 3012, 0); // same slot, larger than the default slot size
        assertThat(c.get(5, 0)).isEqualTo(packet(5, 3000));
        assertThat(c.get(1, 0)).isNull();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new PacketCache(1000, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
