package io.ams.app.ctl;

import io.ams.proto.v1.DrainRequest;
import io.ams.proto.v1.DrainResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ams ctl drain}: Mixer.Drain, the engine moves its rooms to other engines and exits. */
@Command(name = "drain", description = "Drain the engine: it takes no new rooms, the cluster's sidecars move its rooms to "
        + "other engines, and it exits when none is left or after its --drain-grace. Refused for the last engine that "
        + "takes rooms unless --force.")
final class DrainCommand extends CtlSubcommand {
    @Option(names = "--force", description = "Drain even when no other engine can take the rooms (they end at the grace).")
    boolean force;

    @Override
    protected void run(MixerConnection mixer) {
        DrainResponse r = mixer.unary().drain(DrainRequest.newBuilder().setForce(force).build());
        print(r, () -> out().printf("draining: %s (grace %d s)%n", r.getNote(), r.getGraceMs() / 1000));
    }
}
