package io.ams.rtp.testing;

import io.ams.rtp.Depacketizer;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.ReorderBuffer;
import io.ams.rtp.RtpFormatException;
import io.ams.rtp.RtpPacket;
import io.ams.rtp.VideoCodec;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receive path of one video stream as the engine's ingress runs it - parse, reorder buffer,
 * depacketizer - driven by a {@link PacketRecords} input, for the depacketizer fuzz targets. Checks
 * the media-path contract: nothing throws, every frame handed out is of the codec, non-empty and
 * within {@link Depacketizer#MAX_FRAME_BYTES}, and the counters add up.
 */
public final class FrameAssemblyHarness {
    /** Datagrams taken from one input: enough for several frames, small enough to keep runs fast. */
    public static final int MAX_DATAGRAMS = 256;

    private final Depacketizer depacketizer;
    private final VideoCodec codec;
    private final ReorderBuffer reorder = new ReorderBuffer(32, TimeUnit.MILLISECONDS.toNanos(40));
    private long frames;
    private long pushed;

    public FrameAssemblyHarness(Depacketizer depacketizer, VideoCodec codec) {
        this.depacketizer = depacketizer;
        this.codec = codec;
    }

    /** Runs the stream of {@code input}; returns the frames handed out. */
    public long run(byte[] input) {
        long now = 1_000_000_000L;
        int n = 0;
        for (PacketRecords.Datagram d : PacketRecords.decode(input, MAX_DATAGRAMS)) {
            now += TimeUnit.MILLISECONDS.toNanos(d.delayMillis());
            RtpPacket p;
            try {
                p = RtpPacket.parse(d.bytes(), 0, d.bytes().length, now);
            } catch (RtpFormatException e) {
                continue; // the ingress counts and drops it
            }
            reorder.push(p, this::deliver);
            reorder.flushExpired(now, this::deliver);
            if (++n % 64 == 0) {
                depacketizer.needsKeyframe();
            }
        }
        reorder.flushExpired(now + TimeUnit.SECONDS.toNanos(1), this::deliver);
        assertThat(depacketizer.framesCompleted()).isEqualTo(frames);
        assertThat(depacketizer.framesDropped()).isNotNegative()
                .isEqualTo(depacketizer.framesIncomplete() + depacketizer.framesReferenceLost());
        assertThat(depacketizer.malformed()).isBetween(0L, pushed);
        assertThat(depacketizer.framesDecodableAcrossLoss()).isBetween(0L, frames);
        depacketizer.reset();
        assertThat(depacketizer.needsKeyframe()).isTrue();
        return frames;
    }

    private void deliver(RtpPacket p) {
        pushed++;
        for (EncodedFrame f = depacketizer.push(p); f != null; f = depacketizer.poll()) {
            frames++;
            assertThat(f.codec()).isEqualTo(codec);
            assertThat(f.size()).isBetween(1, Depacketizer.MAX_FRAME_BYTES);
        }
    }
}
