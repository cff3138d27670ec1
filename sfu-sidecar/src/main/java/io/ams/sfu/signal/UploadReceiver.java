package io.ams.sfu.signal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the body of an upload POST ({@link HttpRoutes#isUpload}) into a private temporary file, with the
 * size limit enforced as bytes arrive (413 and the connection closed at the first byte too many), and hands
 * the file to the routes; every other request passes on untouched to the aggregator behind it.
 */
final class UploadReceiver extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UploadReceiver.class);
    private final HttpRoutes routes;
    private final Path tmpDir;
    private final SignalingStats stats;

    private HttpRequest request; // the upload in progress, or null
    private Path file;
    private FileChannel out;
    private long received;
    private boolean refused; // swallow the rest of a refused request (so the client reads our answer), then close
    private long swallowLeft;

    UploadReceiver(HttpRoutes routes, Path tmpDir, SignalingStats stats) {
        this.routes = routes;
        this.tmpDir = tmpDir;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            if (!req.method().equals(HttpMethod.POST) || !routes.isUpload(new QueryStringDecoder(req.uri()).path())) {
                ctx.fireChannelRead(msg);
                return;
            }
            begin(ctx, req);
            if (msg instanceof HttpContent c) {
                body(ctx, c);
            }
            return;
        }
        if (msg instanceof HttpContent c && (request != null || refused)) {
            body(ctx, c);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest req) {
        stats.httpRequests.incrementAndGet();
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > routes.maxUploadBytes()) {
            refuse(ctx, HttpRoutes.Reply.json(413, error("too_large", "the file is larger than "
                    + routes.maxUploadBytes() / (1024 * 1024) + " MB")));
            return;
        }
        HttpRoutes.Reply no = routes.admitUpload(q.path(), q.parameters(), auth);
        if (no != null) {
            refuse(ctx, no);
            return;
        }
        try {
            Files.createDirectories(tmpDir);
            file = Files.createTempFile(tmpDir, "upload-", ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("upload: cannot create a temporary file in {}: {}", tmpDir, e.toString());
            cleanup();
            refuse(ctx, HttpRoutes.Reply.json(500, error("server_error", "the server cannot store uploads now")));
            return;
        }
        request = req;
        received = 0;
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void body(ChannelHandlerContext ctx, HttpContent c) {
        try {
            if (refused) {
                swallowLeft -= c.content().readableBytes();
                if (c instanceof LastHttpContent || swallowLeft < 0) {
                    refused = false;
                    ctx.close(); // the answer went out first; a client still sending past the allowance is cut off
                }
                return;
            }
            ByteBuf b = c.content();
            received += b.readableBytes();
            if (received > routes.maxUploadBytes()) {
                cleanup();
                refuse(ctx, HttpRoutes.Reply.json(413, error("too_large", "the file is larger than "
                        + routes.maxUploadBytes() / (1024 * 1024) + " MB")));
                return;
            }
            while (b.isReadable()) {
                b.readBytes(out, b.readableBytes());
            }
            if (c instanceof LastHttpContent) {
                out.close();
                out = null;
                QueryStringDecoder q = new QueryStringDecoder(request.uri());
                String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
                HttpRoutes.Reply r;
                try {
                    r = routes.upload(q.path(), q.parameters(), auth, file);
                } catch (RuntimeException e) {
                    LOG.warn("upload to {} failed: {}", q.path(), e.toString());
                    r = HttpRoutes.Reply.json(500, error("server_error", "the upload could not be handled"));
                }
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                cleanup();
                reply(ctx, r, keepAlive);
            }
        } catch (IOException e) {
            LOG.warn("upload: cannot write {}: {}", file, e.toString());
            cleanup();
            refuse(ctx, HttpRoutes.Reply.json(500, error("server_error", "the server cannot store uploads now")));
        } finally {
            ReferenceCountUtil.release(c);
        }
    }

    /**
     * Answers {@code r} at once and reads on (discarding) what the client still sends, up to {@link #SWALLOW}
     * bytes, so that it sees the answer instead of a reset connection; then the connection closes.
     */
    private void refuse(ChannelHandlerContext ctx, HttpRoutes.Reply r) {
        stats.httpNotFound.incrementAndGet(); // refused uploads are counted with the other refused requests
        routes.uploadRefused(r.status());
        request = null;
        refused = true;
        swallowLeft = SWALLOW;
        reply(ctx, r, true, true);
    }

    /** What a refused upload may still send before the connection is closed on it. */
    static final long SWALLOW = 4L * 1024 * 1024;

    private static void reply(ChannelHandlerContext ctx, HttpRoutes.Reply r, boolean keepAlive) {
        reply(ctx, r, keepAlive, false);
    }

    /** {@code closing}: say Connection: close, and leave the closing to the caller. */
    private static void reply(ChannelHandlerContext ctx, HttpRoutes.Reply r, boolean keepAlive, boolean closing) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        if (closing) {
            resp.headers().set(HttpHeaderNames.CONNECTION, io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(resp);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static String error(String code, String message) {
        return SignalingServer.error(code, message).toString();
    }

    private void cleanup() {
        request = null;
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // closing a file we are deleting
            }
            out = null;
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("upload: cannot delete {}: {}", file, e.toString());
            }
            file = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanup();
        ctx.fireChannelInactive();
    }

}
