package io.ams.engine;

import java.util.List;
import java.util.Objects;

import io.ams.engine.control.Cidr;
import io.ams.proto.auth.ControlToken;

/**
 * How the engine's control API is protected (docs/SECURITY.md).
 *
 * @param token             required on every call when not null ({@code --control-token-file}, AMS_CONTROL_TOKEN)
 * @param insecure          {@code --insecure-control}: listen beyond loopback without a token, on purpose
 * @param allowDestinations where RTP destinations may point ({@code --allow-destinations}); a caller's own
 *                          address is allowed too (a sidecar asking for the mix back)
 */
public record ControlSecurity(ControlToken token, boolean insecure, List<Cidr> allowDestinations) {
    public ControlSecurity {
        allowDestinations = List.copyOf(Objects.requireNonNull(allowDestinations, "allowDestinations"));
    }

    /** No token, loopback destinations only: the loopback default. */
    public static ControlSecurity loopbackDefault() {
        return new ControlSecurity(null, false, Cidr.LOOPBACK);
    }

    public ControlSecurity withToken(ControlToken t) {
        return new ControlSecurity(t, insecure, allowDestinations);
    }

    public ControlSecurity withAllowDestinations(List<Cidr> cidrs) {
        return new ControlSecurity(token, insecure, cidrs);
    }
}
