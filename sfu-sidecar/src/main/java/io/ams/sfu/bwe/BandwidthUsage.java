package io.ams.sfu.bwe;

/** The delay-based detector's hypothesis about the path (GCC): queues growing, steady, or draining. */
enum BandwidthUsage { NORMAL, OVERUSING, UNDERUSING }
