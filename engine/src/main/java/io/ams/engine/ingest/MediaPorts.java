package io.ams.engine.ingest;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineConfig;
import io.ams.engine.EngineException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The engine's UDP media ports: one event-loop group for every participant's ingress and the
 * allocation of ports from the configured range. Participants' channels are spread over the
 * group's threads; each participant's packets are handled (parsed, depacketized, decoded) on
 * its channel's thread, so one participant is processed in order and many in parallel.
 */
public final class MediaPorts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MediaPorts.class);
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final EngineConfig config;
    private final EventLoopGroup group;   // owned: shut down in close()
    private int cursor;

    public MediaPorts(EngineConfig config) {
        this.config = config;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.group = new MultiThreadIoEventLoopGroup(threads, new MediaThreadFactory(),
                NioIoHandler.newFactory());
        this.cursor = config.mediaPortMin();
    }

    /** Binds a UDP channel with {@code handler} on the next free port of the range. */
    public synchronized Channel bind(ChannelHandler handler) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(handler);
        if (config.anyMediaPort()) {
            return bindOrThrow(b, 0);
        }
        int span = config.mediaPortMax() - config.mediaPortMin() + 1;
        for (int i = 0; i < span; i++) {
            int port = cursor;
            cursor = cursor >= config.mediaPortMax() ? config.mediaPortMin() : cursor + 1;
            ChannelFuture f = b.bind(new InetSocketAddress(config.bindHost(), port)).awaitUninterruptibly();
            if (f.isSuccess()) {
                return f.channel();
            }
            LOG.debug("media port {} busy: {}", port, f.cause().getMessage());
        }
        throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "no free media port in "
                + config.mediaPortMin() + ".." + config.mediaPortMax());
    }

    private Channel bindOrThrow(Bootstrap b, int port) {
        ChannelFuture f = b.bind(new InetSocketAddress(config.bindHost(), port)).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED,
                    "cannot bind a media port on " + config.bindHost() + ": " + f.cause().getMessage());
        }
        return f.channel();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static final class MediaThreadFactory implements java.util.concurrent.ThreadFactory {
        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "ams-media-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
