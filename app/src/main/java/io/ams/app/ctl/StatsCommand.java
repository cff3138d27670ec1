package io.ams.app.ctl;

import io.ams.proto.v1.GetStatsRequest;
import io.ams.proto.v1.RoomStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ams ctl stats <room>}: GetStats. */
@Command(name = "stats", description = "Show a room's counters: one line per participant and per output.")
final class StatsCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Override
    protected void run(MixerConnection mixer) {
        RoomStats stats = mixer.unary().getStats(GetStatsRequest.newBuilder().setRoomId(roomId).build());
        print(stats, () -> Render.stats(out(), stats));
    }
}
