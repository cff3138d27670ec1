package io.ams.engine.audio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.stats.BurstLog;
import io.ams.engine.stats.LatencyRecorder;
import io.ams.proto.v1.AudioMixStats;
import io.ams.rtp.RtpHeaderWriter;

/**
 * A room's audio mix (mix-minus): every 20 ms on the audio clock, one frame from each participant's
 * {@link AudioSource}, the {@link MixMinus} of the loudest voices, one Opus encode of the shared mix
 * and one per mixed speaker (their mix without their own voice), then one RTP packet per
 * participant, each participant on an RTP stream of its own ({@link #add} gives its SSRC) carrying
 * their mix-minus while they are a mixed speaker and the shared mix otherwise. So a room of any
 * size costs {@code speakers + 1} encodes per frame.
 *
 * <p>Control methods are synchronized; a frame runs on a clock thread under its own lock (frames
 * of one room never overlap, and nothing a frame uses is freed while it runs) and reads a
 * copy-on-write view of the participants. A frame never throws: a failed
 * encode or send is counted and logged once per burst.
 */
public final class RoomAudioMix implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoomAudioMix.class);
    static final long FRAME_NANOS = 20_000_000L;
    public static final int DEFAULT_SPEAKERS = 3;
    public static final int DEFAULT_BITRATE_KBPS = 32;
    public static final int DEFAULT_PAYLOAD_TYPE = 111;

    /**
     * Takes every encoded packet of the shared mix (a recording): {@code heardNanos} is when its sound
     * reached the engine (the frame's time less the jitter buffer's delay, smoothed); false: done, remove me.
     */
    public interface Tap {
        boolean accept(byte[] opus, long heardNanos);
    }

    /** Where the room's mixed audio goes and how it is made. */
    public record Settings(InetSocketAddress target, int payloadType, int bitrateKbps, int speakers) {
    }

    /** One participant's outgoing mixed stream (and, if they send audio, their source). */
    private static final class Stream {
        final String id;
        final long ssrc;
        final long tsOffset;
        final AudioSource source; // null: sends no audio, only listens
        int sequence;

        Stream(String id, long ssrc, long tsOffset, int sequence, AudioSource source) {
            this.id = id;
            this.ssrc = ssrc;
            this.tsOffset = tsOffset;
            this.sequence = sequence;
            this.source = source;
        }
    }

    private final String roomId;
    private final ScheduledExecutorService clock;  // passed in: shared by the engine's rooms
    private final DatagramChannel channel;          // passed in: the main output's, so receivers see one sender
    private final Random random;
    private final Map<String, Stream> streams = new LinkedHashMap<>();       // guarded by this
    private volatile List<Stream> view = List.of();
    private volatile Settings settings;
    private final java.util.concurrent.CopyOnWriteArrayList<Tap> taps = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Mixing for taps alone (no destination): the defaults. */
    private static final Settings TAPS_ONLY = new Settings(null, DEFAULT_PAYLOAD_TYPE, DEFAULT_BITRATE_KBPS, DEFAULT_SPEAKERS);
    private ScheduledFuture<?> ticking;             // guarded by this
    /** Held by a frame, and by whoever frees what a frame uses (control threads): they never overlap. */
    private final Object frameLock = new Object();
    // the frame's (under frameLock)
    private Settings built;
    private MixMinus mixer;
    private OpusEncoder sharedEncoder;
    private final Map<String, OpusEncoder> minusEncoders = new HashMap<>();
    private List<String> speakers = List.of();
    private long frameIndex;
    private long firstTickNanos;      // of this run of the clock
    private long ticksThisRun;        // frames since then (frameIndex, for RTP timestamps, never restarts)
    private double pathDelayNanos;    // smoothed: a frame's time minus the arrival of the packets in it
    private final byte[] header = new byte[12];
    private final ByteBuffer out = ByteBuffer.allocate(1600);
    private final BurstLog errorLog = new BurstLog(LOG, 5000);
    // stats
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong lateTicks = new AtomicLong();
    private final AtomicLong encodes = new AtomicLong();
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong frameNanosTotal = new AtomicLong();
    private final LatencyRecorder latency = new LatencyRecorder();
    private volatile List<String> speakersView = List.of();
    private boolean closed; // under frameLock

    public RoomAudioMix(String roomId, ScheduledExecutorService clock, DatagramChannel channel, Random random) {
        this.roomId = roomId;
        this.clock = clock;
        this.channel = channel;
        this.random = random;
    }

    /** Adds a participant (source null: one who sends no audio); returns the SSRC of their mixed stream. */
    public synchronized long add(String participantId, AudioSource source) {
        if (streams.containsKey(participantId)) {
            throw new IllegalStateException("participant " + participantId + " is in the audio mix already");
        }
        long ssrc;
        do {
            ssrc = random.nextInt() & 0xffffffffL;
        } while (ssrc == 0 || ssrcTaken(ssrc));
        streams.put(participantId, new Stream(participantId, ssrc, random.nextInt() & 0xffffffffL,
                random.nextInt(1 << 16), source));
        view = List.copyOf(streams.values());
        return ssrc;
    }

    private boolean ssrcTaken(long ssrc) {
        for (Stream s : streams.values()) {
            if (s.ssrc == ssrc) {
                return true;
            }
        }
        return false;
    }

    /** Removes a participant and closes their source (after a frame that may be using it). */
    public synchronized void remove(String participantId) {
        Stream s = streams.remove(participantId);
        view = List.copyOf(streams.values());
        if (s != null && s.source != null) {
            synchronized (frameLock) {
                s.source.close();
            }
        }
    }

    /** The SSRC of a participant's mixed stream, or -1. */
    public synchronized long ssrcOf(String participantId) {
        Stream s = streams.get(participantId);
        return s == null ? -1 : s.ssrc;
    }

    /** Starts sending to {@code s.target()}, changes the settings, or (null) stops. */
    public synchronized void configure(Settings s) {
        settings = s;
        if (s != null) {
            LOG.info("room {}: mixed audio to {} (pt {}, {} kbps, {} speakers)", roomId, s.target(), s.payloadType(),
                    s.bitrateKbps(), s.speakers());
        } else {
            LOG.info("room {}: mixed audio to receivers stopped{}", roomId, taps.isEmpty() ? "" : " (recordings go on)");
        }
        updateClock();
    }

    /** Mixes for {@code tap} too (until it returns false), with or without a destination. */
    public synchronized void addTap(Tap tap) {
        taps.add(tap);
        updateClock();
    }

    public synchronized void removeTap(Tap tap) {
        taps.remove(tap);
        updateClock();
    }

    /** The clock runs while anyone takes the mix: a destination or a tap. */
    private void updateClock() {
        boolean wanted = settings != null || !taps.isEmpty();
        if (wanted && ticking == null) {
            synchronized (frameLock) {
                firstTickNanos = 0;
                ticksThisRun = 0;
            }
            ticking = clock.scheduleAtFixedRate(this::tick, 0, FRAME_NANOS, TimeUnit.NANOSECONDS);
        } else if (!wanted && ticking != null) {
            ticking.cancel(false);
            ticking = null;
            synchronized (frameLock) {
                releaseCodecs();
            }
        }
    }

    public Settings settings() {
        return settings;
    }

    private void tick() {
        long start = System.nanoTime();
        if (firstTickNanos == 0) {
            firstTickNanos = start;
        }
        synchronized (frameLock) {
            try {
                frame(start);
            } catch (RuntimeException e) {
                errorLog.warn("room {}: audio frame failed: {}", roomId, e.toString());
            }
        }
        long end = System.nanoTime();
        if (end - (firstTickNanos + ticksThisRun * FRAME_NANOS) > FRAME_NANOS) {
            lateTicks.incrementAndGet();
        }
        frameNanosTotal.addAndGet(end - start);
    }

    private void frame(long now) {
        Settings wanted = settings;
        Settings s = wanted != null ? wanted : taps.isEmpty() ? null : TAPS_ONLY;
        if (s == null || closed) {
            if (built != null) {
                releaseCodecs(); // the last tap went: idle until someone takes the mix again
            }
            return;
        }
        long frameNanos = firstTickNanos + ticksThisRun * FRAME_NANOS; // the frame's place on the wall clock
        if (built != s) {
            rebuild(s);
        }
        List<Stream> all = view;
        Map<String, float[]> inputs = new LinkedHashMap<>();
        List<Long> arrivals = new ArrayList<>(4);
        for (Stream st : all) {
            if (st.source != null) {
                float[] f = st.source.nextFrame(now, speakers.contains(st.id));
                inputs.put(st.id, f);
                long arrival = st.source.frameArrivalNanos();
                if (f != null && arrival != 0) {
                    arrivals.add(arrival);
                }
            }
        }
        MixMinus.Result r = mixer.mix(inputs);
        speakers = r.speakers();
        speakersView = speakers;
        byte[] shared = encode(sharedEncoder, r.shared());
        Map<String, byte[]> minus = new HashMap<>();
        for (String id : speakers) {
            OpusEncoder enc = minusEncoders.computeIfAbsent(id, k -> new OpusEncoder(s.bitrateKbps() * 1000));
            minus.put(id, encode(enc, r.minus().get(id)));
        }
        for (Iterator<Map.Entry<String, OpusEncoder>> it = minusEncoders.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, OpusEncoder> e = it.next();
            if (!speakers.contains(e.getKey())) {
                e.getValue().close();
                it.remove();
            }
        }
        long ts = frameIndex * MixMinus.FRAME;
        if (wanted != null) {
            for (Stream st : all) {
                byte[] payload = minus.getOrDefault(st.id, shared);
                if (payload != null) {
                    send(s, st, ts, payload);
                }
            }
        }
        if (!arrivals.isEmpty()) {
            double mean = 0;
            for (long a : arrivals) {
                mean += (double) (frameNanos - a) / arrivals.size();
            }
            pathDelayNanos = pathDelayNanos == 0 ? mean : pathDelayNanos + 0.05 * (mean - pathDelayNanos);
        }
        // a recording places the audio where its packets arrived, as the video is placed by its frames'
        // arrival (decoded at once, composed at the next tick): the jitter buffer's delay is taken out
        long heardNanos = frameNanos - (long) pathDelayNanos;
        if (shared != null) {
            for (Tap tap : taps) {
                if (!tap.accept(shared, heardNanos)) {
                    taps.remove(tap); // the clock stops at the next control call if nobody is left
                }
            }
        }
        long sent = System.nanoTime();
        for (long a : arrivals) {
            latency.recordNanos(sent - a);
        }
        frameIndex++;
        ticksThisRun++;
        frames.incrementAndGet();
    }

    private byte[] encode(OpusEncoder enc, float[] samples) {
        try {
            List<byte[]> packets = enc.encode(samples);
            encodes.incrementAndGet();
            return packets.isEmpty() ? null : packets.get(packets.size() - 1);
        } catch (RuntimeException e) {
            errorLog.warn("room {}: Opus encode failed: {}", roomId, e.toString());
            return null;
        }
    }

    private void send(Settings s, Stream st, long frameTs, byte[] payload) {
        RtpHeaderWriter.write(header, 0, false, s.payloadType(), st.sequence, (frameTs + st.tsOffset) & 0xffffffffL,
                st.ssrc);
        st.sequence = (st.sequence + 1) & 0xffff;
        out.clear();
        out.put(header).put(payload).flip();
        int n = out.remaining();
        try {
            channel.send(out, s.target());
            packetsSent.incrementAndGet();
            bytesSent.addAndGet(n);
        } catch (IOException | RuntimeException e) {
            sendErrors.incrementAndGet();
            errorLog.warn("room {}: mixed audio to {} not sent: {}", roomId, s.target(), e.toString());
        }
    }

    /** New settings: a mixer for the speaker count, encoders at the bitrate (clock thread). */
    private void rebuild(Settings s) {
        if (built == null || built.speakers() != s.speakers()) {
            mixer = new MixMinus(s.speakers());
            speakers = List.of();
        }
        if (built == null || built.bitrateKbps() != s.bitrateKbps()) {
            releaseEncoders();
            sharedEncoder = new OpusEncoder(s.bitrateKbps() * 1000);
        }
        built = s;
    }

    private void releaseEncoders() {
        if (sharedEncoder != null) {
            sharedEncoder.close();
            sharedEncoder = null;
        }
        minusEncoders.values().forEach(OpusEncoder::close);
        minusEncoders.clear();
    }

    /** Clock thread, after the last frame. */
    private void releaseCodecs() {
        for (Stream st : view) {
            if (st.source != null) {
                st.source.idle();
            }
        }
        releaseEncoders();
        built = null;
        mixer = null;
        speakers = List.of();
        speakersView = List.of();
    }

    /** The voices mixed now, loudest first. */
    public List<String> speakers() {
        return speakersView;
    }

    public AudioMixStats stats() {
        long f = frames.get();
        return AudioMixStats.newBuilder().setActive(settings != null || !taps.isEmpty()).addAllSpeakers(speakersView).setFrames(f)
                .setLateTicks(lateTicks.get()).setEncodes(encodes.get()).setPacketsSent(packetsSent.get())
                .setBytesSent(bytesSent.get()).setSendErrors(sendErrors.get())
                .setFrameMsAvg(f == 0 ? 0 : frameNanosTotal.get() / 1e6 / f).setLatencyMs(latency.toProto()).build();
    }

    /** Stops the clock and frees every encoder; the sources are closed too. */
    @Override
    public void close() {
        List<Stream> all;
        synchronized (this) {
            taps.clear();
            if (ticking != null) {
                ticking.cancel(false);
                ticking = null;
            }
            settings = null;
            all = List.copyOf(streams.values());
            streams.clear();
            view = List.of();
        }
        synchronized (frameLock) { // a frame still running finishes first
            closed = true;
            releaseCodecs();
            for (Stream st : all) {
                if (st.source != null) {
                    st.source.close();
                }
            }
        }
    }
}
