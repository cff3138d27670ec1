package io.ams.sfu.signal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection to an HTTP(S) port that also carries ICE-TCP ({@code --ice-tcp-port https}):
 * looks at the first bytes and either sets up the web pipeline ({@code web} adds its handlers, then the bytes go
 * on to them) or hands the connection to {@link IceTcpRelay}. What it tells apart:
 * <ul>
 *   <li>TLS (HTTPS port): a handshake record, {@code 0x16 0x03};</li>
 *   <li>plain HTTP (HTTP port): an ASCII capital, the first letter of a method;</li>
 *   <li>ICE-TCP (RFC 6544, RFC 4571 framing): a 2-byte big-endian length, then a STUN message (RFC 5389) whose first
 *       two bits are 0, whose own length is the frame's minus its 20-byte header and a multiple of 4, and whose
 *       magic cookie 0x2112A442 sits at offset 2 + 4. A STUN message starting with 0x16 would be over 5 KiB, one
 *       starting with a capital over 16 KiB: no first byte is ambiguous.</li>
 * </ul>
 * Anything else is closed and counted ({@link SignalingStats#unknownProtocol}, logged once per server); so is a
 * connection that sends nothing for {@code silentMillis} ({@link SignalingStats#silentConnections}).
 */
final class PortSniffer extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(PortSniffer.class);
    /** Bytes needed to recognise ICE-TCP: frame length, STUN type, STUN length, magic cookie. */
    static final int ICE_TCP_PREFIX = 10;
    static final int STUN_MAGIC = 0x2112A442;

    /** What the first bytes are. */
    enum Kind { WEB, ICE_TCP, UNKNOWN, MORE }

    private final boolean tls;
    private final Consumer<Channel> web;
    private final InetSocketAddress iceTcpTarget;
    private final SignalingStats stats;
    private final AtomicBoolean unknownLogged;
    private final long silentMillis;
    private ScheduledFuture<?> silence;

    /**
     * @param unknownLogged shared by the server's connections: the first unknown protocol is logged, later ones only counted
     */
    PortSniffer(boolean tls, Consumer<Channel> web, InetSocketAddress iceTcpTarget, SignalingStats stats,
                AtomicBoolean unknownLogged, long silentMillis) {
        this.tls = tls;
        this.web = web;
        this.iceTcpTarget = iceTcpTarget;
        this.stats = stats;
        this.unknownLogged = unknownLogged;
        this.silentMillis = silentMillis;
    }

    /** Classifies the first bytes of a connection ({@code in} from its reader index), MORE while they do not tell yet. */
    static Kind classify(ByteBuf in, boolean tls) {
        int n = in.readableBytes();
        if (n == 0) {
            return Kind.MORE;
        }
        int at = in.readerIndex();
        int b0 = in.getUnsignedByte(at);
        if (tls && b0 == 0x16) {
            return n < 2 ? Kind.MORE : in.getUnsignedByte(at + 1) == 0x03 ? Kind.WEB : Kind.UNKNOWN;
        }
        if (!tls && b0 >= 'A' && b0 <= 'Z') {
            return Kind.WEB;
        }
        if (b0 >= 0x16) {
            return Kind.UNKNOWN;
        }
        if (n < 3) {
            return Kind.MORE;
        }
        if ((in.getUnsignedByte(at + 2) & 0xC0) != 0) {
            return Kind.UNKNOWN;
        }
        if (n < ICE_TCP_PREFIX) {
            return Kind.MORE;
        }
        int frame = in.getUnsignedShort(at);
        int stunLength = in.getUnsignedShort(at + 4);
        boolean stun = in.getInt(at + 6) == STUN_MAGIC && frame == 20 + stunLength && stunLength % 4 == 0;
        return stun ? Kind.ICE_TCP : Kind.UNKNOWN;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        silence = ctx.executor().schedule(() -> {
            stats.silentConnections.incrementAndGet();
            LOG.debug("{} sent nothing for {} ms: closed", ctx.channel().remoteAddress(), silentMillis);
            ctx.close();
        }, silentMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        silence.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        silence.cancel(false); // the client went away before saying anything: not a silent connection of ours to cut
        super.channelInactive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Kind kind = classify(in, tls);
        switch (kind) {
            case MORE -> {
                return;
            }
            case WEB -> web.accept(ctx.channel());
            case ICE_TCP -> {
                stats.iceTcpRelayed.incrementAndGet();
                ctx.pipeline().addAfter(ctx.name(), "ice-tcp", new IceTcpRelay(iceTcpTarget, stats));
            }
            case UNKNOWN -> {
                stats.unknownProtocol.incrementAndGet();
                String first = ByteBufUtil.hexDump(in, in.readerIndex(), Math.min(in.readableBytes(), 8));
                if (unknownLogged.compareAndSet(false, true)) {
                    LOG.warn("{} on the {} port began with {}: neither {} nor ICE-TCP; closed (later ones only counted, "
                            + "ams_sfu_connections_refused_total)", ctx.channel().remoteAddress(), tls ? "HTTPS" : "HTTP",
                            first, tls ? "TLS" : "HTTP");
                } else {
                    LOG.debug("{} began with {}: closed", ctx.channel().remoteAddress(), first);
                }
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        ctx.pipeline().remove(this); // what was read so far goes on to the handlers just added
    }
}
