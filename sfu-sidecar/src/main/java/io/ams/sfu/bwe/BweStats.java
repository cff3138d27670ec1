package io.ams.sfu.bwe;

/**
 * One receiver's downlink estimation and allocation at one moment (control API, logs, tests).
 *
 * @param estimateBps    the target rate to this receiver, 0 while nothing is known
 * @param source         "transport-cc", "remb" or "none"
 * @param allocatedBps   what the last allocation used
 * @param mainLayer      rid of the main layer chosen ("" for the single layer), or "none"
 * @param probeState     "idle", "probing #n" or "waiting ..."
 * @param delayState     the delay detector: "normal", "overusing", "underusing"
 * @param feedbackRefused feedback that did not fit what we sent (garbage, unknown numbers)
 * @param feedbackReplayed feedback that told nothing new
 * @param paddingBytes   probe padding sent to this receiver
 * @param mixOnlyEpisodes times the main video was paused for this downlink
 */
public record BweStats(long estimateBps, String source, long allocatedBps, String mainLayer, boolean mixOnly,
                       String probeState, String delayState, double lossFraction, long rttMs, long ackedBps,
                       long rembBps, long feedbackPackets, long feedbackRefused, long feedbackReplayed,
                       long feedbackReordered, long stampedPackets, long probes,
                       long paddingBytes, long mixOnlyEpisodes) {
}
