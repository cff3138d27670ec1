package io.ams.app.ctl;

import io.ams.proto.v1.SfuGrpc;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * Base of the {@code ams ctl sfu} leaf commands: a plaintext channel to the sidecar's {@code --sfu}
 * address for the duration of the command, unary calls with a deadline.
 */
abstract class SfuSubcommand extends GrpcCommand {
    /** Runs the command's calls on {@code sfu} (a fresh deadline per stub); printing through {@link #out()}. */
    protected abstract void run(SfuGrpc.SfuBlockingStub sfu);

    @Override
    public final Integer call() {
        String target = sfuTarget();
        io.ams.proto.auth.ControlToken token = ctl().controlToken();
        return guarded(target, "the SFU sidecar", "is 'ams' or 'ams sidecar' running? its gRPC port is --sfu-grpc-port", () -> {
            ManagedChannel channel = MixerConnection.channel(target, token);
            try {
                run(SfuGrpc.newBlockingStub(channel).withDeadlineAfter(MixerConnection.UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS));
            } finally {
                channel.shutdownNow();
            }
        });
    }

    private String sfuTarget() {
        for (var s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof SfuCommand sfu) {
                return sfu.target;
            }
        }
        throw new IllegalStateException(spec.qualifiedName() + " is not under 'ams ctl sfu'");
    }
}
