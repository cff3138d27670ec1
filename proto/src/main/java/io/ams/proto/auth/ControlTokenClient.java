package io.ams.proto.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** The client side: puts {@code authorization: Bearer <token>} on every call of a channel. */
public final class ControlTokenClient implements ClientInterceptor {
    private final String header;

    private ControlTokenClient(ControlToken token) {
        this.header = "Bearer " + token.value();
    }

    public static ControlTokenClient of(ControlToken token) {
        return new ControlTokenClient(java.util.Objects.requireNonNull(token, "token"));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(ControlAuthInterceptor.AUTHORIZATION, header);
                super.start(listener, headers);
            }
        };
    }
}
