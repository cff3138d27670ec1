package io.ams.sfu.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's HTTP(S) server: the web client from the class path folder {@code /web/}, a health
 * check at {@code /healthz}, and the signaling WebSocket at {@code /ws} (JSON text frames, see
 * docs/SIGNALING.md). With TLS the files are served over HTTP/2 too, and the WebSocket on an HTTP/2 stream
 * (RFC 8441) for browsers that support it ({@link Http2Pipeline}).
 *
 * <p>Netty's I/O threads only parse; every handler call runs on the lane the handler names for it
 * (by default one signaling thread), one session's calls in order. Untrusted input is bounded: 64 KiB per frame, 50 messages per second per connection (then
 * error rate_limited and the connection is closed), and anything that is not a JSON object with a
 * known "type" gets error bad_message and is counted, the connection staying open. Output is bounded
 * too: a client that leaves more than 1 MiB of our messages unread is disconnected (counted as a slow
 * client) instead of growing our memory.
 */
public final class SignalingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignalingServer.class);
    public static final int MAX_FRAME = 64 * 1024;
    public static final int MAX_MESSAGES_PER_SECOND = 50;
    /** How long a client gets to answer our Close frame before the connection is cut. */
    static final int CLOSE_WAIT_SECONDS = 2;
    /** Bytes of our messages a client may leave unread before it is cut (Netty's high water mark). */
    static final int WRITE_LIMIT = 1024 * 1024;
    private static final int WRITE_LOW = 256 * 1024;
    /** 'self' covers the same-origin ws:/wss: signaling socket (CSP level 3). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob: mediastream:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private volatile String contentSecurityPolicy = CONTENT_SECURITY_POLICY;
    /** Uploads and GETs of the application (documents); NONE until {@link #routes} is called. */
    private volatile HttpRoutes routes = NO_ROUTES;
    private volatile Path uploadDir = Path.of(System.getProperty("java.io.tmpdir"), "ams-uploads");
    private static final HttpRoutes NO_ROUTES = new HttpRoutes() {
        @Override
        public boolean isUpload(String path) {
            return false;
        }

        @Override
        public long maxUploadBytes() {
            return 0;
        }

        @Override
        public Reply admitUpload(String path, Map<String, List<String>> query, String authorization) {
            return Reply.json(404, "{}");
        }

        @Override
        public Reply upload(String path, Map<String, List<String>> query, String authorization, Path file) {
            return Reply.json(404, "{}");
        }

        @Override
        public Reply get(String path, Map<String, List<String>> query, String authorization) {
            return null;
        }
    };

    /**
     * Lets the page connect to {@code origin} too (CSP connect-src), e.g. the MQTT broker's WebSocket listener
     * ({@code --mqtt-ws-url}); nothing else beyond this server is reachable from the page, so a link that names
     * another broker cannot send anyone's join token there.
     */
    /** Serves {@code r}'s uploads (streamed into {@code tmpDir}) and GETs beside the files. */
    public void routes(HttpRoutes r, Path tmpDir) {
        this.routes = r;
        this.uploadDir = tmpDir;
    }

    public void allowConnect(String origin) {
        if (origin == null || !origin.matches("wss?://[A-Za-z0-9.\\[\\]:-]+(/[A-Za-z0-9._~/-]*)?")) {
            throw new IllegalArgumentException("not a ws:// or wss:// URL: " + origin);
        }
        contentSecurityPolicy = contentSecurityPolicy.replace("connect-src 'self'", "connect-src 'self' " + origin);
    }

    public static final Set<String> CLIENT_TYPES = Set.of("join", "answer", "candidate", "pin", "mute", "leave", "ping",
            "constraints-applied", "lock-room", "remove-participant", "request-mute", "record", "chat",
            "p2p-offer", "p2p-answer", "p2p-candidate", "p2p-state", "p2p-stats", "present", "stop-presenting");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<Session> SESSION = AttributeKey.valueOf("ams.session");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png",
            "image/png", "ico", "image/x-icon", "json", "application/json");

    private final SignalingHandler handler;
    private final SignalingStats stats = new SignalingStats();
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService signaling = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "signaling");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sessionIds = new AtomicLong();
    private final Channel server;
    private final boolean tls;
    /** Where ICE-TCP arriving on this port goes (the media port's loopback listener); null: this port is HTTP(S) only. */
    private volatile InetSocketAddress iceTcpTarget;
    private volatile long silentMillis = SILENT_MILLIS;
    private final AtomicBoolean unknownLogged = new AtomicBoolean();
    /** How long a connection to a port shared with ICE-TCP may stay silent before it is closed. */
    static final long SILENT_MILLIS = 10_000;

    private SignalingServer(SignalingHandler handler, String host, int port, SslContext ssl) throws IOException {
        this.handler = handler;
        this.tls = ssl != null;
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WRITE_LOW, WRITE_LIMIT))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetSocketAddress ice = iceTcpTarget;
                        if (ice != null) {
                            ch.pipeline().addLast("sniff", new PortSniffer(ssl != null, c -> web(c, ssl), ice, stats,
                                    unknownLogged, silentMillis));
                        } else {
                            web(ch, ssl);
                        }
                    }
                });
        try {
            this.server = b.bind(host, port).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException("cannot listen for HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The web pipeline: HTTPS (HTTP/2 or HTTP/1.1 by ALPN) with {@code ssl}, else plain HTTP/1.1. */
    private void web(Channel ch, SslContext ssl) {
        if (ssl != null) {
            Http2Pipeline.addTls(ch, ssl, this::http1, HttpFiles::new, () -> new UploadReceiver(routes, uploadDir, stats),
                    MAX_FRAME, new Http2Pipeline.WebSocketOnH2("/ws", MAX_FRAME, Frames::new, stats));
        } else {
            http1(ch.pipeline());
        }
    }

    /**
     * From now on this port carries ICE-TCP too ({@code --ice-tcp-port https}): a new connection whose first bytes
     * are an RFC 4571 framed STUN message is relayed to {@code loopbackListener} (the media port's ICE-TCP listener),
     * one that is neither that nor TLS (HTTP without TLS) is closed and counted ({@link PortSniffer}).
     */
    public void shareWithIceTcp(InetSocketAddress loopbackListener) {
        this.iceTcpTarget = loopbackListener;
    }

    /** How long a new connection to a shared port may send nothing (default 10 s; tests use less). */
    public void silentMillis(long millis) {
        this.silentMillis = millis;
    }

    /** HTTP/1.1: the files, and the WebSocket at /ws. */
    private void http1(ChannelPipeline p) {
        p.addLast(new HttpServerCodec());
        p.addLast(new UploadReceiver(routes, uploadDir, stats));
        p.addLast(new HttpObjectAggregator(MAX_FRAME));
        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(false).maxFramePayloadLength(MAX_FRAME)
                .handleCloseFrames(true).build()));
        p.addLast(new HttpFiles());
        p.addLast(new Frames());
    }

    /**
     * Starts listening; {@code tlsCert}/{@code tlsKey} (PEM) switch on HTTPS and WSS, the files then over
     * HTTP/2 as well ({@link Http2Pipeline}).
     */
    public static SignalingServer start(SignalingHandler handler, String host, int port, Path tlsCert, Path tlsKey)
            throws IOException {
        SslContext ssl = null;
        if (tlsCert != null) {
            try {
                ssl = Http2Pipeline.serverContext(tlsCert, tlsKey);
            } catch (Exception e) {
                throw new IOException("cannot use TLS certificate " + tlsCert + " / key " + tlsKey + ": " + e.getMessage(), e);
            }
        }
        return new SignalingServer(handler, host, port, ssl);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public boolean tls() {
        return tls;
    }

    public SignalingStats stats() {
        return stats;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        signaling.shutdown();
    }

    /** Static files, the health check, and 404 for everything else. */
    private final class HttpFiles extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            stats.httpRequests.incrementAndGet();
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(req.uri());
            String path = query.path();
            HttpRoutes.Reply routed = routes.get(path, query.parameters(), req.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (routed != null) {
                if (routed.status() >= 400) {
                    stats.httpNotFound.incrementAndGet();
                }
                respond(ctx, req, HttpResponseStatus.valueOf(routed.status()), routed.contentType(), routed.body());
                return;
            }
            if (path.equals("/healthz")) { // readiness: 503 while draining
                String why = handler.notReady();
                respond(ctx, req, why == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                        (why == null ? "ok\n" : why + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/livez")) { // liveness: the process serves
                respond(ctx, req, HttpResponseStatus.OK, "text/plain", "alive\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/")) {
                path = "/index.html";
            }
            byte[] body = null;
            String ext = path.substring(path.lastIndexOf('.') + 1);
            if (path.matches("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+") && !path.contains("..") && TYPES.containsKey(ext)) {
                try (InputStream in = SignalingServer.class.getResourceAsStream("/web" + path)) {
                    if (in != null) {
                        body = in.readAllBytes();
                    }
                } catch (IOException e) {
                    body = null;
                }
            }
            if (body == null) {
                stats.httpNotFound.incrementAndGet();
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", ("not found: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(ctx, req, HttpResponseStatus.OK, TYPES.get(ext), body);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type, byte[] body) {
            boolean head = req.method().equals(HttpMethod.HEAD);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            r.headers().set("X-Content-Type-Options", "nosniff");
            // The client is only our own files: nothing inline, nothing from elsewhere, no framing; the join
            // token is in the page's URL, so it must never leave as a referrer.
            r.headers().set("Content-Security-Policy", contentSecurityPolicy);
            r.headers().set("Referrer-Policy", "no-referrer");
            r.headers().set("X-Frame-Options", "DENY");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** WebSocket frames of one connection. */
    private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                Session s = new Session(ctx.channel(), "s" + sessionIds.incrementAndGet(), stats);
                ctx.channel().attr(SESSION).set(s);
                stats.connections.incrementAndGet();
                stats.open.incrementAndGet();
                ctx.channel().closeFuture().addListener(f -> {
                    stats.open.decrementAndGet();
                    try {
                        laneOf(s, "close", null).execute(() -> safely(() -> handler.onClose(s, s.closeReason)));
                    } catch (RejectedExecutionException e) {
                        // the server is closing with clients connected: the sidecar closes the rooms itself
                        LOG.debug("signaling: {} closed while the server shuts down", s);
                    }
                });
                try {
                    laneOf(s, "open", null).execute(() -> safely(() -> handler.onOpen(s)));
                } catch (RejectedExecutionException e) {
                    s.close("server busy");
                }
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            Session s = ctx.channel().attr(SESSION).get();
            if (s == null) {
                return;
            }
            if (s.closing) {
                return; // after our Close: only the client's Close matters (the protocol handler answers it)
            }
            if (!(frame instanceof TextWebSocketFrame text)) {
                if (!(frame instanceof CloseWebSocketFrame)) {
                    stats.badMessages.incrementAndGet();
                    s.send(error("bad_message", "only JSON text frames are understood"));
                }
                return;
            }
            stats.messagesIn.incrementAndGet();
            if (!s.allow()) {
                stats.rateLimited.incrementAndGet();
                s.send(error("rate_limited", "more than " + MAX_MESSAGES_PER_SECOND + " messages per second"));
                s.close("rate limited");
                return;
            }
            JsonNode msg;
            try {
                msg = parseClientMessage(text.text());
            } catch (BadMessageException e) {
                stats.badMessages.incrementAndGet();
                s.send(error(e.code(), e.getMessage()));
                return;
            }
            String type = msg.get("type").asText();
            Executor lane = laneOf(s, type, msg);
            Runnable work = () -> {
                try {
                    handler.onMessage(s, type, msg);
                } catch (BadMessageException e) {
                    if (e.code().equals("bad_message")) {
                        stats.badMessages.incrementAndGet();
                    }
                    s.send(error(e.code(), e.getMessage()));
                } catch (RuntimeException e) {
                    LOG.error("signaling: handling '{}' from {} failed", type, s.id(), e);
                    s.send(error("internal", "the server failed to handle '" + type + "': " + e));
                }
            };
            try {
                lane.execute(work);
            } catch (RejectedExecutionException e) {
                stats.busy.incrementAndGet();
                LOG.warn("signaling: {} dropped '{}': {}", s.id(), type, e.getMessage());
                s.send(error("busy", "the server is busy with this room; try again"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("signaling connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private Executor laneOf(SignalingSession s, String type, JsonNode msg) {
        Executor lane = null;
        try {
            lane = handler.laneFor(s, type, msg);
        } catch (RuntimeException e) {
            LOG.error("signaling: choosing where to run '{}' of {} failed", type, s.id(), e);
        }
        return lane == null ? signaling : lane;
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("signaling handler failed", e);
        }
    }

    /**
     * One client text frame as a message: a JSON object whose string "type" is one of
     * {@link #CLIENT_TYPES}. What else it must hold is the handler's to check.
     *
     * @throws BadMessageException (code bad_message) naming what is wrong
     */
    public static JsonNode parseClientMessage(String text) throws BadMessageException {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadMessageException("not JSON: " + e.getOriginalMessage());
        }
        if (msg == null || !msg.isObject() || !msg.path("type").isTextual()) {
            throw new BadMessageException("a message is a JSON object with a string \"type\"");
        }
        String type = msg.get("type").asText();
        if (!CLIENT_TYPES.contains(type)) {
            throw new BadMessageException("unknown message type '" + abbreviate(type) + "'; known: " + CLIENT_TYPES);
        }
        return msg;
    }

    /** The JSON mapper messages are written with. */
    public static ObjectMapper json() {
        return JSON;
    }

    public static ObjectNode message(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    public static ObjectNode error(String code, String message) {
        ObjectNode n = message("error");
        n.put("code", code);
        n.put("message", message);
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static final class Session implements SignalingSession {
        private final Channel ch;
        private final String id;
        private volatile Object attachment;
        private volatile String closeReason = "connection closed";
        private volatile boolean closing; // our Close frame is sent: what still arrives is read and dropped
        private final SignalingStats stats;
        private final AtomicBoolean cutSlow = new AtomicBoolean();
        private long windowStart = System.nanoTime();
        private int inWindow;

        Session(Channel ch, String id, SignalingStats stats) {
            this.ch = ch;
            this.id = id;
            this.stats = stats;
        }

        synchronized boolean allow() {
            long now = System.nanoTime();
            if (now - windowStart > 1_000_000_000L) {
                windowStart = now;
                inWindow = 0;
            }
            return ++inWindow <= MAX_MESSAGES_PER_SECOND;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public SocketAddress remoteAddress() {
            return ch.remoteAddress();
        }

        @Override
        public void send(ObjectNode message) {
            if (!ch.isActive()) {
                return;
            }
            if (!ch.isWritable()) {
                // more than WRITE_LIMIT of our messages wait unread: a client that stopped reading (or a link far
                // too slow for a meeting) must not make us buffer without bound. Cut it; a browser rejoins itself.
                if (cutSlow.compareAndSet(false, true)) {
                    stats.slowClients.incrementAndGet();
                    LOG.warn("signaling: {} left over {} KiB of messages unread, disconnecting it", this,
                            WRITE_LIMIT / 1024);
                    closeReason = "client too slow: over " + WRITE_LIMIT / 1024 + " KiB of messages unread";
                    ch.close();
                }
                return;
            }
            ch.writeAndFlush(new TextWebSocketFrame(message.toString()));
        }

        @Override
        public void close(String reason) {
            if (ch.eventLoop().isShuttingDown()) {
                return; // the server is closing: its event loops close every connection themselves
            }
            closeReason = reason;
            closing = true;
            // The closing handshake, not an abrupt close: closing the socket while the client's frames are still
            // arriving makes the kernel answer with a reset, and the client then loses what we sent last (the error
            // that says why). So: send Close, keep reading (and dropping) until the client's Close ends the
            // connection, and cut it only if it does not answer within CLOSE_WAIT_SECONDS.
            ch.writeAndFlush(new CloseWebSocketFrame(1000, reason.length() > 100 ? reason.substring(0, 100) : reason))
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            ch.close();
                        } else {
                            ch.eventLoop().schedule(() -> ch.close(), CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
                        }
                    });
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object o) {
            attachment = o;
        }

        @Override
        public String toString() {
            return id + "@" + ch.remoteAddress();
        }
    }
}
