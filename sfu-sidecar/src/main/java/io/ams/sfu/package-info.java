/**
 * The WebRTC edge of AMS: signaling, ICE (ice4j), DTLS (BouncyCastle) and SRTP (jitsi-srtp),
 * the main-speaker relay, delivery of the engine's mix and the web client. Never imports the engine:
 * it talks to it over gRPC ({@code ams.v1.Mixer}) and plain RTP.
 */
package io.ams.sfu;
