package io.ams.sfu.mqtt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MQTT topic tree of the signaling (docs/SIGNALING.md "MQTT"), under a prefix ({@code --mqtt-prefix}, default
 * {@code ams}): a client publishes to {@code PREFIX/rooms/ROOM/participants/CLIENT/in} and reads
 * {@code .../CLIENT/out}; room events go to {@code PREFIX/rooms/ROOM/events}. CLIENT is the client's MQTT client id,
 * so a broker ACL ({@code pattern write ams/rooms/+/participants/%c/in}) lets each client publish only as itself.
 */
public final class MqttTopics {
    /** What room ids and client ids may be: the room ids of the signaling, and MQTT-safe client ids. */
    private static final String ID = "[A-Za-z0-9._-]{1,64}";
    private final String prefix;
    private final Pattern in;

    public MqttTopics(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")) {
            throw new IllegalArgumentException("--mqtt-prefix '" + prefix + "' must be topic levels of A-Z a-z 0-9 . _ -");
        }
        this.prefix = prefix;
        this.in = Pattern.compile(Pattern.quote(prefix) + "/rooms/(" + ID + ")/participants/(" + ID + ")/in");
    }

    /** The subscription that receives every client's messages. */
    public String allIn() {
        return prefix + "/rooms/+/participants/+/in";
    }

    public String in(String room, String client) {
        return prefix + "/rooms/" + room + "/participants/" + client + "/in";
    }

    public String out(String room, String client) {
        return prefix + "/rooms/" + room + "/participants/" + client + "/out";
    }

    public String events(String room) {
        return prefix + "/rooms/" + room + "/events";
    }

    /** A client's inbound topic parsed: (room, client); null for any other topic. */
    public Address parseIn(String topic) {
        Matcher m = in.matcher(topic);
        return m.matches() ? new Address(m.group(1), m.group(2)) : null;
    }

    public record Address(String room, String client) {
        String key() {
            return room + "/" + client;
        }
    }
}
