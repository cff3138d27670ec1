package io.ams.engine.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.MediaFileWriter;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    @TempDir
    Path dir;

    /** The recording's file is /dev/full (every write: ENOSPC): it stops once, says why, and frees its writer. */
    @Test
    void aFullDiskStopsTheRecordingOnceAndSaysWhy() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no writable /dev/full on this system");
        Path file = Files.createSymbolicLink(dir.resolve("full.webm"), Path.of("/dev/full"));
        long packetsBefore = NativeResources.outstandingPackets();
        List<FileSink> stopped = new ArrayList<>();
        FileSink sink = new FileSink("rec", file, MediaFileWriter.open(file, VideoCodec.VP8, 320, 240, 30), stopped::add);
        try (VideoEncoder encoder = VideoEncoder.create(new EncoderConfig(VideoCodec.VP8, 320, 240, 30, 800, 1000))) {
            for (int i = 0; i < 30; i++) {
                try (VideoFrame picture = YuvColor.solid(320, 240, i % 2 == 0 ? YuvColor.RED : YuvColor.BLUE)) {
                    for (EncodedFrame f : encoder.encode(picture, 3000L * i, false)) {
                        sink.send(f, null);
                    }
                }
            }
        }
        assertThat(stopped).containsExactly(sink);
        assertThat(sink.stoppedReason()).startsWith("recording stopped: ").contains("No space left on device");
        assertThat(sink.describe().getError()).isEqualTo(sink.stoppedReason());
        assertThat(sink.errors()).isEqualTo(1);
        assertThat(NativeResources.outstandingPackets()).as("the writer is closed at the stop").isEqualTo(packetsBefore);
        sink.close(); // idempotent after the stop
    }
}
