package io.ams.engine.room;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.proto.v1.Event;

/**
 * Engine events (ams.v1.Event) to any number of subscribers. Publishing never blocks the media
 * path on a subscriber: subscribers must hand events off quickly (the gRPC layer queues them).
 */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    /** A subscriber: receives every event of {@code roomId} (all rooms when empty). */
    public record Subscription(String roomId, Consumer<Event> consumer) {
    }

    private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();

    public Subscription subscribe(String roomId, Consumer<Event> consumer) {
        Subscription s = new Subscription(roomId == null ? "" : roomId, consumer);
        subscribers.add(s);
        return s;
    }

    public void unsubscribe(Subscription s) {
        subscribers.remove(s);
    }

    public void publish(Event.Builder event) {
        Event e = event.setTimestampMs(System.currentTimeMillis()).build();
        for (Subscription s : subscribers) {
            if (s.roomId().isEmpty() || s.roomId().equals(e.getRoomId())) {
                try {
                    s.consumer().accept(e);
                } catch (RuntimeException ex) {
                    LOG.warn("event subscriber failed, removing it: {}", ex.toString());
                    subscribers.remove(s);
                }
            }
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
