package io.ams.engine.control;

import java.net.InetAddress;
import java.net.UnknownHostException;

import java.util.ArrayList;
import java.util.List;

import io.ams.engine.EngineException;
import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Region;
import io.ams.engine.egress.Sink;
import io.ams.engine.ingest.IngressStats;
import io.ams.engine.mix.Output;
import io.ams.engine.mix.OutputSpec;
import io.ams.engine.ingest.SenderPin;
import io.ams.engine.room.Participant;
import io.ams.engine.room.Room;
import io.ams.proto.v1.Backend;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.RoomStats;
import io.ams.rtp.VideoCodec;

/** Conversions between the ams.v1 messages and the engine's own model, with API defaults. */
final class ProtoMapper {
    static final int DEFAULT_WIDTH = 1280;
    static final int DEFAULT_HEIGHT = 720;
    static final int DEFAULT_FPS = 30;
    static final int DEFAULT_BITRATE_KBPS = 1500;
    static final int DEFAULT_BACKGROUND = 0x101010;

    private ProtoMapper() {
    }

    static VideoCodec codec(Codec c) {
        return switch (c) {
            case CODEC_UNSPECIFIED, VP8 -> VideoCodec.VP8;
            case H264 -> VideoCodec.H264;
            case UNRECOGNIZED -> throw io.ams.engine.EngineException.invalid("codec is unknown: use VP8 or H264");
        };
    }

    static Codec codec(VideoCodec c) {
        return c == VideoCodec.H264 ? Codec.H264 : Codec.VP8;
    }

    static LayoutSpec layout(Layout l) {
        LayoutKind kind = switch (l.getKind()) {
            case LAYOUT_UNSPECIFIED, GRID -> LayoutKind.GRID;
            case FILMSTRIP -> LayoutKind.FILMSTRIP;
            case SPEAKER -> LayoutKind.SPEAKER;
            case CUSTOM -> LayoutKind.CUSTOM;
            case UNRECOGNIZED -> throw io.ams.engine.EngineException.invalid(
                    "layout.kind is unknown: use GRID, FILMSTRIP, SPEAKER or CUSTOM");
        };
        List<Region> regions = new ArrayList<>();
        for (io.ams.proto.v1.Region r : l.getRegionsList()) {
            regions.add(new Region(r.getX(), r.getY(), r.getWidth(), r.getHeight(), r.getParticipantId()));
        }
        Fit fit = l.getFit() == io.ams.proto.v1.Fit.CROP ? Fit.CROP : Fit.LETTERBOX;
        boolean highlight = !l.hasHighlightSpeaker() || l.getHighlightSpeaker();
        int background = l.hasBackgroundRgb() ? l.getBackgroundRgb() : DEFAULT_BACKGROUND;
        if (background < 0 || background > 0xffffff) {
            throw io.ams.engine.EngineException.invalid("layout.background_rgb " + Integer.toUnsignedString(background)
                    + " is out of range: allowed 0x000000..0xFFFFFF");
        }
        return new LayoutSpec(kind, List.copyOf(regions), fit, highlight, background);
    }

    static Layout layout(LayoutSpec s) {
        Layout.Builder b = Layout.newBuilder()
                .setKind(switch (s.kind()) {
                    case GRID -> io.ams.proto.v1.LayoutKind.GRID;
                    case FILMSTRIP -> io.ams.proto.v1.LayoutKind.FILMSTRIP;
                    case SPEAKER -> io.ams.proto.v1.LayoutKind.SPEAKER;
                    case CUSTOM -> io.ams.proto.v1.LayoutKind.CUSTOM;
                })
                .setFit(s.fit() == Fit.CROP ? io.ams.proto.v1.Fit.CROP : io.ams.proto.v1.Fit.LETTERBOX)
                .setHighlightSpeaker(s.highlightSpeaker())
                .setBackgroundRgb(s.backgroundRgb());
        for (Region r : s.regions()) {
            b.addRegions(io.ams.proto.v1.Region.newBuilder().setX(r.x()).setY(r.y()).setWidth(r.width())
                    .setHeight(r.height()).setParticipantId(r.participantId() == null ? "" : r.participantId()));
        }
        return b.build();
    }

    /** An output spec from request fields, applying the API defaults to unset (zero) values. */
    static OutputSpec outputSpec(String id, Canvas canvas, int fps, Codec codec, int bitrateKbps, Layout layout,
                                 boolean hasCanvas) {
        int w = hasCanvas ? canvas.getWidth() : DEFAULT_WIDTH;
        int h = hasCanvas ? canvas.getHeight() : DEFAULT_HEIGHT;
        return new OutputSpec(id.isEmpty() ? OutputSpec.MAIN : id, w, h, fps == 0 ? DEFAULT_FPS : fps, codec(codec),
                bitrateKbps == 0 ? DEFAULT_BITRATE_KBPS : bitrateKbps, layout(layout));
    }

    static io.ams.proto.v1.OutputSpec outputSpec(OutputSpec s) {
        return io.ams.proto.v1.OutputSpec.newBuilder().setId(s.id())
                .setCanvas(Canvas.newBuilder().setWidth(s.width()).setHeight(s.height()))
                .setFps(s.fps()).setCodec(codec(s.codec())).setBitrateKbps(s.bitrateKbps())
                .setLayout(layout(s.layout())).build();
    }

    static io.ams.proto.v1.Output output(Output o) {
        io.ams.proto.v1.Output.Builder b = io.ams.proto.v1.Output.newBuilder().setSpec(outputSpec(o.spec()));
        for (Sink s : o.sinks()) {
            b.addDestinations(s.describe());
        }
        return b.build();
    }

    static io.ams.proto.v1.Participant participant(Participant p) {
        long ssrc = p.ingress().stats().ssrc();
        return io.ams.proto.v1.Participant.newBuilder().setId(p.id()).setDisplayName(p.displayName())
                .setCodec(codec(p.codec())).setPayloadType(p.payloadType()).setRtpHost(p.rtpHost())
                .setRtpPort(p.rtpPort()).setSsrc(ssrc < 0 ? 0 : (int) ssrc).setSender(p.ingress().sender())
                .setAudioPayloadType(p.audioPayloadType()).setMixAudioSsrc((int) p.mixAudioSsrc()).build();
    }

    static io.ams.proto.v1.AudioOutput audioOutput(String roomId, io.ams.engine.audio.RoomAudioMix.Settings s) {
        io.ams.proto.v1.AudioOutput.Builder b = io.ams.proto.v1.AudioOutput.newBuilder().setRoomId(roomId)
                .setActive(s != null);
        if (s != null) {
            b.setHost(s.target().getAddress().getHostAddress()).setPort(s.target().getPort())
                    .setPayloadType(s.payloadType()).setBitrateKbps(s.bitrateKbps()).setSpeakers(s.speakers());
        }
        return b.build();
    }

    static io.ams.proto.v1.AudioInStats audioIn(io.ams.engine.audio.AudioSource.Snapshot a) {
        var j = a.buffer();
        return io.ams.proto.v1.AudioInStats.newBuilder().setPackets(a.packets()).setPacketsLate(j.late)
                .setPacketsRejected(a.rejected()).setFramesDecoded(a.framesDecoded()).setFramesFec(j.framesFec)
                .setFramesConcealed(j.framesConcealed).setFramesSilent(j.framesSilent)
                .setFramesNotDecoded(a.framesNotDecoded()).setFramesDroppedLatency(j.droppedLatency)
                .setTargetDelayMs(j.targetDelayMs).setJitterMs(j.jitterMs).setLevelDbfs(a.levelDbfs())
                .setSpeaking(a.speaking()).setDecodeErrors(a.decodeErrors()).build();
    }

    /**
     * AddParticipant's sender: host and port as given; a port without a host from the calling
     * client's address ({@code caller}, null in-process: the first host seen); nothing: latch the first.
     */
    static SenderPin senderPin(String host, int port, InetAddress caller) {
        if (port < 0 || port > 65535) {
            throw EngineException.invalid("sender_port " + port + " is out of range: allowed 0..65535");
        }
        if (host.isEmpty() && port == 0) {
            return SenderPin.latchFirst();
        }
        InetAddress h = caller;
        if (!host.isEmpty()) {
            try {
                h = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw EngineException.invalid("sender_host '" + host + "' cannot be resolved");
            }
            if (h.isAnyLocalAddress()) {
                throw EngineException.invalid("sender_host " + host + " is a wildcard: give the address RTP comes from");
            }
        }
        return SenderPin.of(h, port);
    }

    static io.ams.proto.v1.Room room(Room r) {
        io.ams.proto.v1.Room.Builder b = io.ams.proto.v1.Room.newBuilder().setId(r.id())
                .setCreatedAtMs(r.createdAtMs()).setBackend(r.backend()).setBackendReason(r.backendReason());
        String main = r.mainSpeakerId();
        if (main != null) {
            b.setMainSpeakerId(main);
        }
        if (r.contentLabel() != null) {
            b.setContentLabel(r.contentLabel());
        }
        for (Participant p : r.participantList()) {
            b.addParticipants(participant(p).toBuilder().setVideoMuted(r.participantVideoMuted(p.id())));
        }
        for (Output o : r.outputList()) {
            b.addOutputs(output(o));
        }
        for (var rec : r.recordings()) {
            b.addRecordings(recording(r.id(), rec, true));
        }
        return b.build();
    }

    static io.ams.proto.v1.Recording recording(String roomId, io.ams.engine.room.RoomRecordings.Running r, boolean running) {
        var sink = r.sink();
        io.ams.proto.v1.Recording.Builder b = io.ams.proto.v1.Recording.newBuilder().setId(r.id()).setRoomId(roomId)
                .setFile(r.file().getFileName().toString()).setRunning(running && sink.failure() == null)
                .setStartedAtMs(r.startedAtMs()).setChunks(sink.chunksWritten()).setStartedBy(r.startedBy());
        try {
            b.setBytes(java.nio.file.Files.size(r.file()));
        } catch (java.io.IOException e) {
            // removed from under us: no size
        }
        if (sink.failure() != null) {
            b.setError(sink.failure());
        }
        return b.build();
    }

    /** Running recordings (of {@code roomId}, or all when empty) and the other sealed files on disk. */
    static io.ams.proto.v1.ListRecordingsResponse recordings(io.ams.engine.room.RoomManager rooms, String roomId) {
        io.ams.proto.v1.ListRecordingsResponse.Builder b = io.ams.proto.v1.ListRecordingsResponse.newBuilder();
        java.util.Set<String> runningFiles = new java.util.HashSet<>();
        for (Room r : rooms.list()) {
            if (!roomId.isEmpty() && !r.id().equals(roomId)) {
                continue;
            }
            for (var rec : r.recordings()) {
                io.ams.proto.v1.Recording p = recording(r.id(), rec, true);
                runningFiles.add(p.getFile());
                b.addRecordings(p);
            }
        }
        java.nio.file.Path dir = rooms.config().recordDir();
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var files = java.nio.file.Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(io.ams.engine.room.Room.SEALED_SUFFIX))
                        .filter(f -> !runningFiles.contains(f.getFileName().toString()))
                        .filter(f -> roomId.isEmpty() || f.getFileName().toString().startsWith(roomId + "-"))
                        .sorted().forEach(f -> {
                            String name = f.getFileName().toString();
                            io.ams.proto.v1.Recording.Builder rec = io.ams.proto.v1.Recording.newBuilder()
                                    .setId(name.substring(0, name.length() - io.ams.engine.room.Room.SEALED_SUFFIX.length()))
                                    .setFile(name);
                            try {
                                rec.setBytes(java.nio.file.Files.size(f));
                            } catch (java.io.IOException e) {
                                // gone meanwhile
                            }
                            b.addRecordings(rec);
                        });
            } catch (java.io.IOException e) {
                throw new io.ams.engine.EngineException(io.ams.engine.EngineException.Kind.FAILED_PRECONDITION,
                        "cannot list the record directory " + dir + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    static RoomStats stats(Room r) {
        long now = System.nanoTime();
        RoomStats.Builder b = RoomStats.newBuilder().setRoomId(r.id()).setBackend(r.backend())
                .setBackendReason(r.backendReason())
                .setUptimeMs(System.currentTimeMillis() - r.createdAtMs());
        for (Participant p : r.participantList()) {
            IngressStats s = p.ingress().stats();
            b.addParticipants(ParticipantStats.newBuilder().setParticipantId(p.id())
                    .setPackets(s.packets()).setBytes(s.bytes()).setPacketsLost(s.lost())
                    .setPacketsRejected(s.rejected()).setFramesReceived(s.framesReceived())
                    .setFramesDecoded(s.framesDecoded()).setFramesDropped(s.framesDropped())
                    .setDecodeErrors(s.decodeErrors()).setKeyframeRequests(s.keyframeRequests())
                    .setWidth(s.width()).setHeight(s.height()).setLastFrameAgeMs(s.lastFrameAgeMillis(now))
                    .setFramesDecodedAcrossLoss(s.framesAcrossLoss()).setFramesDroppedIncomplete(s.framesIncomplete())
                    .setFramesDroppedReferenceLost(s.framesReferenceLost())
                    .setKeyframeRequestsStart(s.keyframeRequestsStart()).setKeyframeRequestsLoss(s.keyframeRequestsLoss())
                    .setKeyframeRequestsDecoderError(s.keyframeRequestsDecoderError())
                    .setReorderWaitMs(s.reorderWaitMillis()).setRttMs(s.rttMillis())
                    .setRttHintsClamped(s.rttHintsClamped()).setPacketsReordered(s.packetsReordered())
                    .setPacketsLate(s.packetsLate()).setPayloadsMalformed(s.payloadsMalformed())
                    .setPacketsWrongSender(s.wrongSender()));
            if (p.audio() != null) {
                b.getParticipantsBuilder(b.getParticipantsCount() - 1).setAudio(audioIn(p.audio().snapshot()));
            }
        }
        for (Output o : r.outputList()) {
            b.addOutputs(o.stats());
        }
        b.setAudioMix(r.audioMix().stats());
        return b.build();
    }
}
