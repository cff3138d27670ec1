package io.ams.rtp;

/**
 * A datagram is not a valid RTP packet (RFC 3550). The message is a short reason a person can
 * read in a log ("truncated header: 7 bytes", "bad version 1"). It carries no stack trace: it is
 * raised on the media path for every bad datagram, where the caller counts and drops it.
 */
public final class RtpFormatException extends Exception {
    public RtpFormatException(String reason) {
        super(reason, null, false, false);
    }
}
