package io.ams.sfu.cluster;

/** Decides where a join goes (the signaling asks before it admits anyone to a room). */
public interface JoinRouter {
    /**
     * @param room the room asked for
     * @param here whether the room's meeting runs on this sidecar now (then it stays here, whatever Redis says)
     */
    JoinRoute route(String room, boolean here);

    /** Null while the sidecar takes new rooms, else why not ("draining"): its /healthz readiness. */
    String notReady();
}
