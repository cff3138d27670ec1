package io.ams.sfu.signal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ICE-TCP connection that arrived on the HTTP(S) port, relayed byte for byte to the media port's ICE-TCP
 * listener on loopback ({@code target}), which routes it to its peer's ICE agent by the ufrag of the first STUN
 * request as for a connection of its own. Runs on the connection's event loop; the loopback connection is made on
 * the same loop. One read at a time each way: the next read waits until the last write has left, so a side that
 * does not read stops the other instead of filling our memory. Either side closing closes the other, after what
 * was already read has been written; {@link SignalingStats#iceTcpOpen} counts the relays alive.
 */
final class IceTcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IceTcpRelay.class);

    private final InetSocketAddress target;
    private final SignalingStats stats;
    private final Queue<Object> early = new ArrayDeque<>();
    private Channel inbound;
    private Channel outbound;

    IceTcpRelay(InetSocketAddress target, SignalingStats stats) {
        this.target = target;
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        inbound = ctx.channel();
        inbound.config().setAutoRead(false);
        stats.iceTcpOpen.incrementAndGet();
        inbound.closeFuture().addListener(f -> stats.iceTcpOpen.decrementAndGet());
        new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false).option(ChannelOption.TCP_NODELAY, true)
                .handler(new Back(inbound))
                .connect(target).addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        LOG.warn("ICE-TCP from {}: cannot reach the ICE-TCP listener at {}: {}", inbound.remoteAddress(),
                                target, f.cause().toString());
                        drop();
                        inbound.close();
                        return;
                    }
                    outbound = f.channel();
                    LOG.debug("ICE-TCP from {} relayed as {}", inbound.remoteAddress(), outbound.localAddress());
                    if (!inbound.isActive()) {
                        outbound.close();
                        return;
                    }
                    Object m;
                    while ((m = early.poll()) != null) {
                        outbound.write(m);
                    }
                    outbound.flush();
                    inbound.read();
                    outbound.read();
                });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (outbound == null) {
            early.add(msg); // the sniffed bytes and a read already under way, before the loopback connection is up
            return;
        }
        outbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                inbound.read();
            } else {
                f.channel().close();
                inbound.close();
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        drop();
        if (outbound != null) {
            closeAfterFlush(outbound);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("ICE-TCP from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void drop() {
        Object m;
        while ((m = early.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    /** The loopback side: what ice4j sends goes back to the browser. */
    private static final class Back extends ChannelInboundHandlerAdapter {
        private final Channel inbound;

        Back(Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeAfterFlush(inbound);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("ICE-TCP relay to {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
