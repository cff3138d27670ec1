package io.ams.sfu.metrics;

import io.ams.sfu.room.RelayTotals;
import io.ams.sfu.room.RoomRegistry;
import io.ams.sfu.signal.SignalingStats;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The sidecar's Prometheus metrics (names in docs/METRICS.md, all {@code ams_sfu_*}). Every value is
 * read at scrape time from the counters the sidecar keeps anyway: the rooms' {@link RoomRegistry#census()}
 * (taken once per scrape, not once per meter), the signaling server's {@link SignalingStats} and the
 * {@link JoinCounters}. Only the downlink estimate distribution is recorded as it happens, once per
 * receiver and room tick ({@link #recordDownlinkEstimate}). Sidecar-wide, no room label: the per-room
 * view is the control API's ({@code ams ctl sfu rooms}).
 */
public final class SidecarMetrics {
    /** Bucket bounds of the downlink estimate histogram, in bits per second. */
    static final double[] ESTIMATE_BUCKETS_BPS = {64e3, 128e3, 256e3, 500e3, 1e6, 1.5e6, 2e6, 3e6, 5e6, 8e6, 12e6, 20e6, 50e6};
    private static final long CENSUS_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final PrometheusMeterRegistry registry;
    private final Supplier<RoomRegistry.Census> census;
    private final DistributionSummary estimates;

    /** Binds the sidecar's meters to {@code registry}, which may hold other meters too (the all-in-one's engine). */
    public SidecarMetrics(PrometheusMeterRegistry registry, RoomRegistry rooms, SignalingStats signaling, JoinCounters joins) {
        this(registry, rooms, signaling, joins, new ChatCounters());
    }

    /** With the chat's counters. */
    public SidecarMetrics(PrometheusMeterRegistry registry, RoomRegistry rooms, SignalingStats signaling, JoinCounters joins,
                          ChatCounters chat) {
        this(registry, rooms::census, signaling, joins, chat, CENSUS_MAX_AGE_NANOS);
    }

    /** With its own registry. */
    public SidecarMetrics(RoomRegistry rooms, SignalingStats signaling, JoinCounters joins) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), rooms, signaling, joins);
    }

    /** @param censusMaxAgeNanos how long one census serves the meters (one scrape reads them all within it) */
    SidecarMetrics(PrometheusMeterRegistry registry, Supplier<RoomRegistry.Census> census, SignalingStats signaling,
                   JoinCounters joins, long censusMaxAgeNanos) {
        this(registry, census, signaling, joins, new ChatCounters(), censusMaxAgeNanos);
    }

    SidecarMetrics(PrometheusMeterRegistry registry, Supplier<RoomRegistry.Census> census, SignalingStats signaling,
                   JoinCounters joins, ChatCounters chat, long censusMaxAgeNanos) {
        this.registry = registry;
        this.census = new Recent<>(census, censusMaxAgeNanos);
        Gauge.builder("ams.sfu.rooms", this, m -> m.census.get().rooms()).description("rooms open").register(registry);
        Gauge.builder("ams.sfu.participants", this, m -> m.census.get().participants())
                .description("participants in all rooms").register(registry);
        Gauge.builder("ams.sfu.signaling.connections", signaling.open, AtomicLong::get)
                .description("signaling WebSockets open now").register(registry);
        stat("ams.sfu.signaling.connections.opened", signaling.connections, "signaling WebSockets opened");
        stat("ams.sfu.signaling.connections.h2", signaling.webSocketsOverH2,
                "signaling WebSockets opened on an HTTP/2 stream (RFC 8441)");
        stat("ams.sfu.signaling.messages", signaling.messagesIn, "signaling messages received");
        stat("ams.sfu.signaling.messages.bad", signaling.badMessages, "signaling messages refused as malformed");
        stat("ams.sfu.signaling.rate.limited", signaling.rateLimited, "signaling connections cut for sending too fast");
        stat("ams.sfu.ice.tcp.relayed", signaling.iceTcpRelayed, "ICE-TCP connections that arrived on the HTTP(S) port");
        Gauge.builder("ams.sfu.ice.tcp.relayed.open", signaling.iceTcpOpen, AtomicLong::get)
                .description("ICE-TCP connections relayed from the HTTP(S) port open now").register(registry);
        FunctionCounter.builder("ams.sfu.connections.refused", signaling.unknownProtocol, AtomicLong::get).tag("reason", "unknown")
                .description("connections to a port shared with ICE-TCP closed, by reason").register(registry);
        FunctionCounter.builder("ams.sfu.connections.refused", signaling.silentConnections, AtomicLong::get).tag("reason", "silent")
                .description("connections to a port shared with ICE-TCP closed, by reason").register(registry);
        FunctionCounter.builder("ams.sfu.joins", joins, JoinCounters::joins).description("joins admitted").register(registry);
        for (JoinFailureReason r : JoinFailureReason.values()) {
            ToLongFunction<RelayTotals> media = r == JoinFailureReason.ICE_FAILED ? RelayTotals::iceFailed
                    : r == JoinFailureReason.DTLS_FAILED ? RelayTotals::dtlsFailed : t -> 0;
            FunctionCounter.builder("ams.sfu.join.failures", this,
                            m -> joins.failures(r) + media.applyAsLong(m.census.get().relayed()))
                    .tag("reason", r.label()).description("joins that did not end with media flowing, by reason")
                    .register(registry);
        }
        relayed("ams.sfu.packets.received", RelayTotals::packetsIn, "datagrams received from participants");
        relayed("ams.sfu.bytes.received", RelayTotals::bytesIn, "bytes received from participants");
        relayed("ams.sfu.packets.sent", RelayTotals::packetsOut, "datagrams sent to participants");
        relayed("ams.sfu.bytes.sent", RelayTotals::bytesOut, "bytes sent to participants");
        relayed("ams.sfu.rtp.forwarded", RelayTotals::rtpForwarded, "participants' RTP relayed to other participants");
        relayed("ams.sfu.nacks.received", RelayTotals::nacksReceived, "packets participants asked again (NACK)");
        relayed("ams.sfu.retransmissions.sent", RelayTotals::retransmissions, "NACKed packets sent again from the cache");
        relayed("ams.sfu.nacks.sent", RelayTotals::nacksSent, "NACKs sent to cameras for lost packets");
        relayed("ams.sfu.plis.sent", RelayTotals::plisSent, "keyframe requests (PLI) sent to cameras");
        relayed("ams.sfu.keyframe.requests.received", RelayTotals::keyframeRequests, "PLIs and FIRs received");
        relayed("ams.sfu.mix.packets", RelayTotals::mixPackets, "packets of the engine's mix received");
        FunctionCounter.builder("ams.sfu.packets.dropped", this, m -> m.census.get().relayed().droppedIn()).tag("from", "participant")
                .description("packets dropped as bad input").register(registry);
        FunctionCounter.builder("ams.sfu.packets.dropped", this, m -> m.census.get().relayed().mixDropped()).tag("from", "engine")
                .description("packets dropped as bad input").register(registry);
        FunctionCounter.builder("ams.sfu.chat.messages", chat, ChatCounters::messages)
                .description("chat messages accepted and sent to their room").register(registry);
        for (ChatCounters.Refusal r : ChatCounters.Refusal.values()) {
            FunctionCounter.builder("ams.sfu.chat.refused", chat, c -> c.refusals(r)).tag("reason", r.label())
                    .description("chat messages refused, by reason").register(registry);
        }
        FunctionCounter.builder("ams.sfu.chat.recording.failures", chat, ChatCounters::recordingFailures)
                .description("chat lines of recorded rooms that did not reach the engine").register(registry);
        estimates = DistributionSummary.builder("ams.sfu.downlink.estimate.bps")
                .description("receivers' downlink bandwidth estimates, one sample per receiver every 100 ms")
                .serviceLevelObjectives(ESTIMATE_BUCKETS_BPS).register(registry);
    }

    private void stat(String name, AtomicLong source, String what) {
        FunctionCounter.builder(name, source, AtomicLong::get).description(what).register(registry);
    }

    private void relayed(String name, ToLongFunction<RelayTotals> field, String what) {
        FunctionCounter.builder(name, this, m -> field.applyAsLong(m.census.get().relayed())).description(what).register(registry);
    }

    /** One receiver's downlink bandwidth estimate now (the room's tick). */
    public void recordDownlinkEstimate(long bps) {
        estimates.record(bps);
    }

    /** The registry the meters are in. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of the registry now. */
    public String scrape() {
        return registry.scrape();
    }

    /** The last value of {@code source} while younger than the max age, else a fresh one. */
    private static final class Recent<T> implements Supplier<T> {
        private final Supplier<T> source;
        private final long maxAgeNanos;
        private T value; // guarded by this
        private long takenNanos;

        Recent(Supplier<T> source, long maxAgeNanos) {
            this.source = source;
            this.maxAgeNanos = maxAgeNanos;
        }

        @Override
        public synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - takenNanos >= maxAgeNanos) {
                value = source.get();
                takenNanos = now;
            }
            return value;
        }
    }
}
