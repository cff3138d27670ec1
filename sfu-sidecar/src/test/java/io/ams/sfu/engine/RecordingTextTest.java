package io.ams.sfu.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ams.proto.v1.AddRecordingTextRequest;
import io.ams.proto.v1.AddRecordingTextResponse;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Chat lines on their way to the engine's recordings: the request as sent, and failures counted, not thrown. */
class RecordingTextTest {
    private final List<AddRecordingTextRequest> received = new CopyOnWriteArrayList<>();
    private volatile boolean refuse;
    private Server server;
    private ManagedChannel channel;

    private RecordingText start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new MixerGrpc.MixerImplBase() {
            @Override
            public void addRecordingText(AddRecordingTextRequest r, StreamObserver<AddRecordingTextResponse> out) {
                if (refuse) {
                    out.onError(Status.UNAVAILABLE.withDescription("engine stopping").asRuntimeException());
                    return;
                }
                received.add(r);
                out.onNext(AddRecordingTextResponse.newBuilder().setRecordings(1).build());
                out.onCompleted();
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return new RecordingText(MixerGrpc.newStub(channel), 2000);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }

    @Test
    void aLineReachesTheEngineAsSaid() throws Exception {
        RecordingText text = start();
        text.send("r1", "p2", "Ada", "hello\nworld", 1_700_000_000_123L);
        text.send("r1", "p3", null, "no name", 1_700_000_000_456L);
        assertThat(await(() -> text.sent() == 2)).isTrue();
        assertThat(received).containsExactly(
                AddRecordingTextRequest.newBuilder().setRoomId("r1").setParticipantId("p2").setDisplayName("Ada")
                        .setText("hello\nworld").setAtUnixMs(1_700_000_000_123L).build(),
                AddRecordingTextRequest.newBuilder().setRoomId("r1").setParticipantId("p3").setDisplayName("")
                        .setText("no name").setAtUnixMs(1_700_000_000_456L).build());
        assertThat(text.failed()).isZero();
    }

    @Test
    void failuresAreCountedAndTheNextLineGetsThroughAgain() throws Exception {
        RecordingText text = start();
        refuse = true;
        text.send("r1", "p1", "Ada", "lost", 1);
        text.send("r1", "p1", "Ada", "lost too", 2);
        assertThat(await(() -> text.failed() == 2)).isTrue();
        refuse = false;
        text.send("r1", "p1", "Ada", "back", 3);
        assertThat(await(() -> text.sent() == 1)).isTrue();
        channel.shutdownNow();
        text.send("r1", "p1", "Ada", "the channel is gone", 4); // never throws into the room
        assertThat(await(() -> text.failed() == 3)).isTrue();
        assertThat(received).extracting(AddRecordingTextRequest::getText).containsExactly("back");
    }

    private static boolean await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return c.getAsBoolean();
    }
}
