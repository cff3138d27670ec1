package io.ams.engine.recording;

import static io.ams.engine.testing.ColourClips.indexOf;
import io.ams.engine.testing.ColourClips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.engine.atrest.MasterKey;
import io.ams.engine.atrest.SealedFileException;
import io.ams.engine.atrest.SealedFileException.Problem;
import io.ams.engine.codec.MediaFileReader;
import io.ams.engine.codec.YuvColor;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed recording end to end: 6 s of VP8 (2 s each of red, green, blue) through the recording sink,
 * exported to WebM and decoded again; the file on disk holds no plaintext; an edited, removed or
 * reordered chunk and the wrong key are refused with the chunk named; a recording cut short exports
 * up to its last whole chunk.
 */
class SealedRecordingTest {
    private static final YuvColor[] COLORS = {YuvColor.RED, YuvColor.GREEN, YuvColor.BLUE};
    private static final int FPS = 30;
    private static List<EncodedFrame> frames;

    @TempDir
    Path dir;

    @BeforeAll
    static void encode() {
        frames = ColourClips.vp8(320, 240, FPS, 600, 6 * FPS, i -> COLORS[i / (2 * FPS)]);
    }

    private Path record(String name, MasterKey key) throws IOException {
        Path file = dir.resolve(name);
        SealedRecordingSink sink = SealedRecordingSink.create("rec", file, key,
                new RecordingChunks.StreamInfo(VideoCodec.VP8, 320, 240, FPS));
        frames.forEach(f -> sink.send(f, null));
        sink.close();
        assertThat(sink.failure()).isNull();
        assertThat(sink.errors()).isZero();
        return file;
    }

    private static MasterKey key() {
        byte[] raw = new byte[32];
        new java.security.SecureRandom().nextBytes(raw);
        return MasterKey.of(raw);
    }

    @Test
    void exportsToAWebmThatDecodesWithEveryFrameAndColour() throws Exception {
        MasterKey key = key();
        Path sealed = record("meeting.amsrec", key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sealed))).isEqualTo("rw-------");

        Path out = dir.resolve("meeting.webm");
        RecordingExport.Result r = RecordingExport.export(sealed, key, out);
        assertThat(r.warning()).isNull();
        assertThat(r.frames()).isEqualTo(6 * FPS);
        assertThat(r.seconds()).isCloseTo(6.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(r.chunks()).as("description + 3 chunks of 2 s + final marker").isEqualTo(5);

        List<YuvColor> seen = new ArrayList<>();
        try (MediaFileReader reader = MediaFileReader.open(out)) {
            assertThat(reader.width()).isEqualTo(320);
            VideoFrame next;
            while ((next = reader.next()) != null) {
                try (VideoFrame f = next) {
                    seen.add(YuvColor.centre(f));
                }
            }
            assertThat(reader.decodeErrors()).isZero();
        }
        assertThat(seen).hasSize(6 * FPS);
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).near(COLORS[i / (2 * FPS)], 12)).as("frame " + i + " is " + seen.get(i)).isTrue();
        }
    }

    @Test
    void theFileOnDiskHoldsNoPlaintext() throws Exception {
        byte[] disk = Files.readAllBytes(record("plain.amsrec", key()));
        assertThat(indexOf(disk, "codec=VP8".getBytes(StandardCharsets.US_ASCII))).as("stream description in the clear").isNegative();
        // start code 9d 01 2a and the 320x240 size: seven bytes that random ciphertext does not
        // match by chance (the three-byte start code alone it can)
        byte[] keyframeHeader = {(byte) 0x9D, 0x01, 0x2A, 0x40, 0x01, (byte) 0xF0, 0x00};
        assertThat(indexOf(frames.get(0).data(), keyframeHeader)).as("the first frame is a 320x240 keyframe").isNotNegative();
        assertThat(indexOf(disk, keyframeHeader)).as("a VP8 keyframe header in the clear").isNegative();
        byte[] firstFrame = java.util.Arrays.copyOf(frames.get(1).data(), 16);
        assertThat(indexOf(disk, firstFrame)).as("frame bytes in the clear").isNegative();
        assertThat(disk.length).isGreaterThan(frames.stream().mapToInt(EncodedFrame::size).sum());
    }

    @Test
    void anEditedChunkIsRefusedByNumberAndNothingIsExported() throws Exception {
        Path sealed = record("edited.amsrec", key());
        MasterKey key = MasterKey.of(new byte[32]);
        Path again = record("edited2.amsrec", key);
        byte[] b = Files.readAllBytes(again);
        long[] chunk2 = chunkAt(b, 2);
        b[(int) chunk2[0] + 21 + 100] ^= 0x01; // one bit inside chunk 2's sealed bytes
        Files.write(again, b);
        Path out = dir.resolve("edited.webm");
        assertThatThrownBy(() -> RecordingExport.export(again, key, out)).isInstanceOfSatisfying(SealedFileException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.TAMPERED);
            assertThat(e.chunk()).isEqualTo(2);
            assertThat(e.getMessage()).contains("chunk 2 fails authentication");
        });
        assertThat(out).doesNotExist();
        assertThat(sealed).exists();
    }

    @Test
    void aRemovedOrRepeatedChunkIsNamed() throws Exception {
        MasterKey key = key();
        byte[] b = Files.readAllBytes(record("cut.amsrec", key));
        long[] c2 = chunkAt(b, 2);
        long[] c3 = chunkAt(b, 3);
        Path removed = dir.resolve("removed.amsrec");
        Files.write(removed, concat(slice(b, 0, c2[0]), slice(b, c3[0], b.length)));
        assertThatThrownBy(() -> RecordingExport.export(removed, key, dir.resolve("removed.webm")))
                .isInstanceOfSatisfying(SealedFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.MISSING_CHUNK);
                    assertThat(e.getMessage()).contains("chunk 2 is missing");
                });
        Path repeated = dir.resolve("repeated.amsrec");
        Files.write(repeated, concat(slice(b, 0, c3[0]), slice(b, c2[0], c3[0]), slice(b, c3[0], b.length)));
        assertThatThrownBy(() -> RecordingExport.export(repeated, key, dir.resolve("repeated.webm")))
                .isInstanceOfSatisfying(SealedFileException.class, e -> assertThat(e.getMessage())
                        .contains("chunk 2 found again where chunk 3 belongs"));
    }

    @Test
    void theWrongKeyIsRefusedNamingTheKeyItNeeds() throws Exception {
        MasterKey right = key();
        MasterKey wrong = key();
        Path sealed = record("keyed.amsrec", right);
        assertThatThrownBy(() -> RecordingExport.export(sealed, wrong, dir.resolve("keyed.webm")))
                .isInstanceOfSatisfying(SealedFileException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.WRONG_KEY);
                    assertThat(e.getMessage()).contains(right.id()).contains(wrong.id());
                });
        assertThat(dir.resolve("keyed.webm")).doesNotExist();
    }

    @Test
    void aRecordingCutShortExportsUpToItsLastWholeChunk() throws Exception {
        MasterKey key = key();
        byte[] b = Files.readAllBytes(record("crash.amsrec", key));
        long[] c3 = chunkAt(b, 3);
        Path crashed = dir.resolve("crashed.amsrec"); // as if killed while writing chunk 3
        Files.write(crashed, slice(b, 0, c3[0] + c3[1] / 2));
        RecordingExport.Result r = RecordingExport.export(crashed, key, dir.resolve("crashed.webm"));
        assertThat(r.warning()).contains("ends inside chunk 3");
        assertThat(r.seconds()).as("chunks 1 and 2 of 2 s each").isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.1));
        try (MediaFileReader reader = MediaFileReader.open(r.out())) {
            int n = 0;
            VideoFrame f;
            while ((f = reader.next()) != null) {
                f.close();
                n++;
            }
            assertThat(n).isEqualTo(4 * FPS);
        }
        Path unfinished = dir.resolve("unfinished.amsrec"); // stopped between chunks, no final marker
        Files.write(unfinished, slice(b, 0, c3[0]));
        assertThat(RecordingExport.export(unfinished, key, dir.resolve("unfinished.webm")).warning())
                .contains("without its final marker");
    }

    @Test
    void theMasterKeyIsMadeOwnerOnlyAndAReadableOneIsRefused() throws Exception {
        Path file = dir.resolve("keys/master.key");
        MasterKey made = MasterKey.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(MasterKey.loadOrCreate(file).id()).as("the same key the second time").isEqualTo(made.id());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterKey.load(file)).hasMessageContaining("readable by others").hasMessageContaining("chmod 600");
    }

    @Test
    void aFullDiskStopsTheRecordingAndWhatWasWrittenStaysReadable() throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String why = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here (root needed): " + why);
        try {
            MasterKey key = key();
            Path file = small.resolve("full.amsrec");
            SealedRecordingSink sink = SealedRecordingSink.create("rec", file, key,
                    new RecordingChunks.StreamInfo(VideoCodec.VP8, 320, 240, FPS));
            for (int round = 0; round < 40; round++) { // 4 minutes of video: far more than 16 KiB
                long shift = round * 6L * 90_000;
                frames.forEach(f -> sink.send(new EncodedFrame(f.codec(), f.data(), f.keyframe(), f.rtpTimestamp() + shift, 0), null));
            }
            sink.close();
            assertThat(sink.failure()).as("why it stopped").containsIgnoringCase("space");
            assertThat(sink.errors()).isPositive();
            assertThat(sink.chunksWritten()).as("whole chunks on disk").isPositive();
            RecordingExport.Result r = RecordingExport.export(file, key, dir.resolve("full.webm"));
            assertThat(r.warning()).isNotNull();
            assertThat(r.seconds()).as("what fitted stays readable").isCloseTo(2.0 * sink.chunksWritten(),
                    org.assertj.core.data.Offset.offset(0.2));
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    /** Offset and total length of chunk {@code n} in a sealed file. */
    static long[] chunkAt(byte[] b, int n) {
        ByteBuffer buf = ByteBuffer.wrap(b);
        int idLen = buf.getShort(8) & 0xFFFF;
        int at = 8 + 2 + idLen + 8 + 12 + 32;
        for (int i = 0; ; i++) {
            int len = buf.getInt(at + 5);
            if (i == n) {
                return new long[] {at, 21 + len};
            }
            at += 21 + len;
        }
    }

    static byte[] slice(byte[] b, long from, long to) {
        return java.util.Arrays.copyOfRange(b, (int) from, (int) to);
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
