package io.ams.sfu.signal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 on the HTTPS port: TLS offers {@code h2} and {@code http/1.1} by ALPN; a client that picks h2 gets
 * Netty's HTTP/2 codec, each stream a child channel whose frames {@link Http2StreamFrameToHttpObjectCodec}
 * turns into the same full HTTP requests and responses the HTTP/1.1 pipeline has, so one handler serves the
 * page, its files and /healthz over both. The signaling WebSocket, when offered on h2, is RFC 8441's extended
 * CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL announced; {@link Http2WebSocket}): a browser that supports it
 * opens the WebSocket as one more stream of the connection the page came over; one that does not opens it
 * on a separate HTTP/1.1 connection to the same port (ALPN http/1.1), as before. Plain HTTP (no TLS) stays
 * HTTP/1.1 only: browsers do not speak h2c, and there is no ALPN to choose with.
 *
 * <p>Bounds for untrusted input on h2: at most {@link #MAX_STREAMS} concurrent streams per connection,
 * request headers up to {@link #MAX_HEADER_LIST} bytes, a request body up to the same aggregate limit as on
 * HTTP/1.1; Netty refuses a flood of stream resets (CVE-2023-44487) itself.
 */
final class Http2Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Http2Pipeline.class);
    static final int MAX_STREAMS = 100;
    static final int MAX_HEADER_LIST = 16 * 1024;

    private Http2Pipeline() {
    }

    /** The server's TLS context from PEM files, offering h2 then http/1.1 by ALPN. */
    static SslContext serverContext(Path cert, Path key) throws SSLException {
        return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                // h2 forbids the ciphers RFC 7540 appendix A lists; keep those an h2 client may use
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /**
     * Adds TLS to {@code ch} and, once the handshake has chosen, either HTTP/1.1 ({@code http1} adds its
     * handlers to the pipeline) or HTTP/2: a fresh {@code perStream} handler of full HTTP requests in each
     * stream, and the WebSocket at {@code ws.path()} by RFC 8441 (null: not offered on h2).
     *
     * @param maxContent the largest request body aggregated in a stream
     */
    static void addTls(Channel ch, SslContext ssl, Consumer<ChannelPipeline> http1, Supplier<ChannelHandler> perStream,
            int maxContent, WebSocketOnH2 ws) {
        addTls(ch, ssl, http1, perStream, null, maxContent, ws);
    }

    /** As above, with {@code uploads} (null: none): a handler per stream before the aggregator, for streamed bodies. */
    static void addTls(Channel ch, SslContext ssl, Consumer<ChannelPipeline> http1, Supplier<ChannelHandler> perStream,
            Supplier<ChannelHandler> uploads, int maxContent, WebSocketOnH2 ws) {
        ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    addHttp2(ctx.pipeline(), perStream, uploads, maxContent, ws);
                } else {
                    http1.accept(ctx.pipeline());
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // plain HTTP to the HTTPS port, an untrusted certificate on the client's side, a scanner: not ours to log loudly
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
            }
        });
    }

    /** The WebSocket offered on h2: its path, frame limit, a fresh frame handler per stream, the counters. */
    record WebSocketOnH2(String path, int maxFrame, Supplier<ChannelHandler> frames, SignalingStats stats) {
    }

    private static void addHttp2(ChannelPipeline p, Supplier<ChannelHandler> perStream, Supplier<ChannelHandler> uploads,
            int maxContent, WebSocketOnH2 ws) {
        Http2Settings settings = Http2Settings.defaultSettings().maxConcurrentStreams(MAX_STREAMS)
                .maxHeaderListSize(MAX_HEADER_LIST);
        if (ws != null) {
            settings.connectProtocolEnabled(true); // RFC 8441: WebSockets may be opened on this connection
        }
        p.addLast(Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
        p.addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new StreamStart(perStream, uploads, maxContent, ws));
            }
        }));
    }

    /**
     * A stream's first frame decides what it is: an extended CONNECT for the WebSocket ({@link Http2WebSocket}),
     * or a request for the files, which then goes through the HTTP object codec to {@code perStream}.
     */
    private static final class StreamStart extends ChannelInboundHandlerAdapter {
        private final Supplier<ChannelHandler> perStream;
        private final Supplier<ChannelHandler> uploads;
        private final int maxContent;
        private final WebSocketOnH2 ws;

        StreamStart(Supplier<ChannelHandler> perStream, Supplier<ChannelHandler> uploads, int maxContent, WebSocketOnH2 ws) {
            this.perStream = perStream;
            this.uploads = uploads;
            this.maxContent = maxContent;
            this.ws = ws;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline p = ctx.pipeline();
            if (ws != null && msg instanceof Http2HeadersFrame h && Http2WebSocket.isWebSocketConnect(h.headers())) {
                Http2WebSocket.accept(ctx, h, ws.path(), ws.maxFrame(), ws.frames(), ws.stats());
                p.remove(this);
                return;
            }
            String at = ctx.name();
            p.addAfter(at, "h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
            String before = "h2-to-http";
            if (uploads != null) {
                p.addAfter("h2-to-http", "uploads", uploads.get());
                before = "uploads";
            }
            p.addAfter(before, "aggregator", new HttpObjectAggregator(maxContent));
            p.addAfter("aggregator", "files", perStream.get());
            ctx.fireChannelRead(msg);
            p.remove(this);
        }
    }
}
