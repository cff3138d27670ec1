package io.ams.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ams.sfu.access.AccessControl;
import io.ams.sfu.access.AccessException;
import io.ams.sfu.access.HostActions;
import io.ams.sfu.access.Seat;
import io.ams.sfu.auth.JoinTokens;
import io.ams.sfu.auth.TokenException;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.metrics.ChatCounters;
import io.ams.sfu.metrics.JoinCounters;
import io.ams.sfu.metrics.JoinFailureReason;
import io.ams.sfu.room.PeerChannel;
import io.ams.sfu.room.RoomException;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.BadMessageException;
import io.ams.sfu.signal.SignalingHandler;
import io.ams.sfu.signal.SignalingServer;
import io.ams.sfu.signal.SignalingSession;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signaling messages (docs/SIGNALING.md) into room operations and room news into messages. A
 * session's messages run on the lane of the room its join names (see {@link io.ams.sfu.room.RoomLanes}),
 * before that on the lobby lane: rooms never wait for one another.
 */
final class SignalingController implements SignalingHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingController.class);
    private final RoomRegistry rooms;
    private final JoinTokens tokens;
    private final AccessControl access;
    private final HostActions host;
    /** Session id to the room id whose lane it holds (from its join message to its close). */
    private final Map<String, String> sessionRooms = new ConcurrentHashMap<>();

    private final JoinCounters joins;
    private final ChatCounters chat;
    private final io.ams.sfu.cluster.JoinRouter router; // null: every join is for this sidecar
    private final IceServers iceServers;
    private volatile io.ams.sfu.content.ContentService content; // null: documents are off

    /** Serves presenting ({@code present}, {@code stop-presenting}) from {@code c}'s documents. */
    void content(io.ams.sfu.content.ContentService c) {
        this.content = c;
    }

    SignalingController(RoomRegistry rooms, JoinTokens tokens, AccessControl access) {
        this(rooms, tokens, access, new JoinCounters(), IceServers.none());
    }

    /** Counting joins and their refusals in {@code joins} (metrics); {@code iceServers} go to every client that joins. */
    SignalingController(RoomRegistry rooms, JoinTokens tokens, AccessControl access, JoinCounters joins, IceServers iceServers) {
        this(rooms, tokens, access, joins, iceServers, null);
    }

    /** {@code router}: where joins go in a cluster or while draining (null: always here). */
    SignalingController(RoomRegistry rooms, JoinTokens tokens, AccessControl access, JoinCounters joins,
                        IceServers iceServers, io.ams.sfu.cluster.JoinRouter router) {
        this(rooms, tokens, access, joins, iceServers, router, new ChatCounters());
    }

    /** Counting chat messages and their refusals in {@code chat} (metrics). */
    SignalingController(RoomRegistry rooms, JoinTokens tokens, AccessControl access, JoinCounters joins,
                        IceServers iceServers, io.ams.sfu.cluster.JoinRouter router, ChatCounters chat) {
        this.chat = chat;
        this.router = router;
        this.joins = joins;
        this.rooms = rooms;
        this.iceServers = iceServers;
        this.tokens = tokens;
        this.access = access;
        this.host = new HostActions(access);
    }

    @Override
    public Executor laneFor(SignalingSession s, String type, JsonNode m) {
        String held = sessionRooms.get(s.id());
        if (held == null && type.equals("join")) {
            String room = m.path("room").asText("");
            if (RoomRegistry.ROOM_ID.matcher(room).matches()) {
                sessionRooms.put(s.id(), room);
                return rooms.lanes().acquire(room);
            }
        }
        Executor lane = held == null ? null : rooms.lanes().peek(held);
        return lane == null ? rooms.lanes().lobby() : lane;
    }

    @Override
    public void onOpen(SignalingSession s) {
        LOG.debug("signaling: {} connected", s);
    }

    @Override
    public void onMessage(SignalingSession s, String type, JsonNode m) throws BadMessageException {
        Membership member = (Membership) s.attachment();
        RoomRegistry.Joined j = member == null ? null : member.room();
        if (type.equals("ping")) {
            s.send(SignalingServer.message("pong"));
            return;
        }
        if (type.equals("join")) {
            try {
                join(s, j, m);
            } catch (BadMessageException e) {
                joins.failed(JoinFailureReason.BAD_REQUEST); // no room or token, a second join: refused in words
                throw e;
            }
            return;
        }
        if (j == null) {
            throw new BadMessageException("send join first");
        }
        try {
            HostActions.Actor actor = HostActions.Actor.seated(member.roomId(), member.seat());
            switch (type) {
                case "lock-room" -> {
                    JsonNode locked = m.get("locked");
                    if (locked == null || !locked.isBoolean()) {
                        throw new BadMessageException("'lock-room' needs a boolean field 'locked'");
                    }
                    host.lock(actor, member.roomId(), locked.asBoolean());
                    return;
                }
                case "remove-participant" -> {
                    host.remove(actor, member.roomId(), participantId(m));
                    return;
                }
                case "request-mute" -> {
                    host.askToMute(actor, member.roomId(), participantId(m));
                    return;
                }
                case "record" -> {
                    JsonNode on = m.get("on");
                    if (on == null || !on.isBoolean()) {
                        throw new BadMessageException("'record' needs a boolean field 'on'");
                    }
                    host.record(actor, member.roomId(), on.asBoolean(), rooms.engine()::setRecording);
                    return;
                }
                default -> {
                    // not a host action
                }
            }
        } catch (AccessException e) {
            throw new BadMessageException(e.code(), e.getMessage());
        }
        try {
            switch (type) {
                case "answer" -> j.room().answer(j.peer(), text(m, "sdp", 256 * 1024));
                case "candidate" -> {
                    JsonNode c = m.get("candidate");
                    String cand = c == null || c.isNull() ? null : c.isTextual() ? c.asText() : c.path("candidate").asText(null);
                    if (cand != null && cand.length() > 1024) {
                        throw new BadMessageException("candidate longer than 1024 characters");
                    }
                    try {
                        j.room().candidate(j.peer(), cand);
                    } catch (IllegalArgumentException e) {
                        throw new BadMessageException("candidate not understood: " + e.getMessage());
                    }
                }
                case "pin" -> {
                    JsonNode t = m.get("participantId");
                    j.room().pin(j.peer(), t == null || t.isNull() ? null : t.asText());
                }
                case "constraints-applied" -> {
                    JsonNode v = m.get("version");
                    if (v == null || !v.canConvertToInt() || v.asInt() < 1) {
                        throw new BadMessageException("'constraints-applied' needs a positive integer 'version'");
                    }
                    JsonNode err = m.get("error");
                    String error = err == null || err.isNull() ? null : err.asText();
                    j.room().constraintsApplied(j.peer(), v.asInt(), error == null ? null
                            : error.substring(0, Math.min(200, error.length())));
                }
                case "present", "stop-presenting" -> present(member, type, m);
                case "chat" -> chat(j, m);
                case "mute" -> j.room().mute(j.peer(), m.path("audio").asBoolean(false), m.path("video").asBoolean(false));
                case "p2p-offer", "p2p-answer", "p2p-candidate", "p2p-state", "p2p-stats" ->
                        j.room().p2pMessage(j.peer(), type, m);
                case "leave" -> {
                    member.leave("left");
                    s.close("left");
                }
                default -> throw new BadMessageException("unexpected '" + type + "'");
            }
        } catch (RoomException e) {
            throw new BadMessageException(e.code(), e.getMessage());
        }
    }

    private void join(SignalingSession s, RoomRegistry.Joined already, JsonNode m) throws BadMessageException {
        if (already != null) {
            throw new BadMessageException("already joined room '" + already.room().id() + "' as " + already.participantId());
        }
        String room = text(m, "room", 64);
        String token = text(m, "token", 4096);
        JoinTokens.Claims claims;
        try {
            claims = tokens.verify(token, room);
            access.admit(claims);
        } catch (TokenException e) {
            refuse(s, room, e.code(), e.getMessage());
            return;
        } catch (AccessException e) {
            refuse(s, room, e.code(), e.getMessage());
            return;
        }
        if (router != null) {
            io.ams.sfu.cluster.JoinRoute route = router.route(room, rooms.get(room) != null);
            if (route.kind() == io.ams.sfu.cluster.JoinRoute.Kind.REFUSE) {
                refuse(s, room, route.code(), route.words());
                return;
            }
            if (route.kind() == io.ams.sfu.cluster.JoinRoute.Kind.REDIRECT) {
                ObjectNode redirect = SignalingServer.message("redirect");
                redirect.put("room", room);
                redirect.put("url", route.url());
                s.send(redirect);
                s.close("redirect");
                return;
            }
        }
        RoomRegistry.Joined j;
        try {
            JsonNode screen = m.get("screen");
            if (screen != null && !screen.isBoolean()) {
                throw new BadMessageException("'screen' must be true or false");
            }
            j = rooms.join(room, claims.name(), new Channel(s, room, access), screen != null && screen.asBoolean());
        } catch (RoomException e) {
            refuse(s, room, e.code(), e.getMessage());
            return;
        }
        Membership member = new Membership(s, rooms, access);
        Seat seat = new Seat(j.participantId(), claims.name(), claims.role(), claims.tokenId(), claims.expiresAt(), member);
        member.joined(j, seat);
        access.seat(room, seat);
        s.attach(member);
        ObjectNode joined = SignalingServer.message("joined");
        joined.put("participantId", j.participantId());
        joined.put("room", room);
        joined.put("name", claims.name());
        joined.put("role", claims.role().claim());
        joined.put("locked", access.locked(room));
        if (access.locked(room)) {
            joined.put("lockedBy", access.lockedBy(room));
        }
        joined.set("iceServers", SignalingServer.json().valueToTree(iceServers.forParticipant(j.participantId())));
        joined.put("documents", content != null);
        s.send(joined);
        sendContent(s, room);
        joins.joined();
        j.room().allowP2p(j.peer(), m.path("p2p").asBoolean(false));
        j.room().start(j.peer());
    }

    private void present(Membership member, String type, JsonNode m) throws BadMessageException {
        io.ams.sfu.content.ContentService c = content;
        if (c == null) {
            throw new BadMessageException("documents_off", "documents are not served here");
        }
        boolean host = member.seat().role() == io.ams.sfu.auth.Role.HOST;
        try {
            if (type.equals("stop-presenting")) {
                c.stop(member.roomId(), member.seat().participantId(), host);
                return;
            }
            JsonNode page = m.get("page");
            if (page == null || !page.canConvertToInt()) {
                throw new BadMessageException("'present' needs an integer 'page'");
            }
            c.present(member.roomId(), member.seat().participantId(), host, text(m, "documentId", 64), page.asInt());
        } catch (io.ams.sfu.content.ContentException e) {
            throw new BadMessageException(e.code(), e.getMessage());
        }
    }

    /** What a joiner must know of the room's documents: each one, and what is presented. */
    private void sendContent(SignalingSession s, String room) {
        io.ams.sfu.content.ContentService c = content;
        if (c == null) {
            return;
        }
        for (io.ams.sfu.content.DocumentInfo d : c.documents(room)) {
            ObjectNode o = SignalingServer.message("document");
            o.setAll((ObjectNode) SignalingServer.json().valueToTree(io.ams.sfu.content.ContentMessages.document(d)));
            s.send(o);
        }
        io.ams.sfu.content.Presentation p = c.presentation(room);
        if (p != null) {
            ObjectNode o = SignalingServer.message("presenting");
            o.setAll((ObjectNode) SignalingServer.json().valueToTree(io.ams.sfu.content.ContentMessages.presenting(room, p)));
            s.send(o);
        }
    }

    /** A chat message: the room stamps it and sends it to everyone; a refusal is counted and told (the session goes on). */
    private void chat(RoomRegistry.Joined j, JsonNode m) throws BadMessageException {
        JsonNode t = m.get("text");
        if (t == null || !t.isTextual()) {
            chat.refused(ChatCounters.Refusal.BAD_REQUEST);
            throw new BadMessageException("'chat' needs a string field 'text'");
        }
        try {
            j.room().chat(j.peer(), t.asText());
        } catch (RoomException e) {
            chat.refused(ChatCounters.Refusal.ofCode(e.code()));
            throw new BadMessageException(e.code(), e.getMessage());
        }
        chat.sent();
    }

    /** A join that is not admitted: counted, logged, told in words, and the connection closed. */
    private void refuse(SignalingSession s, String room, String code, String words) {
        access.joinRefused();
        joins.failed(JoinFailureReason.ofCode(code));
        LOG.info("signaling: join of room '{}' from {} refused ({}): {}", room, s.remoteAddress(), code, words);
        s.send(SignalingServer.error(code, words));
        s.close(code);
    }

    /** The target of a host action; HostActions says what is wrong with it. */
    private static String participantId(JsonNode m) {
        JsonNode v = m.get("participantId");
        return v != null && v.isTextual() ? v.asText() : null;
    }

    @Override
    public String notReady() {
        return router == null ? null : router.notReady();
    }

    @Override
    public void onClose(SignalingSession s, String reason) {
        Membership member = (Membership) s.attachment();
        if (member != null) {
            member.leave(reason);
        }
        String held = sessionRooms.remove(s.id());
        if (held != null) {
            rooms.lanes().release(held);
        }
    }

    private static String text(JsonNode m, String field, int max) throws BadMessageException {
        JsonNode v = m.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new BadMessageException("'" + m.get("type").asText() + "' needs a string field '" + field + "'");
        }
        if (v.asText().length() > max) {
            throw new BadMessageException("'" + field + "' is longer than " + max + " characters");
        }
        return v.asText();
    }

    /** Room news for one client, as signaling messages. */
    private static final class Channel implements PeerChannel {
        private final SignalingSession s;
        private final String roomId;
        private final AccessControl access;

        Channel(SignalingSession s, String roomId, AccessControl access) {
            this.s = s;
            this.roomId = roomId;
            this.access = access;
        }

        @Override
        public void content(String type, Map<String, ?> fields) {
            p2p(type, fields);
        }

        @Override
        public void p2p(String type, Map<String, ?> fields) {
            ObjectNode o = SignalingServer.message(type);
            o.setAll((ObjectNode) SignalingServer.json().valueToTree(fields));
            s.send(o);
        }

        @Override
        public void offer(String sdp, Map<String, TrackRole> tracks) {
            ObjectNode o = SignalingServer.message("offer");
            o.put("sdp", sdp);
            ObjectNode t = o.putObject("tracks");
            tracks.forEach((mid, role) -> {
                ObjectNode r = t.putObject(mid);
                r.put("role", role.role());
                if (role.participantId() != null) {
                    r.put("participantId", role.participantId());
                }
            });
            s.send(o);
        }

        @Override
        public void participants(List<ParticipantView> list) {
            ObjectNode o = SignalingServer.message("participants");
            ArrayNode a = o.putArray("list");
            for (ParticipantView p : list) {
                ObjectNode n = a.addObject();
                n.put("id", p.id());
                n.put("name", p.name());
                n.put("speaking", p.speaking());
                n.put("audioMuted", p.audioMuted());
                n.put("videoMuted", p.videoMuted());
                n.put("role", access.roleOf(roomId, p.id()).claim());
            }
            s.send(o);
        }

        @Override
        public void speaker(String main, String previous) {
            ObjectNode o = SignalingServer.message("speaker");
            o.put("main", main);
            o.put("previous", previous);
            s.send(o);
        }

        @Override
        public void clock(List<io.ams.sfu.quality.StreamClock> streams) {
            ObjectNode o = SignalingServer.message("clock");
            ArrayNode a = o.putArray("streams");
            for (var c : streams) {
                ObjectNode n = a.addObject();
                n.put("ssrc", c.ssrc());
                n.put("ntpMs", Math.round(c.ntpUnixMillis() * 1000) / 1000.0);
                n.put("rtp", c.rtpTimestamp());
                n.put("rate", c.clockRate());
            }
            s.send(o);
        }

        @Override
        public void mix(boolean available) {
            ObjectNode o = SignalingServer.message("mix");
            o.put("available", available);
            s.send(o);
        }

        @Override
        public void constraints(int version, List<io.ams.sfu.layers.SenderConstraints.Encoding> encodings) {
            ObjectNode o = SignalingServer.message("constraints");
            o.put("version", version);
            ArrayNode a = o.putArray("video");
            for (var e : encodings) {
                ObjectNode n = a.addObject();
                if (e.rid() != null) {
                    n.put("rid", e.rid());
                } else {
                    n.putNull("rid");
                }
                n.put("active", e.active());
                if (e.maxHeight() > 0) {
                    n.put("maxHeight", e.maxHeight());
                }
                if (e.maxBitrateBps() > 0) {
                    n.put("maxBitrate", e.maxBitrateBps());
                }
            }
            s.send(o);
        }

        @Override
        public void chat(io.ams.sfu.room.ChatLog.Message m) {
            ObjectNode o = SignalingServer.message("chat");
            chatFields(o, m);
            s.send(o);
        }

        @Override
        public void chatHistory(List<io.ams.sfu.room.ChatLog.Message> messages) {
            ObjectNode o = SignalingServer.message("chat-history");
            ArrayNode a = o.putArray("messages");
            for (var m : messages) {
                chatFields(a.addObject(), m);
            }
            s.send(o);
        }

        private static void chatFields(ObjectNode o, io.ams.sfu.room.ChatLog.Message m) {
            o.put("seq", m.seq());
            o.put("participantId", m.participantId());
            o.put("name", m.name());
            o.put("at", m.atMillis());
            o.put("text", m.text());
        }

        @Override
        public void error(String code, String message) {
            s.send(SignalingServer.error(code, message));
        }

        @Override
        public void quality(List<io.ams.sfu.quality.ParticipantQuality> list) {
            s.send(io.ams.sfu.quality.QualityMessage.toJson(list));
        }

        @Override
        public void bandwidth(Bandwidth b) {
            ObjectNode o = SignalingServer.message("bandwidth");
            o.put("estimateBps", b.estimateBps());
            o.put("allocatedBps", b.allocatedBps());
            if (b.mainLayer() != null) {
                o.put("mainLayer", b.mainLayer());
            } else {
                o.putNull("mainLayer");
            }
            o.put("mixOnly", b.mixOnly());
            o.put("probing", b.probing());
            s.send(o);
        }

        @Override
        public void audioMode(String mode) {
            ObjectNode o = SignalingServer.message("audio");
            o.put("mode", mode);
            s.send(o);
        }

        @Override
        public void recording(boolean active, String by) {
            ObjectNode o = SignalingServer.message("recording");
            o.put("active", active);
            o.put("by", by);
            s.send(o);
        }

        @Override
        public void bye(String reason) {
            ObjectNode o = SignalingServer.message("bye");
            o.put("reason", reason);
            s.send(o);
            s.close(reason);
        }
    }
}
