package io.ams.proto.auth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The server side of control authentication, in front of every service of a control server. With
 * a {@link ControlToken} every call must carry {@code authorization: Bearer <token>}; a call
 * without it or with another token is closed with UNAUTHENTICATED (counted and logged, at most one
 * log line per 5 s). Without a token (a loopback-only server) every call passes. Either way the
 * caller's network address is put into the call's {@link Context} ({@link #callerAddress()}), so
 * that services can tell who is calling (the engine allows RTP back to a caller's own address).
 */
public final class ControlAuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(ControlAuthInterceptor.class);
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";
    private static final Context.Key<InetAddress> CALLER = Context.key("ams-control-caller");
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final ControlToken token;   // null: no authentication (loopback)
    private final AtomicLong refused = new AtomicLong();
    private volatile long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;

    private ControlAuthInterceptor(ControlToken token) {
        this.token = token;
    }

    /** Requires {@code token} on every call. */
    public static ControlAuthInterceptor requiring(ControlToken token) {
        return new ControlAuthInterceptor(java.util.Objects.requireNonNull(token, "token"));
    }

    /** Lets every call through (only records the caller's address). */
    public static ControlAuthInterceptor open() {
        return new ControlAuthInterceptor(null);
    }

    public boolean authenticating() {
        return token != null;
    }

    /** Calls closed with UNAUTHENTICATED since start. */
    public long refused() {
        return refused.get();
    }

    /** The network address of the current call's client, or null (in-process calls, no call). */
    public static InetAddress callerAddress() {
        return CALLER.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        InetAddress caller = remote instanceof InetSocketAddress isa ? isa.getAddress() : null;
        if (token != null) {
            String problem = check(headers.get(AUTHORIZATION));
            if (problem != null) {
                refused.incrementAndGet();
                logRefusal(call, remote, problem);
                call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
                return new ServerCall.Listener<>() { };
            }
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** Null when the header carries the token, else why not (no secret in it). */
    private String check(String header) {
        if (header == null || header.isBlank()) {
            return "missing control token: this server requires 'authorization: Bearer <token>' "
                    + "(ams ctl: --control-token-file FILE or AMS_CONTROL_TOKEN)";
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "the authorization header is not 'Bearer <token>'";
        }
        if (!token.matches(header.substring(BEARER.length()).strip())) {
            return "wrong control token: it does not match this server's token file";
        }
        return null;
    }

    private void logRefusal(ServerCall<?, ?> call, SocketAddress remote, String problem) {
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            lastLogNanos = now;
            LOG.warn("control call {} from {} refused (UNAUTHENTICATED): {} ({} refused so far)",
                    call.getMethodDescriptor().getFullMethodName(), remote, problem, refused.get());
        }
    }
}
