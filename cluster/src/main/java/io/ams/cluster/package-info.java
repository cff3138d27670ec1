/**
 * The cluster's shared state in Redis (issue 11, DESIGN.md section 11): engines and sidecars register themselves
 * with a heartbeat, sidecars place rooms' mixes on engines and claim rooms for themselves. Nothing here is needed by
 * a single node: without {@code --redis-uri} none of it runs. Every call has a short deadline and a node goes on
 * alone while Redis is away.
 */
package io.ams.cluster;
