package io.ams.sfu.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ams.sfu.Sidecar;
import io.ams.sfu.SidecarConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signaling WebSocket on an HTTP/2 stream (RFC 8441), through a Netty HTTP/2 client that speaks the extended
 * CONNECT itself: the server announces SETTINGS_ENABLE_CONNECT_PROTOCOL, answers CONNECT {@code :protocol
 * websocket} on /ws with 200, a join on that stream is answered with joined, a ping with a pong, a Close with
 * a Close and the stream's end. Bad input: another path (404), another WebSocket version (400), a frame over
 * the limit and an unmasked frame (the stream is closed with 1009 / 1002). No engine runs.
 */
class Http2WebSocketTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Sidecar sidecar;
    static EventLoopGroup group;
    static Channel connection;
    static final CompletableFuture<Http2SettingsFrame> serverSettings = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        SelfSignedTls tls = SelfSignedTls.loadOrCreate(dir.resolve("tls"), List.of());
        sidecar = Sidecar.start(SidecarConfig.defaults(dir).withPorts(0, 0, -1).withHttpHost("127.0.0.1")
                .withEngine("127.0.0.1:" + closed).withTls(tls.certFile(), tls.keyFile()));
        SslContext ssl = SslContextBuilder.forClient().trustManager(tls.certFile().toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2))
                .build();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", sidecar.httpPort()));
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2SettingsFrame s) {
                            serverSettings.complete(s);
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
            }
        }).connect("127.0.0.1", sidecar.httpPort()).sync().channel();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (sidecar != null) {
            sidecar.close();
        }
    }

    /** One stream of the connection: what arrives on it, decoded (headers frames, WebSocket frames, "end"). */
    static final class Stream {
        final BlockingQueue<Object> in = new LinkedBlockingQueue<>();
        final Http2StreamChannel ch;
        private final EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20, true));

        Stream() throws Exception {
            ch = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2HeadersFrame h) {
                        in.add(h);
                        if (h.isEndStream()) {
                            in.add("end");
                        }
                    } else if (msg instanceof Http2DataFrame d) {
                        boolean end = d.isEndStream();
                        decoder.writeInbound(d.content());
                        for (Object f; (f = decoder.readInbound()) != null; ) {
                            in.add(f);
                        }
                        if (end) {
                            in.add("end");
                        }
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    in.add("closed");
                }
            }).open().sync().getNow();
        }

        void connect(String path, String version) {
            Http2Headers h = new DefaultHttp2Headers().method("CONNECT").path(path).scheme("https")
                    .authority("127.0.0.1:" + sidecar.httpPort());
            h.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
            h.set("sec-websocket-version", version);
            ch.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        }

        /** Sends {@code frame} as a client does (masked, unless {@code masked} is false). */
        void send(WebSocketFrame frame, boolean masked) {
            EmbeddedChannel enc = new EmbeddedChannel(new WebSocket13FrameEncoder(masked));
            enc.writeOutbound(frame);
            CompositeByteBuf all = Unpooled.compositeBuffer();
            for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
                all.addComponent(true, b);
            }
            ch.writeAndFlush(new DefaultHttp2DataFrame(all, false));
        }

        Object next() throws InterruptedException {
            Object o = in.poll(10, TimeUnit.SECONDS);
            assertThat(o).as("something on the stream within 10 s").isNotNull();
            return o;
        }

        /** The next WebSocket frame or stream event that is not a text message other than {@code wantType}. */
        Object nextSkippingOtherMessages(String wantType) throws Exception {
            while (true) {
                Object o = next();
                if (o instanceof TextWebSocketFrame t) {
                    JsonNode m = JSON.readTree(t.text());
                    t.release();
                    if (m.path("type").asText().equals(wantType)) {
                        return m;
                    }
                    continue;
                }
                return o;
            }
        }
    }

    @Test
    void theServerAnnouncesExtendedConnect() throws Exception {
        Http2SettingsFrame s = serverSettings.get(10, TimeUnit.SECONDS);
        assertThat(s.settings().connectProtocolEnabled()).isTrue();
    }

    @Test
    void aJoinPingAndCloseOnAnH2Stream() throws Exception {
        serverSettings.get(10, TimeUnit.SECONDS);
        long before = sidecar.signaling().stats().webSocketsOverH2.get();
        Stream s = new Stream();
        s.connect("/ws", "13");
        Object answer = s.next();
        assertThat(answer).isInstanceOf(Http2HeadersFrame.class);
        assertThat(((Http2HeadersFrame) answer).headers().status().toString()).isEqualTo("200");
        assertThat(((Http2HeadersFrame) answer).isEndStream()).isFalse();
        assertThat(sidecar.signaling().stats().webSocketsOverH2.get()).isEqualTo(before + 1);

        s.send(new TextWebSocketFrame(JSON.createObjectNode().put("type", "join").put("room", "h2-room").put("name", "Ada")
                .put("token", sidecar.tokens().issue("h2-room", "Ada", Duration.ofMinutes(5))).toString()), true);
        Object joined = s.nextSkippingOtherMessages("joined");
        assertThat(joined).as("a joined answer on the stream").isInstanceOf(JsonNode.class);
        assertThat(((JsonNode) joined).path("participantId").asText()).isNotEmpty();
        assertThat(sidecar.rooms().get("h2-room").snapshot().peers()).hasSize(1);

        s.send(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", StandardCharsets.UTF_8)), true);
        Object pong = s.nextSkippingOtherMessages("none");
        assertThat(pong).isInstanceOf(PongWebSocketFrame.class);
        assertThat(((PongWebSocketFrame) pong).content().toString(StandardCharsets.UTF_8)).isEqualTo("are you there");

        s.send(new CloseWebSocketFrame(1000, "bye"), true);
        Object close = s.nextSkippingOtherMessages("none");
        assertThat(close).isInstanceOf(CloseWebSocketFrame.class);
        assertThat(((CloseWebSocketFrame) close).statusCode()).isEqualTo(1000);
        assertThat(s.nextSkippingOtherMessages("none")).isIn("end", "closed");
        assertThat(awaitTrue(() -> sidecar.rooms().get("h2-room") == null
                || sidecar.rooms().get("h2-room").snapshot().peers().isEmpty())).as("Ada left").isTrue();
    }

    @Test
    void anotherPathOrVersionIsRefused() throws Exception {
        serverSettings.get(10, TimeUnit.SECONDS);
        Stream wrongPath = new Stream();
        wrongPath.connect("/not-ws", "13");
        Object a = wrongPath.next();
        assertThat(((Http2HeadersFrame) a).headers().status().toString()).isEqualTo("404");
        assertThat(((Http2HeadersFrame) a).isEndStream()).isTrue();
        Stream wrongVersion = new Stream();
        wrongVersion.connect("/ws", "8");
        Object b = wrongVersion.next();
        assertThat(((Http2HeadersFrame) b).headers().status().toString()).isEqualTo("400");
    }

    @Test
    void anOversizedOrUnmaskedFrameClosesTheStream() throws Exception {
        serverSettings.get(10, TimeUnit.SECONDS);
        for (boolean oversized : new boolean[] {true, false}) {
            Stream s = new Stream();
            s.connect("/ws", "13");
            assertThat(((Http2HeadersFrame) s.next()).headers().status().toString()).isEqualTo("200");
            if (oversized) {
                s.send(new TextWebSocketFrame("x".repeat(SignalingServer.MAX_FRAME + 1)), true);
            } else {
                s.send(new TextWebSocketFrame("{\"type\":\"ping\"}"), false);
            }
            Object o = s.nextSkippingOtherMessages("none");
            assertThat(o).as(oversized ? "oversized" : "unmasked").isInstanceOf(CloseWebSocketFrame.class);
            assertThat(((CloseWebSocketFrame) o).statusCode()).isEqualTo(oversized ? 1009 : 1002);
            assertThat(awaitTrue(() -> !s.ch.isActive())).as("the stream is closed").isTrue();
        }
        // the connection serves on
        Stream after = new Stream();
        after.connect("/ws", "13");
        assertThat(((Http2HeadersFrame) after.next()).headers().status().toString()).isEqualTo("200");
    }

    private static boolean awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return c.getAsBoolean();
    }
}
