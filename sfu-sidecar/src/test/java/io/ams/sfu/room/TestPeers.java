package io.ams.sfu.room;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Peers without a transport (for stages that do not send), and a channel that records what the room told them. */
final class TestPeers {
    private TestPeers() {
    }

    static final class RecordingChannel implements PeerChannel {
        final List<String> audioModes = new CopyOnWriteArrayList<>();
        final List<String> offers = new CopyOnWriteArrayList<>();
        final List<Map<String, TrackRole>> offerTracks = new CopyOnWriteArrayList<>();

        @Override
        public void offer(String sdp, Map<String, TrackRole> tracks) {
            offers.add(sdp);
            offerTracks.add(Map.copyOf(tracks));
        }

        @Override
        public void participants(List<ParticipantView> list) {
        }

        final List<String> speakers = new CopyOnWriteArrayList<>(); // "main/previous"

        @Override
        public void speaker(String main, String previous) {
            speakers.add(main + "/" + previous);
        }

        @Override
        public void mix(boolean available) {
        }

        @Override
        public void error(String code, String message) {
        }

        final List<String> byes = new CopyOnWriteArrayList<>();

        @Override
        public void bye(String reason) {
            byes.add(reason);
        }

        final List<Bandwidth> bandwidth = new CopyOnWriteArrayList<>();

        @Override
        public void bandwidth(Bandwidth b) {
            bandwidth.add(b);
        }

        @Override
        public void audioMode(String mode) {
            audioModes.add(mode);
        }
    }

    static Peer peer(String id) {
        return new Peer(id, id, new RecordingChannel(), null, 1, SfuRoom.randomSsrc(), SfuRoom.randomSsrc(), SfuRoom.randomSsrc(),
                ssrc -> { }, ssrc -> { });
    }

    static RecordingChannel channel(Peer p) {
        return (RecordingChannel) p.channel;
    }
}
