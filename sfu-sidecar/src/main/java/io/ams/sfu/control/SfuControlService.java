package io.ams.sfu.control;

import io.ams.proto.v1.GetSfuRoomRequest;
import io.ams.proto.v1.ListSfuRoomsRequest;
import io.ams.proto.v1.ListSfuRoomsResponse;
import io.ams.proto.v1.LockSfuRoomRequest;
import io.ams.proto.v1.MuteSfuParticipantRequest;
import io.ams.proto.v1.RemoveSfuParticipantRequest;
import io.ams.proto.v1.RevokeTokenRequest;
import io.ams.proto.v1.RevokeTokenResponse;
import io.ams.proto.v1.SetSfuMainSpeakerRequest;
import io.ams.proto.v1.SfuGrpc;
import io.ams.proto.v1.SfuParticipant;
import io.ams.proto.v1.SfuRoom;
import io.ams.sfu.access.AccessControl;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.engine.Engines;
import io.ams.sfu.quality.ParticipantQuality;
import io.ams.sfu.room.RoomException;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.room.RoomSnapshot;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/**
 * The sidecar's control API (ams.v1.Sfu): rooms as the SFU sees them, the main speaker by hand, and
 * room access control (lock, remove, ask to mute, revoke a token; {@link AccessRpcs}).
 */
public final class SfuControlService extends SfuGrpc.SfuImplBase {
    private final RoomRegistry rooms;
    private final Engines engine;
    private final AccessControl access;
    private final AccessRpcs accessRpcs;

    public SfuControlService(RoomRegistry rooms, Engines engine, AccessControl access, JoinTokens tokens) {
        this.rooms = rooms;
        this.engine = engine;
        this.access = access;
        this.accessRpcs = new AccessRpcs(access, tokens);
    }

    @Override
    public void listRooms(ListSfuRoomsRequest request, StreamObserver<ListSfuRoomsResponse> out) {
        ListSfuRoomsResponse.Builder b = ListSfuRoomsResponse.newBuilder()
                .setEngineConnected(engine.connected()).setEngineError(engine.lastError()).setAccess(accessRpcs.stats());
        for (io.ams.sfu.room.SfuRoom r : rooms.list()) {
            b.addRooms(toProto(r.snapshot()));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void getRoom(GetSfuRoomRequest request, StreamObserver<SfuRoom> out) {
        io.ams.sfu.room.SfuRoom r = rooms.get(request.getRoomId());
        if (r == null) {
            out.onError(Status.NOT_FOUND.withDescription("room '" + request.getRoomId() + "' is not open on this sidecar")
                    .asRuntimeException());
            return;
        }
        out.onNext(toProto(r.snapshot()));
        out.onCompleted();
    }

    @Override
    public void setMainSpeaker(SetSfuMainSpeakerRequest request, StreamObserver<SfuRoom> out) {
        io.ams.sfu.room.SfuRoom r = rooms.get(request.getRoomId());
        if (r == null) {
            out.onError(Status.NOT_FOUND.withDescription("room '" + request.getRoomId() + "' is not open on this sidecar")
                    .asRuntimeException());
            return;
        }
        try {
            r.setMainSpeaker(request.getParticipantId().isEmpty() ? null : request.getParticipantId());
        } catch (RoomException e) {
            out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(toProto(r.snapshot()));
        out.onCompleted();
    }

    @Override
    public void lockRoom(LockSfuRoomRequest request, StreamObserver<SfuRoom> out) {
        try {
            accessRpcs.lock(request);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        replyWithRoom(request.getRoomId(), out);
    }

    @Override
    public void removeParticipant(RemoveSfuParticipantRequest request, StreamObserver<RevokeTokenResponse> out) {
        RevokeTokenResponse r;
        try {
            r = accessRpcs.remove(request);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(r);
        out.onCompleted();
    }

    @Override
    public void muteParticipant(MuteSfuParticipantRequest request, StreamObserver<SfuRoom> out) {
        try {
            accessRpcs.mute(request);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        replyWithRoom(request.getRoomId(), out);
    }

    @Override
    public void revokeToken(RevokeTokenRequest request, StreamObserver<RevokeTokenResponse> out) {
        RevokeTokenResponse r;
        try {
            r = accessRpcs.revoke(request);
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        out.onNext(r);
        out.onCompleted();
    }

    private void replyWithRoom(String roomId, StreamObserver<SfuRoom> out) {
        io.ams.sfu.room.SfuRoom r = rooms.get(roomId);
        if (r == null) {
            out.onError(Status.NOT_FOUND.withDescription("room '" + roomId + "' closed meanwhile").asRuntimeException());
            return;
        }
        out.onNext(toProto(r.snapshot()));
        out.onCompleted();
    }

    private SfuRoom toProto(RoomSnapshot s) {
        SfuRoom.Builder b = SfuRoom.newBuilder().setId(s.id())
                .setMainSpeakerId(nz(s.mainSpeaker())).setPreviousSpeakerId(nz(s.previousSpeaker()))
                .setPinnedSpeakerId(nz(s.pinnedSpeaker())).setMixAvailable(s.mixAvailable())
                .setMixPackets(s.mixPackets()).setSpeakerSwitches(s.speakerSwitches())
                .setMixPacketsDropped(s.mixDropped()).setMixPacketsWrongSender(s.mixWrongSender())
                .setMixSender(s.mixSender())
                .setEngineConnected(engine.connected())
                .setLocked(access.locked(s.id())).setLockedBy(nz(access.lockedBy(s.id())));
        RoomSnapshot.MixedAudioSnapshot ma = s.mixedAudio();
        b.setAudioMixThreshold(ma.threshold()).setAudioMixed(ma.roomMixed()).setMixedAudioPackets(ma.packets())
                .setMixedAudioUnknownSsrc(ma.unknownSsrc()).setMixedAudioEarly(ma.early()).setMixedAudioNoSlot(ma.noSlot()).setMixedAudioRetired(ma.retired())
                .setMixWrongPayloadType(ma.wrongPayloadType()).setAudioModeSwitches(ma.switches());
        io.ams.sfu.room.SfuRoom room = rooms.get(s.id());
        java.util.Map<String, ParticipantQuality> quality = room == null ? java.util.Map.of() : room.quality();
        java.util.Map<String, String> media = room == null ? java.util.Map.of() : room.mediaModes();
        if (room != null) {
            b.setP2P(room.p2pSummary()).setEngineParked(engine.parked(s.id()));
        }
        for (RoomSnapshot.PeerSnapshot p : s.peers()) {
            b.addParticipants(SfuParticipant.newBuilder().setId(p.id()).setDisplayName(p.name())
                    .setTransport(nz(p.transport())).setMainSource(nz(p.mainSource())).setPinned(nz(p.pinned()))
                    .setRtpIn(p.rtpIn()).setRtpDropped(p.rtpDropped()).setForwarded(p.forwarded())
                    .setRtcpIn(p.rtcpIn()).setRtcpMalformed(p.rtcpMalformed()).setNacksAnswered(p.nacksAnswered())
                    .setNacksMissed(p.nacksMissed()).setPlisSent(p.plisSent())
                    .setKeyframeRequests(p.keyframeRequestsIn()).setJoinedAtMs(p.joinedAtMillis())
                    .setNacksSent(p.nacksSent()).setUplinkRecovered(p.uplinkRecovered()).setUplinkLost(p.uplinkLost())
                    .mergeFrom(cameraProto(p.camera()))
                    .mergeFrom(QualityProto.of(quality.get(p.id())))
                    .setBwe(toProto(p.bwe()))
                    .setAudio(toProto(p.audio()))
                    .setRole(access.roleOf(s.id(), p.id()).claim())
                    .setMediaMode(media.getOrDefault(p.id(), "server")));
        }
        return b.build();
    }

    private static SfuParticipant cameraProto(RoomSnapshot.CameraSnapshot c) {
        SfuParticipant.Builder b = SfuParticipant.newBuilder().setEngineLayer(nz(c.engineLayer())).setMainLayer(nz(c.mainLayer()))
                .setConstraintsVersion(c.constraintsVersion()).setConstraintsApplied(c.constraintsApplied())
                .setConstraintsUnanswered(c.constraintsUnanswered()).setLayersIgnored(c.layersIgnored())
                .setRtxUnknown(c.rtxUnknown()).setPaddingIn(c.paddingIn()).setUnknownRid(c.unknownRid());
        for (RoomSnapshot.LayerSnapshot l : c.layers()) {
            b.addLayers(io.ams.proto.v1.SfuLayer.newBuilder().setRid(nz(l.rid())).setSsrc((int) l.ssrc()).setWidth(l.width())
                    .setHeight(l.height()).setBitrateBps(l.bitrateBps()).setLive(l.live()).setPackets(l.packets())
                    .setKeyframes(l.keyframes()).setRequested(l.requested()));
        }
        return b.build();
    }

    private static SfuParticipant.Audio toProto(RoomSnapshot.AudioSnapshot a) {
        return SfuParticipant.Audio.newBuilder().setMode(a.mode()).setMixedSlot(a.mixedSlot())
                .setMixedNegotiated(a.mixedNegotiated()).setEngineMixSsrc((int) a.engineMixSsrc()).setMixedSent(a.mixedSent())
                .setToEngine(a.toEngine()).setEngineAgeMs(a.engineAgeMillis()).build();
    }

    private static SfuParticipant.Bwe toProto(io.ams.sfu.bwe.BweStats b) {
        if (b == null) {
            return SfuParticipant.Bwe.getDefaultInstance();
        }
        return SfuParticipant.Bwe.newBuilder().setEstimateBps(b.estimateBps()).setSource(b.source())
                .setAllocatedBps(b.allocatedBps()).setMainLayer(b.mainLayer()).setMixOnly(b.mixOnly())
                .setProbeState(b.probeState()).setDelayState(b.delayState()).setLossFraction(b.lossFraction())
                .setRttMs(b.rttMs()).setAckedBps(b.ackedBps()).setRembBps(b.rembBps())
                .setFeedbackPackets(b.feedbackPackets()).setFeedbackRefused(b.feedbackRefused())
                .setFeedbackReplayed(b.feedbackReplayed()).setFeedbackReordered(b.feedbackReordered())
                .setStampedPackets(b.stampedPackets()).setProbes(b.probes())
                .setPaddingBytes(b.paddingBytes()).setMixOnlyEpisodes(b.mixOnlyEpisodes()).build();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void drain(io.ams.proto.v1.SfuDrainRequest req, StreamObserver<io.ams.proto.v1.SfuDrainResponse> out) {
        if (drain == null) {
            out.onError(io.grpc.Status.UNIMPLEMENTED.withDescription("this sidecar cannot drain").asRuntimeException());
            return;
        }
        int left = drain.start("ams ctl sfu drain");
        out.onNext(io.ams.proto.v1.SfuDrainResponse.newBuilder().setDraining(true).setMeetingsLeft(left)
                .setGraceMs(drain.grace().toMillis()).build());
        out.onCompleted();
    }

    private volatile io.ams.sfu.cluster.SidecarDrain drain;

    /** The drain that Drain starts. */
    public void setDrain(io.ams.sfu.cluster.SidecarDrain d) {
        this.drain = d;
    }
}
