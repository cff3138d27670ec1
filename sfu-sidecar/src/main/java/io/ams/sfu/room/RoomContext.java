package io.ams.sfu.room;

import io.ams.sfu.engine.Engines;
import io.ams.sfu.engine.MixSettings;
import io.ams.sfu.ice.IceServers;
import io.ams.sfu.transport.MediaPort;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;

/**
 * What every room shares: the one media port, the engine link, the socket that carries plain RTP to
 * the engine, the timer thread, and the limits.
 *
 * @param mixBindAddress where rooms open the UDP socket the engine sends the mix to (the engine must reach it)
 * @param maxParticipants participants per room; a join beyond it gets room_full
 * @param mix             the engine's mix (its layout decides the size each camera needs)
 * @param simulcast       whether browsers are asked for simulcast layers of their camera
 * @param p2p             whether and how rooms of two go peer to peer
 * @param iceServers      the STUN/TURN servers each participant's P2P connection is given (with its own credentials)
 * @param downlinkEstimates gets each receiver's downlink bandwidth estimate (bps) every tick (metrics)
 */
public record RoomContext(MediaPort mediaPort, Engines engine, DatagramSocket engineOut, ScheduledExecutorService timer,
                          InetAddress mixBindAddress, int maxParticipants, MixSettings mix, boolean simulcast,
                          P2pSettings p2p, IceServers iceServers, LongConsumer downlinkEstimates) {
    public RoomContext {
        iceServers = iceServers == null ? IceServers.none() : iceServers;
        downlinkEstimates = downlinkEstimates == null ? bps -> { } : downlinkEstimates;
    }

    /** Without a consumer of the bandwidth estimates. */
    public RoomContext(MediaPort mediaPort, Engines engine, DatagramSocket engineOut, ScheduledExecutorService timer,
                       InetAddress mixBindAddress, int maxParticipants, MixSettings mix, boolean simulcast, P2pSettings p2p,
                       IceServers iceServers) {
        this(mediaPort, engine, engineOut, timer, mixBindAddress, maxParticipants, mix, simulcast, p2p, iceServers, null);
    }

    /** Without ICE servers and without a consumer of the bandwidth estimates. */
    public RoomContext(MediaPort mediaPort, Engines engine, DatagramSocket engineOut, ScheduledExecutorService timer,
                       InetAddress mixBindAddress, int maxParticipants, MixSettings mix, boolean simulcast, P2pSettings p2p) {
        this(mediaPort, engine, engineOut, timer, mixBindAddress, maxParticipants, mix, simulcast, p2p, IceServers.none(), null);
    }

    /** Without peer-to-peer calls. */
    public RoomContext(MediaPort mediaPort, Engines engine, DatagramSocket engineOut, ScheduledExecutorService timer,
                       InetAddress mixBindAddress, int maxParticipants, MixSettings mix, boolean simulcast) {
        this(mediaPort, engine, engineOut, timer, mixBindAddress, maxParticipants, mix, simulcast, P2pSettings.off(), IceServers.none(), null);
    }
}
