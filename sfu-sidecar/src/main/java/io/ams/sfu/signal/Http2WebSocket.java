package io.ams.sfu.signal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The signaling WebSocket on an HTTP/2 stream (RFC 8441): the server announces SETTINGS_ENABLE_CONNECT_PROTOCOL,
 * a browser that supports it opens the WebSocket as an extended CONNECT ({@code :method CONNECT},
 * {@code :protocol websocket}, {@code :path /ws}) on the connection the page came over, and the stream's DATA
 * frames then carry ordinary WebSocket frames (RFC 6455 framing, masked from the client). The stream gets the
 * same frame size limit and the same session handler as a WebSocket on HTTP/1.1, which sees the same
 * {@link WebSocketServerProtocolHandler.HandshakeComplete} event; pings are answered and the closing handshake
 * is done here, as {@link WebSocketServerProtocolHandler} does on HTTP/1.1.
 */
final class Http2WebSocket {
    private Http2WebSocket() {
    }

    /** Whether {@code h} opens a WebSocket (any path: a wrong one is refused by {@link #accept}). */
    static boolean isWebSocketConnect(Http2Headers h) {
        return "CONNECT".contentEquals(h.method() == null ? "" : h.method())
                && "websocket".contentEquals(String.valueOf(h.get(Http2Headers.PseudoHeaderName.PROTOCOL.value())));
    }

    /**
     * Answers the extended CONNECT in {@code first} and turns the stream of {@code ctx} into a WebSocket whose
     * frames go to a fresh {@code frames} handler; or refuses it (404 for another path, 400 for another
     * WebSocket version) and ends the stream.
     *
     * @return whether it was accepted
     */
    static boolean accept(ChannelHandlerContext ctx, Http2HeadersFrame first, String path, int maxFrame,
            Supplier<ChannelHandler> frames, SignalingStats stats) {
        Http2Headers h = first.headers();
        String uri = String.valueOf(h.path());
        String status = null;
        if (!new QueryStringDecoder(uri).path().equals(path)) {
            status = "404";
        } else if (!"13".contentEquals(String.valueOf(h.get("sec-websocket-version")))) {
            status = "400";
        }
        if (status != null) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), true));
            return false;
        }
        stats.webSocketsOverH2.incrementAndGet();
        // the same bound on unread messages as a WebSocket's own connection has (a stream's default is 64 KiB)
        ctx.channel().config().setWriteBufferWaterMark(
                new WriteBufferWaterMark(SignalingServer.WRITE_LIMIT / 4, SignalingServer.WRITE_LIMIT));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
        ChannelPipeline p = ctx.pipeline();
        String at = ctx.name();
        p.addAfter(at, "ws-data", new StreamBytes());
        // the encoder nearer the stream than the decoder: the Close the decoder sends on a protocol violation is encoded
        p.addAfter("ws-data", "ws-encoder", new WebSocket13FrameEncoder(false));
        p.addAfter("ws-encoder", "ws-decoder", new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).allowMaskMismatch(false).allowExtensions(false).maxFramePayloadLength(maxFrame)
                .closeOnProtocolViolation(true).build()));
        p.addAfter("ws-decoder", "ws-control", new ControlFrames());
        p.addAfter("ws-control", "ws-frames", frames.get());
        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            if (e.getKey().length() > 0 && e.getKey().charAt(0) != ':') {
                headers.add(e.getKey(), e.getValue());
            }
        }
        p.fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete(uri, headers, null));
        return true;
    }

    /** DATA frames in, their bytes out to the decoder; bytes from the encoder out as DATA frames. */
    private static final class StreamBytes extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2DataFrame data) {
                boolean end = data.isEndStream();
                ByteBuf content = data.content();
                if (content.isReadable()) {
                    ctx.fireChannelRead(content);
                } else {
                    content.release();
                }
                if (end) {
                    ctx.close(); // the client ended its side without a Close frame
                }
                return;
            }
            ReferenceCountUtil.release(msg); // trailers, or anything else a WebSocket stream has no use for
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf bytes) {
                ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    /** Ping answered with Pong, Pong dropped, the closing handshake: Close answered once, then the stream ended. */
    private static final class ControlFrames extends ChannelDuplexHandler {
        private boolean closeSent;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else if (msg instanceof PongWebSocketFrame pong) {
                pong.release();
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                close.release();
                if (closeSent) {
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(ChannelFutureListener.CLOSE);
                } else {
                    closeSent = true;
                    ctx.write(new CloseWebSocketFrame(code > 0 ? code : 1000, ""));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(true)).addListener(ChannelFutureListener.CLOSE);
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        /**
         * A protocol violation (frame over the limit, unmasked, ...): the decoder has sent its Close and ends the
         * stream once that is out. Closing here at once would reset the stream first and lose the Close.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof CorruptedWebSocketFrameException)) {
                ctx.fireExceptionCaught(cause);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof CloseWebSocketFrame) {
                closeSent = true;
            }
            ctx.write(msg, promise);
        }
    }
}
