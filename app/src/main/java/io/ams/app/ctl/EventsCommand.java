package io.ams.app.ctl;

import java.util.Iterator;

import io.ams.proto.v1.Event;
import io.ams.proto.v1.StreamEventsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ams ctl events}: StreamEvents, one line per event until the stream ends or Ctrl-C. */
@Command(name = "events", description = "Print the engine's events as they happen (Ctrl-C to stop).")
final class EventsCommand extends CtlSubcommand {
    @Option(names = "--room", paramLabel = "ROOM", description = "Only this room's events (default: every room).")
    String roomId;

    @Override
    protected void run(MixerConnection mixer) {
        StreamEventsRequest.Builder request = StreamEventsRequest.newBuilder();
        if (roomId != null) {
            request.setRoomId(roomId);
        }
        Iterator<Event> events = mixer.streaming().streamEvents(request.build());
        while (events.hasNext()) {
            Event event = events.next();
            print(event, () -> out().println(Render.event(event)));
            out().flush();
        }
    }
}
