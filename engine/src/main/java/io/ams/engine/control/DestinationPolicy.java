package io.ams.engine.control;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ams.engine.EngineException;
import io.ams.engine.room.DestinationGuard;
import io.ams.engine.stats.BurstLog;

/**
 * Where RTP destinations may point: an address inside one of the operator's {@code --allow-destinations}
 * blocks (default: loopback), or the address the control call itself comes from (a sidecar asking for
 * the mix back to its own host: a TCP peer address cannot be forged, so this reflects nothing at a
 * third party). Refusals are PERMISSION_DENIED with the reason, counted and logged.
 */
public final class DestinationPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationPolicy.class);

    private final List<Cidr> allowed;
    private final AtomicLong denied = new AtomicLong();
    private final BurstLog log = new BurstLog(LOG, 5000);

    public DestinationPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** Destinations refused since start. */
    public long denied() {
        return denied.get();
    }

    /** The guard for one control call from {@code caller} (null: no network address, e.g. in-process). */
    public DestinationGuard forCaller(InetAddress caller) {
        return (host, address) -> {
            if (allows(address, caller)) {
                return;
            }
            denied.incrementAndGet();
            String why = "destination " + host + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
                    + " is not allowed: RTP goes only to --allow-destinations " + describe(allowed)
                    + " or to the caller's own address" + (caller == null ? "" : " " + caller.getHostAddress());
            log.warn("AddDestination refused (PERMISSION_DENIED, {} so far): {}", denied.get(), why);
            throw new EngineException(EngineException.Kind.PERMISSION_DENIED, why);
        };
    }

    boolean allows(InetAddress address, InetAddress caller) {
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (caller != null && !caller.isAnyLocalAddress() && unmapped(caller).equals(unmapped(address))) {
            return true;
        }
        InetAddress a = unmapped(address);
        for (Cidr c : allowed) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    static String describe(List<Cidr> cidrs) {
        return cidrs.isEmpty() ? "(none)" : String.join(",", cidrs.stream().map(Cidr::toString).toList());
    }

    /** ::ffff:a.b.c.d as a.b.c.d, so that IPv4 blocks match IPv4 peers of a dual-stack socket. */
    private static InetAddress unmapped(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
