package io.ams.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.util.JsonFormat;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.RoomStats;

/** {@code ams ctl} against a real engine over a real gRPC port. */
class CtlEngineIT {

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path recordings;

    @Test
    void controlsARealEngine() throws Exception {
        try (Engine engine = Engine.start(EngineConfig.ephemeral().withRecordDir(recordings))) {
            String target = "127.0.0.1:" + engine.grpcPort();
            Cli.Result created = Cli.run("ctl", "--target", target, "room", "create", "r1", "--size", "320x180",
                    "--fps", "15", "--layout", "speaker");
            assertThat(created.exit()).as(created.err()).isZero();
            Cli.Result added = Cli.run("ctl", "--target", target, "participant", "add", "r1", "alice", "--name", "Alice");
            assertThat(added.exit()).as(added.err()).isZero();
            assertThat(added.out()).contains("127.0.0.1:");
            Cli.Result list = Cli.run("ctl", "--target", target, "room", "list");
            assertThat(list.out()).contains("r1").contains("320x180").contains("speaker");
            Cli.Result stats = Cli.run("ctl", "--target", target, "--json", "stats", "r1");
            assertThat(stats.exit()).as(stats.err()).isZero();
            RoomStats.Builder parsed = RoomStats.newBuilder();
            JsonFormat.parser().merge(stats.out(), parsed);
            assertThat(parsed.getParticipants(0).getParticipantId()).isEqualTo("alice");
            Cli.Result missing = Cli.run("ctl", "--target", target, "room", "get", "nope");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("error: NOT_FOUND: room 'nope' does not exist");
            Cli.Result bad = Cli.run("ctl", "--target", target, "room", "create", "r2", "--size", "0x0");
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("0");
            Cli.Result info = Cli.run("ctl", "--target", target, "info");
            assertThat(info.out()).containsIgnoringCase("cpu");
            Cli.Result rec = Cli.run("ctl", "--target", target, "recording", "start", "r1", "--id", "standup", "--by", "Ops");
            assertThat(rec.exit()).as(rec.err()).isZero();
            assertThat(rec.out()).contains("recording standup of r1 started: r1-standup.amsrec");
            Cli.Result twice = Cli.run("ctl", "--target", target, "recording", "start", "r1", "--id", "standup");
            assertThat(twice.exit()).isEqualTo(1);
            assertThat(twice.err()).contains("ALREADY_EXISTS");
            Cli.Result recs = Cli.run("ctl", "--target", target, "recording", "list");
            assertThat(recs.out()).contains("r1-standup.amsrec").contains("running").contains("Ops");
            Cli.Result stop = Cli.run("ctl", "--target", target, "recording", "stop", "r1");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("recording standup of r1 stopped");
            assertThat(Cli.run("ctl", "--target", target, "recording", "stop", "r1").err()).contains("NOT_FOUND: room 'r1' is not recording");
            assertThat(Cli.run("ctl", "--target", target, "recording", "list", "r1").out()).contains("r1-standup.amsrec").contains("done");
            assertThat(Cli.run("ctl", "--target", target, "room", "delete", "r1").exit()).isZero();
        }
    }
}
