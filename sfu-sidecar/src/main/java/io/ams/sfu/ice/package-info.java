/**
 * The ICE servers a client is handed at join (docs/SIGNALING.md "ICE servers and TURN"): STUN and TURN
 * URIs as configured ({@link io.ams.sfu.ice.TurnUri}), and for TURN short-lived credentials by coturn's
 * REST scheme ({@link io.ams.sfu.ice.TurnCredentials}) from a shared secret read from a file
 * ({@link io.ams.sfu.ice.TurnSecret}); {@link io.ams.sfu.ice.IceServers} puts them together per
 * participant. Pure logic and one file read; no network.
 */
package io.ams.sfu.ice;
