/**
 * Room access control (issue 8 part 4, docs/SECURITY.md "Room access control"): who may enter a room
 * (revoked tokens and locked rooms refuse), who is seated in it with which role, and what a host or the
 * operator may do there (lock, remove, ask to mute, revoke a token). Plain objects, no I/O of their own:
 * the signaling layer and the gRPC service translate messages and calls into them.
 */
package io.ams.sfu.access;
