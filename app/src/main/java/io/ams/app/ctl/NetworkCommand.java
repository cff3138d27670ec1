package io.ams.app.ctl;

import io.ams.proto.v1.SetParticipantNetworkRequest;
import io.ams.proto.v1.SetParticipantNetworkResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ams ctl network <room> <participant> --rtt-ms N}: SetParticipantNetwork. */
@Command(name = "network", description = "Tell the engine a participant's uplink round-trip time: its wait for "
        + "retransmitted packets follows it (1.5 x RTT + 20 ms, 40..400 ms). The sidecar does this by itself.")
final class NetworkCommand extends CtlSubcommand {
    @Parameters(index = "0", paramLabel = "ROOM")
    String roomId;

    @Parameters(index = "1", paramLabel = "PARTICIPANT")
    String participantId;

    @Option(names = "--rtt-ms", paramLabel = "MS", required = true,
            description = "The uplink RTT in milliseconds; 0: unknown (the 40 ms default wait).")
    int rttMs;

    @Override
    protected void run(MixerConnection mixer) {
        SetParticipantNetworkResponse r = mixer.unary().setParticipantNetwork(SetParticipantNetworkRequest.newBuilder()
                .setRoomId(roomId).setParticipantId(participantId).setRttMs(rttMs).build());
        print(r, () -> out().printf("%s/%s: rtt %d ms, reorder wait %d ms%n", roomId, participantId, r.getRttMs(),
                r.getReorderWaitMs()));
    }
}
