package io.ams.app.ctl;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

import io.ams.app.ApiText;
import io.ams.proto.v1.Destination;
import io.ams.proto.v1.EngineInfo;
import io.ams.proto.v1.Event;
import io.ams.proto.v1.LatencyHistogram;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.Output;
import io.ams.proto.v1.OutputSpec;
import io.ams.proto.v1.OutputStats;
import io.ams.proto.v1.Participant;
import io.ams.proto.v1.ParticipantStats;
import io.ams.proto.v1.Room;
import io.ams.proto.v1.RoomStats;
import io.ams.proto.v1.SfuParticipant;
import io.ams.proto.v1.SfuRoom;

/** Human-readable text for ams.v1 messages: tables and aligned lines, no JSON. */
final class Render {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Render() {
    }

    /** The room's first output, normally "main": what the room list shows. */
    static OutputSpec mainSpec(Room room) {
        return room.getOutputsList().stream().map(Output::getSpec).filter(s -> s.getId().equals("main"))
                .findFirst()
                .orElse(room.getOutputsCount() > 0 ? room.getOutputs(0).getSpec() : OutputSpec.getDefaultInstance());
    }

    static void roomTable(PrintWriter out, Iterable<Room> rooms) {
        Table table = new Table("ID", "CANVAS", "FPS", "CODEC", "LAYOUT", "PARTICIPANTS", "OUTPUTS");
        for (Room room : rooms) {
            OutputSpec main = mainSpec(room);
            table.row(room.getId(), ApiText.size(main.getCanvas()), main.getFps(), ApiText.codec(main.getCodec()),
                    ApiText.layout(main.getLayout().getKind()), room.getParticipantsCount(), room.getOutputsCount());
        }
        table.print(out);
    }

    /** The sidecar's rooms, one line each. */
    static void sfuRoomTable(PrintWriter out, Iterable<SfuRoom> rooms) {
        Table table = new Table("ID", "PARTICIPANTS", "MAIN-SPEAKER", "SET-BY", "MIX", "SPEAKER-SWITCHES", "ACCESS");
        for (SfuRoom room : rooms) {
            table.row(room.getId(), room.getParticipantsCount(), dash(room.getMainSpeakerId()),
                    room.getPinnedSpeakerId().isEmpty() ? "voice" : "operator",
                    room.getMixAvailable() ? "available" : "unavailable", room.getSpeakerSwitches(),
                    room.getLocked() ? "locked" : "open");
        }
        table.print(out);
    }

    /** One sidecar room: a header and a participant table with the relay counters. */
    static void sfuRoom(PrintWriter out, SfuRoom room) {
        out.printf("room %s: %d participant(s), main speaker %s (%s), previous %s%n", room.getId(),
                room.getParticipantsCount(), dash(room.getMainSpeakerId()),
                room.getPinnedSpeakerId().isEmpty() ? "voice activity" : "set by operator", dash(room.getPreviousSpeakerId()));
        out.printf("mix: %s, %d packets; engine %s; %d speaker switches%n", room.getMixAvailable() ? "available" : "unavailable",
                room.getMixPackets(), room.getEngineConnected() ? "connected" : "not connected", room.getSpeakerSwitches());
        out.printf("audio: %s (threshold %s); from the engine %d mixed packets, dropped: %d unknown SSRC (%d early), %d before "
                + "a slot, %d after a leave, %d wrong payload type; %d mode switches%n", room.getAudioMixed() ? "mixed" : "forwarded",
                room.getAudioMixThreshold() < 0 ? "never mixed" : room.getAudioMixThreshold() == 0 ? "always mixed"
                : room.getAudioMixThreshold() + " participants", room.getMixedAudioPackets(), room.getMixedAudioUnknownSsrc(), room.getMixedAudioEarly(),
                room.getMixedAudioNoSlot(), room.getMixedAudioRetired(), room.getMixWrongPayloadType(), room.getAudioModeSwitches());
        if (!room.getP2P().isEmpty()) {
            out.printf("1:1 peer to peer: %s%s%n", room.getP2P(), room.getEngineParked() ? "; the engine has none of the room meanwhile" : "");
        }
        out.printf("access: %s%n", room.getLocked() ? "locked by " + room.getLockedBy() + " (nobody new can join)"
                : "open to anyone with a valid link");
        if (room.getParticipantsCount() == 0) {
            return;
        }
        Table table = new Table("ID", "NAME", "ROLE", "MEDIA", "SEES", "PINNED", "HEARS", "RTP-IN", "DROPPED", "FORWARDED", "NACKS-SENT",
                "RECOVERED", "LOST", "NACKS-ANSWERED", "PLI-SENT", "TRANSPORT");
        for (SfuParticipant p : room.getParticipantsList()) {
            table.row(p.getId(), p.getDisplayName(), dash(p.getRole()), p.getMediaMode().isEmpty() ? "server" : p.getMediaMode(),
                    dash(p.getMainSource()), dash(p.getPinned()),
                    audioMode(p.getAudio()), p.getRtpIn(),
                    p.getRtpDropped(), p.getForwarded(), p.getNacksSent(), p.getUplinkRecovered(), p.getUplinkLost(),
                    p.getNacksAnswered() + "/" + (p.getNacksAnswered() + p.getNacksMissed()), p.getPlisSent(), p.getTransport());
        }
        table.print(out);
        sfuLayers(out, room);
        sfuQuality(out, room);
        sfuDownlinks(out, room);
    }

    /** How a participant hears the others: "forwarded", "mixed", "forwarded (mixed slot pending)". */
    static String audioMode(SfuParticipant.Audio a) {
        String mode = a.getMode().isEmpty() ? "forwarded" : a.getMode();
        if ("forwarded".equals(mode) && a.getMixedSlot()) {
            return mode + (!a.getMixedNegotiated() ? " (mixed slot not answered)"
                    : a.getEngineAgeMs() < 0 ? " (no mixed audio yet)" : a.getEngineAgeMs() > 100 ? " (mix silent " + a.getEngineAgeMs() + " ms)" : "");
        }
        return mode;
    }

    /** The downlink block of {@code ams ctl sfu get}: each participant's estimate and what it gets. */
    static void sfuDownlinks(PrintWriter out, SfuRoom room) {
        out.println("downlink bandwidth (send-side estimate; what the allocator fits: audio, mix, main layer):");
        Table table = new Table("", "ID", "ESTIMATE", "SOURCE", "ALLOCATED", "MAIN-LAYER", "PROBE", "MIX-ONLY-EPISODES");
        for (SfuParticipant p : room.getParticipantsList()) {
            SfuParticipant.Bwe b = p.getBwe();
            String layer = b.getMixOnly() ? "none (mix only)" : b.getMainLayer().isEmpty() ? "single" : b.getMainLayer();
            table.row("", p.getId(), b.getEstimateBps() > 0 ? b.getEstimateBps() / 1000 + " kbps" : "-", dash(b.getSource()),
                    b.getAllocatedBps() / 1000 + " kbps", layer, dash(b.getProbeState()), b.getMixOnlyEpisodes());
        }
        table.print(out);
    }

    /** The cameras' layers: what arrives, what was asked for, and which layer the mix and each viewer take. */
    static void sfuLayers(PrintWriter out, SfuRoom room) {
        Table table = new Table("ID", "CAMERA LAYERS (rid size kbps, * = asked for, - = silent)", "MIX TAKES", "RECEIVES MAIN",
                "CONSTRAINTS");
        boolean any = false;
        for (SfuParticipant p : room.getParticipantsList()) {
            if (p.getLayersCount() == 0) {
                continue;
            }
            any = true;
            StringBuilder layers = new StringBuilder();
            for (io.ams.proto.v1.SfuLayer l : p.getLayersList()) {
                if (layers.length() > 0) {
                    layers.append("  ");
                }
                layers.append(l.getRid().isEmpty() ? "single" : l.getRid()).append(l.getRequested() ? "*" : "").append(' ')
                        .append(l.getHeight() > 0 ? l.getWidth() + "x" + l.getHeight() : "?").append(' ')
                        .append(l.getLive() ? String.valueOf(l.getBitrateBps() / 1000) : "-");
            }
            String constraints = "v" + p.getConstraintsVersion() + (p.getConstraintsApplied() == p.getConstraintsVersion()
                    ? " applied" : " (applied v" + p.getConstraintsApplied() + ")")
                    + (p.getConstraintsUnanswered() > 0 ? ", " + p.getConstraintsUnanswered() + " unanswered" : "")
                    + (p.getLayersIgnored() > 0 ? ", " + p.getLayersIgnored() + " ignored" : "");
            table.row(p.getId(), layers.toString(), dash(p.getEngineLayer()), dash(p.getMainLayer()), constraints);
        }
        if (any) {
            table.print(out);
        }
    }

    /** The connection-quality block of {@code ams ctl sfu get}: indented rows, one per participant. */
    static void sfuQuality(PrintWriter out, SfuRoom room) {
        out.println("connection quality (uplink: what the server receives from them; downlink: what they report receiving):");
        Table table = new Table("", "ID", "NAME", "UPLINK", "DOWNLINK", "RTT", "IGNORED-REPORTS");
        for (SfuParticipant p : room.getParticipantsList()) {
            double rtt = p.getDownlinkQuality().getRttMs();
            table.row("", p.getId(), p.getDisplayName(), link(p.getUplinkQuality()), link(p.getDownlinkQuality()),
                    p.hasDownlinkQuality() && rtt >= 0 ? Math.round(rtt) + " ms" : "-", p.getRtcpReportsIgnored());
        }
        table.print(out);
    }

    /** "poor 31: losing 10% of packets", "unknown" */
    private static String link(SfuParticipant.LinkQuality q) {
        if (q.getLevel().isEmpty() || q.getScore() < 0) {
            return "unknown";
        }
        return q.getLevel() + " " + q.getScore() + ": " + q.getText();
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    /** "640x360@30 vp8 1500 kbps, layout speaker (letterbox)" */
    static String outputSpec(OutputSpec spec) {
        return ApiText.size(spec.getCanvas()) + "@" + spec.getFps() + " " + ApiText.codec(spec.getCodec()) + " "
                + spec.getBitrateKbps() + " kbps, layout " + layout(spec.getLayout());
    }

    static String layout(Layout layout) {
        StringBuilder s = new StringBuilder(ApiText.layout(layout.getKind()));
        s.append(" (fit ").append(ApiText.fit(layout.getFit()));
        if (layout.hasHighlightSpeaker()) {
            s.append(layout.getHighlightSpeaker() ? ", highlight" : ", no highlight");
        }
        if (layout.hasBackgroundRgb()) {
            s.append(", background ").append(ApiText.rgb(layout.getBackgroundRgb()));
        }
        if (layout.getRegionsCount() > 0) {
            s.append(", regions ").append(layout.getRegionsList().stream().map(ApiText::region)
                    .collect(Collectors.joining(" ")));
        }
        return s.append(')').toString();
    }

    static void roomDetail(PrintWriter out, Room room) {
        out.printf("room %s  backend %s  main speaker %s  created %s%n", room.getId(),
                ApiText.backend(room.getBackend()),
                room.getMainSpeakerId().isEmpty() ? "-" : room.getMainSpeakerId(),
                room.getCreatedAtMs() == 0 ? "-" : Instant.ofEpochMilli(room.getCreatedAtMs()).toString());
        if (!room.getBackendReason().isEmpty()) {
            out.printf("backend reason: %s%n", room.getBackendReason());
        }
        if (room.getParticipantsCount() == 0) {
            out.println("participants: none");
        } else {
            out.println("participants:");
            Table table = new Table("  ID", "NAME", "CODEC", "PT", "RTP", "SSRC");
            for (Participant p : room.getParticipantsList()) {
                table.row("  " + p.getId(), p.getDisplayName(), ApiText.codec(p.getCodec()), p.getPayloadType(),
                        hostPort(p.getRtpHost(), p.getRtpPort()), p.getSsrc() == 0 ? "-" : ApiText.uint32(p.getSsrc()));
            }
            table.print(out);
        }
        out.println("outputs:");
        for (Output o : room.getOutputsList()) {
            out.printf("  %s  %s%n", o.getSpec().getId(), outputSpec(o.getSpec()));
            for (Destination d : o.getDestinationsList()) {
                out.printf("    -> %s%n", destination(d));
            }
        }
    }

    static String destination(Destination d) {
        if (!d.getFile().isEmpty()) {
            return "file " + d.getFile() + "  id " + d.getId() + (d.getError().isEmpty() ? "" : "  STOPPED: " + d.getError());
        }
        return hostPort(d.getHost(), d.getPort()) + "  id " + d.getId() + "  ssrc " + ApiText.uint32(d.getSsrc())
                + "  pt " + d.getPayloadType();
    }

    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static void stats(PrintWriter out, RoomStats stats) {
        out.printf("room %s  uptime %s  backend %s%n", stats.getRoomId(), seconds(stats.getUptimeMs()),
                ApiText.backend(stats.getBackend()));
        if (!stats.getBackendReason().isEmpty()) {
            out.printf("backend reason: %s%n", stats.getBackendReason());
        }
        if (stats.getParticipantsCount() > 0) {
            Table table = new Table("PARTICIPANT", "PACKETS", "BYTES", "LOST", "REJECTED", "DECODED", "DROPPED",
                    "DEC-ERRORS", "SIZE", "LAST-FRAME");
            for (ParticipantStats p : stats.getParticipantsList()) {
                table.row(p.getParticipantId(), p.getPackets(), bytes(p.getBytes()), p.getPacketsLost(),
                        p.getPacketsRejected(), p.getFramesDecoded(), p.getFramesDropped(), p.getDecodeErrors(),
                        p.getWidth() == 0 ? "-" : ApiText.size(p.getWidth(), p.getHeight()),
                        p.getLastFrameAgeMs() < 0 ? "never" : p.getLastFrameAgeMs() + " ms ago");
            }
            table.print(out);
        } else {
            out.println("no participants");
        }
        if (stats.getOutputsCount() > 0) {
            Table table = new Table("OUTPUT", "FRAMES", "FPS", "LATE", "ENCODE-AVG", "LATENCY-P50", "LATENCY-P99",
                    "SENT", "SEND-ERRORS", "BACKEND");
            for (OutputStats o : stats.getOutputsList()) {
                table.row(o.getOutputId(), o.getFramesEncoded(), String.format(Locale.ROOT, "%.1f", o.getOutputFps()),
                        o.getLateTicks(), ms(o.getEncodeMsAvg()), p50(o.getLatencyMs()), p99(o.getLatencyMs()),
                        bytes(o.getBytesSent()), o.getSendErrors(), ApiText.backend(o.getBackend())
                                + (o.getEncoder().isEmpty() ? "" : "/" + o.getEncoder())
                                + (o.getBackendChanges() > 0 ? " (moved " + o.getBackendChanges() + "x)" : ""));
            }
            table.print(out);
        }
        if (stats.getParticipantsCount() > 0) {
            // loss and repair: the reorder wait follows the uplink RTT; keyframes asked for by reason
            Table table = new Table("PARTICIPANT", "RTT", "WAIT", "REORDERED", "LATE", "ACROSS-LOSS", "INCOMPLETE",
                    "REF-LOST", "MALFORMED", "KEYFRAMES(start/loss/decoder)");
            for (ParticipantStats p : stats.getParticipantsList()) {
                table.row(p.getParticipantId(), p.getRttMs() < 0 ? "-" : p.getRttMs() + " ms",
                        p.getReorderWaitMs() + " ms", p.getPacketsReordered(), p.getPacketsLate(),
                        p.getFramesDecodedAcrossLoss(), p.getFramesDroppedIncomplete(),
                        p.getFramesDroppedReferenceLost(), p.getPayloadsMalformed(),
                        p.getKeyframeRequests() + " (" + p.getKeyframeRequestsStart() + "/" + p.getKeyframeRequestsLoss()
                                + "/" + p.getKeyframeRequestsDecoderError() + ")");
            }
            table.print(out);
        }
        audio(out, stats);
    }

    /** The room's audio mix and each participant's audio into it (nothing where the room has no audio). */
    private static void audio(PrintWriter out, RoomStats stats) {
        io.ams.proto.v1.AudioMixStats mix = stats.getAudioMix();
        if (mix.getActive() || mix.getFrames() > 0) {
            out.printf("audio mix %s  speakers %s  frames %d  late %d  encodes %d  frame %s  latency p50 %s p99 %s"
                            + "  sent %s  send-errors %d%n", mix.getActive() ? "on" : "off",
                    mix.getSpeakersCount() == 0 ? "-" : String.join(",", mix.getSpeakersList()), mix.getFrames(),
                    mix.getLateTicks(), mix.getEncodes(), ms(mix.getFrameMsAvg()), p50(mix.getLatencyMs()),
                    p99(mix.getLatencyMs()), bytes(mix.getBytesSent()), mix.getSendErrors());
        }
        if (stats.getParticipantsList().stream().noneMatch(ParticipantStats::hasAudio)) {
            return;
        }
        Table table = new Table("PARTICIPANT", "AUDIO-PACKETS", "LATE", "REJECTED", "DECODED", "NOT-DECODED", "FEC",
                "CONCEALED", "SILENT", "DELAY", "JITTER", "LEVEL", "SPEAKING");
        for (ParticipantStats p : stats.getParticipantsList()) {
            if (!p.hasAudio()) {
                continue;
            }
            io.ams.proto.v1.AudioInStats a = p.getAudio();
            table.row(p.getParticipantId(), a.getPackets(), a.getPacketsLate(), a.getPacketsRejected(),
                    a.getFramesDecoded(), a.getFramesNotDecoded(), a.getFramesFec(), a.getFramesConcealed(),
                    a.getFramesSilent(), a.getTargetDelayMs() + " ms", ms(a.getJitterMs()),
                    String.format(Locale.ROOT, "%.0f dBFS", a.getLevelDbfs()), a.getSpeaking() ? "yes" : "no");
        }
        table.print(out);
    }

    static void info(PrintWriter out, EngineInfo info) {
        Table table = new Table("version", info.getVersion());
        table.row("backend", ApiText.backend(info.getBackend())
                + (info.getBackendReason().isEmpty() ? "" : " (" + info.getBackendReason() + ")"));
        if (info.getBackendFallbacks() > 0 || info.getGpuBackoffMs() > 0) {
            table.row("gpu fallbacks", info.getBackendFallbacks() + (info.getGpuBackoffMs() > 0
                    ? "  (new rooms on the CPU for " + seconds(info.getGpuBackoffMs()) + " more)" : ""));
        }
        table.row("ffmpeg", info.getFfmpegVersion());
        table.row("rooms", info.getRooms());
        table.row("media", info.getMediaHost() + " ports "
                + (info.getMediaPortMin() == 0 ? "any" : info.getMediaPortMin() + "-" + info.getMediaPortMax()));
        table.row("native frames", info.getNativeFramesOutstanding());
        table.row("native packets", info.getNativePacketsOutstanding());
        table.row("control", (info.getControlAuthenticated() ? "control token required" : "no control token")
                + "; RTP destinations " + String.join(",", info.getAllowedDestinationsList()) + " and callers' own addresses");
        table.row("refused", info.getCallsUnauthenticated() + " unauthenticated, " + info.getDestinationsDenied()
                + " destinations denied, " + info.getFileNamesRefused() + " file names");
        table.row("cluster", info.getCluster().isEmpty() ? "none (a single engine)" : info.getEngineId() + " in "
                + info.getCluster() + String.format(Locale.ROOT, ", load %.2f of %.1f room-equivalents", info.getLoad(),
                info.getCapacity()) + (info.getDraining() ? ", DRAINING" : ""));
        table.print(out);
    }

    /** "12:00:01.234  r1  participant-added  p1" */
    static String event(Event e) {
        String time = e.getTimestampMs() == 0 ? "--:--:--.---"
                : LocalTime.ofInstant(Instant.ofEpochMilli(e.getTimestampMs()), ZoneId.systemDefault()).format(CLOCK);
        String what = switch (e.getKindCase()) {
            case ROOM_CREATED -> "room-created";
            case ROOM_DELETED -> "room-deleted";
            case PARTICIPANT_ADDED -> "participant-added  " + e.getParticipantAdded().getParticipantId();
            case PARTICIPANT_REMOVED -> "participant-removed  " + e.getParticipantRemoved().getParticipantId();
            case KEYFRAME_NEEDED -> "keyframe-needed  " + e.getKeyframeNeeded().getParticipantId()
                    + (e.getKeyframeNeeded().getReason().isEmpty() ? "" : "  (" + e.getKeyframeNeeded().getReason() + ")");
            case MAIN_SPEAKER_CHANGED -> "main-speaker-changed  " + e.getMainSpeakerChanged().getParticipantId();
            case BACKEND_CHANGED -> "backend-changed  " + ApiText.backend(e.getBackendChanged().getBackend())
                    + (e.getBackendChanged().getReason().isEmpty() ? "" : "  (" + e.getBackendChanged().getReason() + ")");
            case RECORDING_STOPPED -> "recording-stopped  " + e.getRecordingStopped().getDestinationId() + "  ("
                    + e.getRecordingStopped().getReason() + ")";
            case KIND_NOT_SET -> "unknown-event";
        };
        return time + "  " + (e.getRoomId().isEmpty() ? "-" : e.getRoomId()) + "  " + what;
    }

    private static String p50(LatencyHistogram h) {
        return h.getCount() == 0 ? "-" : ms(h.getP50Ms());
    }

    private static String p99(LatencyHistogram h) {
        return h.getCount() == 0 ? "-" : ms(h.getP99Ms());
    }

    private static String ms(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
