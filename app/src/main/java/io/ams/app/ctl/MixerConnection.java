package io.ams.app.ctl;

import java.util.concurrent.TimeUnit;

import io.ams.proto.auth.ControlToken;
import io.ams.proto.auth.ControlTokenClient;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/**
 * A plaintext gRPC channel to one engine. Owns the channel: {@link #close()} shuts it down.
 * Unary calls get a deadline; streams do not.
 */
final class MixerConnection implements AutoCloseable {
    static final long UNARY_DEADLINE_SECONDS = 10;

    private final String target;
    private final ManagedChannel channel;   // owned: shut down in close()

    MixerConnection(String target) {
        this(target, null);
    }

    /** {@code token}: sent on every call (null: none). */
    MixerConnection(String target, ControlToken token) {
        this.target = target;
        this.channel = channel(target, token);
    }

    /** A plaintext channel to {@code target} that carries {@code token} (null: none) on every call. */
    static ManagedChannel channel(String target, ControlToken token) {
        var b = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create());
        if (token != null) {
            b.intercept(ControlTokenClient.of(token));
        }
        return b.build();
    }

    String target() {
        return target;
    }

    /** A stub for one unary call, with the deadline starting now. */
    MixerGrpc.MixerBlockingStub unary() {
        return MixerGrpc.newBlockingStub(channel).withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** A stub for server streams, without a deadline. */
    MixerGrpc.MixerBlockingStub streaming() {
        return MixerGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
