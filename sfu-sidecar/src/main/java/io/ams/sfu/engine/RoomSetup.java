package io.ams.sfu.engine;

import io.ams.proto.v1.AddDestinationRequest;
import io.ams.proto.v1.AddParticipantRequest;
import io.ams.proto.v1.AddParticipantResponse;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.MixerGrpc;
import io.ams.proto.v1.RemoveParticipantRequest;
import io.ams.proto.v1.RequestKeyframeRequest;
import io.ams.proto.v1.SetAudioOutputRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine calls that (re-)create a room as the sidecar wants it: the room with its main output, the mix
 * destination (our mix socket), the mixed audio output (to the same socket), and its participants with their
 * video and audio. Used by {@link EngineLink} on its own thread only; each call has a short deadline and throws
 * {@link StatusRuntimeException} for the link to classify.
 */
final class RoomSetup {
    private static final Logger LOG = LoggerFactory.getLogger(RoomSetup.class);
    static final int VIDEO_PT = 96;
    static final int AUDIO_PT = 111;

    private final MixerGrpc.MixerBlockingStub stub;
    private final MixSettings settings;
    private final EngineLink.Listener listener;
    private final long deadlineMs;
    private final int rtpSenderPort;
    private boolean audioOutputUnsupported; // this engine answered UNIMPLEMENTED: asked again once it reconnects

    RoomSetup(MixerGrpc.MixerBlockingStub stub, MixSettings settings, EngineLink.Listener listener, long deadlineMs,
              int rtpSenderPort) {
        this.stub = stub;
        this.settings = settings;
        this.listener = listener;
        this.deadlineMs = deadlineMs;
        this.rtpSenderPort = rtpSenderPort;
    }

    private MixerGrpc.MixerBlockingStub call() {
        return stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    /** The engine answers again (after an outage, or for the first time): it may be another version now. */
    void engineReconnected() {
        audioOutputUnsupported = false;
    }

    /**
     * Creates the room with its mix going to {@code w.mixTarget}. Every time it gets a new SSRC, so receivers
     * see an engine restart as a new source (picked up at its first keyframe) rather than a jump in one
     * stream's numbering.
     */
    void create(RoomWish w) {
        call().createRoom(CreateRoomRequest.newBuilder()
                .setRoomId(w.id)
                .setCanvas(Canvas.newBuilder().setWidth(settings.width()).setHeight(settings.height()))
                .setFps(settings.fps()).setCodec(Codec.VP8).setBitrateKbps(settings.bitrateKbps())
                .setLayout(Layout.newBuilder().setKind(settings.layout()).setHighlightSpeaker(true))
                .build());
        Destination d = call().addDestination(AddDestinationRequest.newBuilder()
                .setRoomId(w.id).setOutputId("main").setDestinationId("sidecar")
                .setHost(w.mixTarget.getHostString()).setPort(w.mixTarget.getPort())
                .setSsrc(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE))
                .setPayloadType(VIDEO_PT).build());
        listener.onMixSender(w.id, mixSender(d, w.mixTarget));
        // the engine sends from the moment the destination exists, before the room here takes the mix from
        // its new sender: the new encoder's first keyframe is dropped there, and receivers would wait for
        // the next one (a GOP, 4 s) after a re-created room; ask for one now that the sender is pinned
        try {
            call().requestKeyframe(RequestKeyframeRequest.newBuilder().setRoomId(w.id).build());
        } catch (StatusRuntimeException e) {
            LOG.debug("engine link: keyframe request for the new room '{}' failed: {}", w.id, e.getStatus());
        }
        LOG.info("engine link: room '{}' created in the engine ({}x{}@{} {}), mix to {}", w.id, settings.width(),
                settings.height(), settings.fps(), settings.layout(), w.mixTarget);
    }

    /**
     * The room's mixed audio (one Opus stream per participant, mix-minus for the loudest) to the same socket
     * as its mix video, from the same engine socket; once per room and engine incarnation. Not asked for with
     * the threshold at -1 (never mixed). An engine without it (UNIMPLEMENTED) is told once in the log; rooms
     * then keep forwarded audio.
     */
    void setAudioOutput(RoomWish w, EngineRoom a) {
        if (a.audioOutput || audioOutputUnsupported || !settings.audioMixEnabled()) {
            return;
        }
        try {
            call().setAudioOutput(SetAudioOutputRequest.newBuilder().setRoomId(w.id)
                    .setHost(w.mixTarget.getHostString()).setPort(w.mixTarget.getPort()).setPayloadType(AUDIO_PT)
                    .setBitrateKbps(MixSettings.AUDIO_MIX_BITRATE_KBPS).setSpeakers(MixSettings.AUDIO_MIX_SPEAKERS).build());
            a.audioOutput = true;
            LOG.info("engine link: room '{}': mixed audio to {} ({} loudest voices, {} kbps)", w.id, w.mixTarget,
                    MixSettings.AUDIO_MIX_SPEAKERS, MixSettings.AUDIO_MIX_BITRATE_KBPS);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            audioOutputUnsupported = true;
            LOG.info("engine link: the engine does not mix audio (SetAudioOutput unimplemented): audio stays forwarded");
        }
    }

    /** Adds the participant (afresh if a half-finished earlier attempt left it there). */
    AddParticipantResponse addParticipant(String roomId, RoomWish.Participant p) {
        AddParticipantRequest req = AddParticipantRequest.newBuilder().setRoomId(roomId).setParticipantId(p.id())
                .setDisplayName(p.name()).setCodec(Codec.VP8).setPayloadType(VIDEO_PT).setSsrc((int) p.ssrc())
                .setAudioPayloadType(AUDIO_PT).setAudioLevelExtId(Math.max(0, p.audioLevelExtId()))
                .setSenderPort(rtpSenderPort).build(); // sender host: the address this link calls from
        try {
            return call().addParticipant(req);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
                throw e;
            }
            removeParticipant(roomId, p.id());
            return call().addParticipant(req);
        }
    }

    /** Removes the participant; one the engine does not have is fine. */
    void removeParticipant(String roomId, String participantId) {
        try {
            call().removeParticipant(RemoveParticipantRequest.newBuilder().setRoomId(roomId).setParticipantId(participantId).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Where the engine's output sends from: its sender_host:sender_port (a mix sent to loopback comes
     * from loopback). Port 0: an engine too old to say; the room then takes the mix from anywhere.
     */
    static InetSocketAddress mixSender(Destination d, InetSocketAddress mixTarget) {
        boolean loopback = mixTarget.getAddress() != null && mixTarget.getAddress().isLoopbackAddress();
        String host = loopback || d.getSenderHost().isEmpty() ? "127.0.0.1" : d.getSenderHost();
        return new InetSocketAddress(host, d.getSenderPort());
    }
}
