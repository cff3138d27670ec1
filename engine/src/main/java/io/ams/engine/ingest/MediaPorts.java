package io.ams.engine.ingest;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

    /**
     * Binds a UDP channel on the next free port of the range, with a handler from {@code handlers}.
     * A port another process holds is skipped. Each attempt gets a fresh handler: Netty adds the
     * handler to the attempt's channel before the bind can fail, and a handler that is not
     * {@code @Sharable} (a participant's ingress keeps per-stream state) cannot join a second channel.
     * Returns the channel and the handler that went with it.
     */
    public synchronized <H extends ChannelHandler> Bound<H> bind(Supplier<H> handlers) {
        if (config.anyMediaPort()) {
            H handler = handlers.get();
            ChannelFuture f = attempt(handler, 0);
            if (!f.isSuccess()) {
                throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED,
                        "cannot bind a media port on " + config.bindHost() + ": " + f.cause().getMessage());
            }
            return new Bound<>(f.channel(), handler);
        }
        int span = config.mediaPortMax() - config.mediaPortMin() + 1;
        String lastError = "";
        for (int i = 0; i < span; i++) {
            int port = cursor;
            cursor = cursor >= config.mediaPortMax() ? config.mediaPortMin() : cursor + 1;
            H handler = handlers.get();
            ChannelFuture f = attempt(handler, port);
            if (f.isSuccess()) {
                return new Bound<>(f.channel(), handler);
            }
            lastError = f.cause().getMessage();
            LOG.debug("media port {} busy: {}", port, lastError);
        }
        throw new EngineException(EngineException.Kind.RESOURCE_EXHAUSTED, "no free media port in "
                + config.mediaPortMin() + ".." + config.mediaPortMax() + " on " + config.bindHost()
                + " (last error: " + lastError + ")");
    }

    /** A bound channel and its handler. */
    public record Bound<H extends ChannelHandler>(Channel channel, H handler) {
        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }
    }

    /** One bind; a failed attempt's channel (registered, open, unbound) is closed, not leaked. */
    private ChannelFuture attempt(ChannelHandler handler, int port) {
        ChannelFuture f = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(handler)
                .bind(new InetSocketAddress(config.bindHost(), port))
                .awaitUninterruptibly();
        if (!f.isSuccess() && f.channel() != null) {
            f.channel().close().awaitUninterruptibly();
        }
        return f;
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
