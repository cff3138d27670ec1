package io.ams.sfu.room;

import static io.ams.sfu.room.StagePackets.opus;
import static io.ams.sfu.room.StagePackets.parse;
import static io.ams.sfu.room.StagePackets.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.ams.rtp.RtpPacket;
import io.ams.sfu.sdp.OfferBuilder;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The microphone path alone: levels for speaker detection, the engine's copy, forwarding into audio slots. */
class AudioReceiverTest {
    private static final long MIC = 0x7000_0001L;
    private static final int LEVEL = OfferBuilder.EXT_AUDIO_LEVEL;
    private static final InetSocketAddress ENGINE = new InetSocketAddress("127.0.0.1", 40002);

    private final Peer a = StagePackets.peer("a");
    private final Peer b = StagePackets.peer("b");
    private final Peer c = StagePackets.peer("c");
    private final List<int[]> levels = new ArrayList<>(); // {level, voice}
    private final List<byte[]> toEngine = new ArrayList<>();
    private InetSocketAddress engineRoute = ENGINE;
    private AudioReceiver mic;

    @BeforeEach
    void setUp() {
        a.micSsrc = MIC;
        a.audioLevelExtId = LEVEL;
        for (Peer q : new Peer[] {b, c}) {
            q.audioSlots.add(new Peer.AudioSlot("4", SfuRoom.randomSsrc(), "a"));
            q.publishSlots();
        }
        mic = new AudioReceiver(a, new AudioReceiver.Room() {
            @Override
            public Peer[] peers() {
                return new Peer[] {a, b, c};
            }

            @Override
            public void onAudioLevel(Peer p, int level, boolean voice, long nowMillis) {
                assertThat(p).isSameAs(a);
                levels.add(new int[] {level, voice ? 1 : 0});
            }

            @Override
            public InetSocketAddress engineRoute(Peer p) {
                return engineRoute;
            }

            @Override
            public void sendToEngine(DatagramPacket dp) {
                toEngine.add(Arrays.copyOfRange(dp.getData(), dp.getOffset(), dp.getOffset() + dp.getLength()));
            }
        });
    }

    private void receive(byte[] packet) {
        mic.onPacket(parse(packet), packet, 0, packet.length);
    }

    @Test
    void forwardedIntoEachNegotiatedSlotWithTheSlotsSsrcAndNoExtensions() {
        b.audioSlotFor("a").negotiated = true; // c has not answered the offer with a's slot yet

        receive(opus(MIC, 1, 960, LEVEL, 30, true));
        receive(opus(MIC, 2, 1920, LEVEL, 30, true));

        List<RtpPacket> toB = sent(b).rtpPackets();
        assertThat(toB).hasSize(2).allSatisfy(p -> {
            assertThat(p.ssrc()).isEqualTo(b.audioSlotFor("a").ssrc);
            assertThat(p.payloadType()).isEqualTo(OfferBuilder.OPUS_PT);
        });
        assertThat(sent(b).rtp.get(0)[0] & 0x10).as("extensions stripped").isZero();
        assertThat(sent(c).rtp).as("no slot negotiated yet").isEmpty();
        assertThat(sent(a).rtp).isEmpty();
        assertThat(a.forwarded.get()).isEqualTo(2);
    }

    @Test
    void theEngineGetsThePacketAsItCameWithItsLevel() {
        byte[] packet = opus(MIC, 1, 960, LEVEL, 20, true);
        receive(packet);
        engineRoute = null; // the engine does not have this participant (any more)
        receive(opus(MIC, 2, 1920, LEVEL, 20, true));

        assertThat(toEngine).singleElement().isEqualTo(packet);
        assertThat(a.audioToEngine.get()).isEqualTo(1);
    }

    @Test
    void levelsFeedTheSpeakerSelectorAndOnlyLoudVoiceCountsAsSpeaking() {
        receive(opus(MIC, 1, 960, LEVEL, 90, false)); // silence
        assertThat(a.lastVoiceMillis).isZero();
        receive(opus(MIC, 2, 1920, LEVEL, 70, true)); // voice, but quieter than -50 dBov
        assertThat(a.lastVoiceMillis).isZero();
        receive(opus(MIC, 3, 2880, LEVEL, 25, true));
        assertThat(a.lastVoiceMillis).isPositive();

        assertThat(levels).extracting(l -> l[0]).containsExactly(90, 70, 25);
        assertThat(levels).extracting(l -> l[1]).containsExactly(0, 1, 1);
    }

    @Test
    void receiversOnMixedAudioGetNoForwardedCopy() {
        b.audioSlotFor("a").negotiated = true;
        c.audioSlotFor("a").negotiated = true;
        c.mixedAudio = new MixedAudio(SfuRoom.randomSsrc(), 0);
        c.mixedAudio.deliver(true);
        c.mixedAudio.onEnginePacket(parse(opus(0x7777L, 1, 960, 0, 0, false)), System.nanoTime(), new byte[2048]);

        receive(opus(MIC, 1, 960, LEVEL, 30, true));

        assertThat(sent(b).rtp).hasSize(1);
        assertThat(sent(c).rtp).isEmpty();
    }

    @Test
    void aBrokenExtensionBlockIsCountedAndTheRoomGoesOn() {
        b.audioSlotFor("a").negotiated = true;
        byte[] bad = opus(MIC, 1, 960, LEVEL, 30, true);
        bad[16] = (byte) (LEVEL << 4 | 3); // the level element claims 4 bytes in a block of one word: it runs past it
        RtpPacket pkt = parse(bad); // the RTP header itself is fine
        mic.onPacket(pkt, bad, 0, bad.length);
        receive(opus(MIC, 2, 1920, LEVEL, 30, true));

        assertThat(a.rtpDropped.get()).isEqualTo(1);
        assertThat(sent(b).rtp).hasSize(1);
    }
}
