package io.ams.sfu.cluster;

/** A single sidecar's router: every room here, except a new room while draining, which is refused. */
public final class LocalJoinRouter implements JoinRouter {
    private final SidecarDrain drain;

    public LocalJoinRouter(SidecarDrain drain) {
        this.drain = drain;
    }

    @Override
    public JoinRoute route(String room, boolean here) {
        if (!here && drain.draining()) {
            return JoinRoute.refuse("server_draining", "this server is shutting down and takes no new meetings; try again"
                    + " in a moment");
        }
        return JoinRoute.HERE;
    }

    @Override
    public String notReady() {
        return drain.draining() ? "draining: taking no new rooms" : null;
    }
}
