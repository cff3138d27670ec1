package io.ams.sfu.engine;

import io.ams.proto.v1.AddRecordingTextRequest;
import io.ams.proto.v1.AddRecordingTextResponse;
import io.ams.proto.v1.MixerGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat lines of recorded rooms on their way to the engine (Mixer.AddRecordingText): sent asynchronously, so the
 * room that said them never waits; a failure is counted, and logged once until a line gets through again (an
 * engine that is away does not fill the log with one line per chat message). Thread-safe.
 */
final class RecordingText {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingText.class);
    private final MixerGrpc.MixerStub stub;
    private final long deadlineMs;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();

    RecordingText(MixerGrpc.MixerStub stub, long deadlineMs) {
        this.stub = stub;
        this.deadlineMs = deadlineMs;
    }

    void send(String roomId, String participantId, String displayName, String text, long atUnixMs) {
        AddRecordingTextRequest req = AddRecordingTextRequest.newBuilder().setRoomId(roomId).setParticipantId(participantId)
                .setDisplayName(displayName == null ? "" : displayName).setText(text).setAtUnixMs(atUnixMs).build();
        try {
            stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS).addRecordingText(req, new StreamObserver<>() {
                @Override
                public void onNext(AddRecordingTextResponse r) {
                    sent.incrementAndGet();
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("engine link: chat lines reach the recordings again (room '{}')", roomId);
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failed(roomId, Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                }
            });
        } catch (RuntimeException e) { // a channel shut down while closing
            failed(roomId, Status.fromThrowable(e));
        }
    }

    private void failed(String roomId, Status s) {
        failed.incrementAndGet();
        if (failing.compareAndSet(false, true)) {
            LOG.warn("engine link: a chat line of room '{}' did not reach its recording ({}{}); counted, further failures"
                    + " are not logged until one gets through", roomId, s.getCode(),
                    s.getDescription() == null ? "" : ": " + s.getDescription());
        }
    }

    /** Lines the engine took. */
    long sent() {
        return sent.get();
    }

    /** Lines that did not reach the engine. */
    long failed() {
        return failed.get();
    }
}
