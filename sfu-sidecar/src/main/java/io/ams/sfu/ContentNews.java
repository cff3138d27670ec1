package io.ams.sfu;

import io.ams.sfu.content.ContentMessages;
import io.ams.sfu.content.ContentService;
import io.ams.sfu.content.DocumentInfo;
import io.ams.sfu.content.Presentation;
import io.ams.sfu.engine.Engines;
import io.ams.sfu.room.PeerChannel;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.room.SfuRoom;

/** Documents' news to every participant of the room, and the presented page to the room's engine. */
final class ContentNews implements ContentService.Listener, RoomRegistry.Lifecycle {
    private final RoomRegistry rooms;
    private final Engines engines;
    private final ContentService content;

    ContentNews(RoomRegistry rooms, Engines engines, ContentService content) {
        this.rooms = rooms;
        this.engines = engines;
        this.content = content;
    }

    @Override
    public void document(String room, DocumentInfo doc) {
        SfuRoom r = rooms.get(room);
        if (r != null) {
            var fields = ContentMessages.document(doc);
            for (PeerChannel c : r.channels()) {
                c.content("document", fields);
            }
        }
    }

    @Override
    public void presentation(String room, Presentation p, byte[] png) {
        engines.setContent(room, p == null ? null : png, p == null ? null : p.label());
        SfuRoom r = rooms.get(room);
        if (r != null) {
            var fields = ContentMessages.presenting(room, p);
            for (PeerChannel c : r.channels()) {
                c.content("presenting", fields);
            }
        }
    }

    @Override
    public void participantLeft(String roomId, String participantId) {
        content.participantLeft(roomId, participantId);
    }

    @Override
    public void roomClosed(String roomId) {
        content.roomClosed(roomId);
    }
}
