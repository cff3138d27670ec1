package io.ams.engine.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ams.engine.EngineConfig;
import io.ams.engine.atrest.MasterKey;
import io.ams.engine.recording.RecordingExport;
import io.ams.engine.testing.EngineHarness;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.StartRecordingRequest;
import io.ams.proto.v1.StopRecordingRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator keeps the master key apart from the recordings: it is made there, and only it opens them. */
class MasterKeyPlacementTest {
    @TempDir
    Path recordings;

    @TempDir
    Path secrets;

    @Test
    void recordingsAreSealedWithTheKeyKeptElsewhere() throws Exception {
        Path keyFile = secrets.resolve("ams-master.key");
        try (EngineHarness h = new EngineHarness(EngineConfig.ephemeral().withRecordDir(recordings).withMasterKeyFile(keyFile))) {
            MixerGrpc.MixerBlockingStub api = h.stub();
            api.createRoom(CreateRoomRequest.newBuilder().setRoomId("k1")
                    .setCanvas(Canvas.newBuilder().setWidth(160).setHeight(90)).setFps(10).build());
            api.startRecording(StartRecordingRequest.newBuilder().setRoomId("k1").setRecordingId("a").build());
            Thread.sleep(2500);
            api.stopRecording(StopRecordingRequest.newBuilder().setRoomId("k1").build());
        }
        assertThat(keyFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(recordings.resolve("master.key")).as("no key next to the recordings").doesNotExist();
        Path sealed = recordings.resolve("k1-a.amsrec");
        assertThat(sealed).exists();
        RecordingExport.Result r = RecordingExport.export(sealed, MasterKey.load(keyFile), recordings.resolve("a.webm"));
        assertThat(r.frames()).isPositive();
        // a key made in the record directory (what a copy of it would hold) does not open them
        MasterKey other = MasterKey.loadOrCreate(recordings.resolve("master.key"));
        assertThatThrownBy(() -> RecordingExport.export(sealed, other, recordings.resolve("b.webm")))
                .hasMessageContaining("key");
    }
}
