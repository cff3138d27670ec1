package io.ams.app.ctl;

import io.ams.proto.v1.SfuDrainRequest;
import io.ams.proto.v1.SfuDrainResponse;
import io.ams.proto.v1.SfuGrpc;
import picocli.CommandLine.Command;

/** {@code ams ctl sfu drain}: no new rooms here; the meetings go on until they end, then the sidecar exits. */
@Command(name = "drain", description = "Drain the sidecar: new rooms go to other sidecars of the cluster (or are refused), "
        + "/healthz turns 503, its meetings go on until they end or --drain-grace, then it exits.")
final class SfuDrainCommand extends SfuSubcommand {
    @Override
    protected void run(SfuGrpc.SfuBlockingStub sfu) {
        SfuDrainResponse r = sfu.drain(SfuDrainRequest.getDefaultInstance());
        print(r, () -> out().printf("draining: %d meeting(s) go on until they end (at most %d s), then the sidecar exits%n",
                r.getMeetingsLeft(), r.getGraceMs() / 1000));
    }
}
