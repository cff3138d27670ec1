package io.ams.sfu.sdp;

/** An SDP that cannot be used, with a message naming the line or attribute at fault. */
public final class SdpException extends Exception {
    public SdpException(String message) {
        super(message);
    }
}
