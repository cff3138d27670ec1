package io.ams.sfu.quality;

/**
 * What our latest sender report of one relayed stream said, for a client that syncs the streams itself
 * (message {@code clock}, docs/SIGNALING.md): the stream's RTP timestamp {@code rtpTimestamp} belongs to
 * the instant {@code ntpUnixMillis} (our clock, Unix milliseconds). Since a relayed stream's timestamps
 * follow its source participant's own clock ({@link SenderClock}), two streams of one participant give
 * the capture times of what a browser plays on one scale.
 */
public record StreamClock(long ssrc, double ntpUnixMillis, long rtpTimestamp, int clockRate) {
}
