package io.ams.app.ctl;

import io.ams.proto.v1.LockSfuRoomRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.proto.v1.SfuRoom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl sfu lock ROOM [--unlock]}: nobody new may join (hosts and those already admitted may). */
@Command(name = "lock", description = "Lock a room so that nobody new can join (hosts and people already admitted can); "
        + "--unlock opens it again.")
final class SfuLockCommand extends SfuSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Option(names = "--unlock", description = "Unlock the room instead.")
    boolean unlock;

    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        SfuRoom room = sfu.lockRoom(LockSfuRoomRequest.newBuilder().setRoomId(roomId).setLocked(!unlock).build());
        print(room, () -> out().printf("room %s: %s%n", room.getId(), room.getLocked()
                ? "locked by " + room.getLockedBy() + " (nobody new can join)" : "unlocked"));
    }
}
