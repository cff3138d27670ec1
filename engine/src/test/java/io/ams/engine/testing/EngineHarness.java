package io.ams.engine.testing;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.ams.engine.Engine;
import io.ams.engine.EngineConfig;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

/** An embedded engine reached through gRPC's in-process transport, as tests drive it. */
public final class EngineHarness implements AutoCloseable {
    private final Engine engine;
    private final Server server;
    private final ManagedChannel channel;

    public EngineHarness() throws IOException {
        this(EngineConfig.ephemeral());
    }

    public EngineHarness(EngineConfig config) throws IOException {
        this(config, null);
    }

    /** With {@code device} standing in for the GPU backend of new outputs. */
    public EngineHarness(EngineConfig config, io.ams.engine.backend.BackendPolicy.DeviceBackends device)
            throws IOException {
        engine = Engine.startEmbedded(config, device);
        String name = "ams-test-" + UUID.randomUUID();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(engine.service()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    public Engine engine() {
        return engine;
    }

    public MixerGrpc.MixerBlockingStub stub() {
        return MixerGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    public MixerGrpc.MixerStub asyncStub() {
        return MixerGrpc.newStub(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        engine.close();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
