package io.ams.rtp;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The codec-independent part of a {@link Depacketizer}: frame boundaries, loss detection by
 * sequence numbers, the size guard and the counters. A subclass parses payloads into the frame
 * buffer ({@link #write}) and says what a keyframe is.
 *
 * <p>Losses and the reference structure: a sequence gap calls {@link #onPacketsLost}, a frame
 * dropped as incomplete calls {@link #onFrameDropped}, and each complete frame goes through
 * {@link #admit} before it is handed out. The defaults here know nothing of the codec's
 * references: after any loss every frame is dropped until a keyframe. A subclass whose payload
 * format shows the references (VP8) overrides the four of them, with {@link #needsKeyframe}.
 *
 * <p>The frame buffer is reused from frame to frame; finished frames are copied out.
 */
public abstract class FrameAssembler implements Depacketizer {
    /** {@link #appendPayload} result: the payload was added to the frame. */
    protected static final int APPENDED = 0;
    /** {@link #appendPayload} result: the payload violates the format. */
    protected static final int MALFORMED = 1;
    /** {@link #appendPayload} result: the first packet of a frame is not the start of one (its start was lost). */
    protected static final int NOT_A_FRAME_START = 2;

    private final VideoCodec codec;
    /**
     * Whether the payload format shows a frame's first packet (VP8: S bit with partition 0). When
     * it does not (H.264), a frame right after a sequence gap may have lost its beginning and is dropped.
     */
    private final boolean frameStartVisible;
    private final ArrayDeque<EncodedFrame> ready = new ArrayDeque<>(2);

    private byte[] frame = new byte[64 * 1024];
    private int frameLength;

    private boolean haveLastSeq;
    private int lastSeq;
    private boolean open;
    private boolean firstPacket;
    private boolean broken;
    private long frameTimestamp;
    private long lastReceivedNanos;
    /** Default reference policy: a loss since the last keyframe. */
    private boolean referenceLost = true;
    /** A loss (gap or dropped frame) since the last keyframe handed out: frames handed out now decode across it. */
    private boolean lossSinceKeyframe;

    private long framesDropped;
    private long framesCompleted;
    private long framesAcrossLoss;
    private long framesIncomplete;
    private long framesUnreferenced;
    private long malformed;

    protected FrameAssembler(VideoCodec codec, boolean frameStartVisible) {
        this.codec = codec;
        this.frameStartVisible = frameStartVisible;
    }

    @Override
    public final EncodedFrame push(RtpPacket p) {
        int seq = p.sequenceNumber();
        if (haveLastSeq && seq == lastSeq) {
            return ready.poll(); // duplicate
        }
        boolean gap = haveLastSeq && seq != ((lastSeq + 1) & 0xFFFF);
        haveLastSeq = true;
        lastSeq = seq;
        if (gap) {
            lossSinceKeyframe = true;
            onPacketsLost();
        }
        if (open) {
            if (p.timestamp() == frameTimestamp) {
                broken |= gap;
            } else if (gap || broken) {
                dropFrame();
            } else {
                completeFrame(); // the sender did not set the marker on the last packet
            }
        }
        if (p.payloadLength() > 0) {
            if (!open) {
                beginFrame(p.timestamp());
                broken = gap && !frameStartVisible;
            }
            lastReceivedNanos = p.receivedNanos();
            if (broken) {
                if (!inspect(p)) {
                    malformed++;
                }
            } else {
                int result = appendPayload(p, firstPacket);
                firstPacket = false;
                if (result == MALFORMED) {
                    malformed++;
                    broken = true;
                } else if (result == NOT_A_FRAME_START) {
                    broken = true;
                } else if (frameLength > MAX_FRAME_BYTES) {
                    broken = true;
                }
            }
        }
        // a padding-only packet with the marker still ends the frame being assembled
        if (p.marker() && open) {
            if (broken) {
                dropFrame();
            } else {
                completeFrame();
            }
        }
        return ready.poll();
    }

    @Override
    public final EncodedFrame poll() {
        return ready.poll();
    }

    private void beginFrame(long timestamp) {
        open = true;
        broken = false;
        frameTimestamp = timestamp;
        frameLength = 0;
        firstPacket = true;
        startFrame();
    }

    private void dropFrame() {
        open = false;
        framesDropped++;
        framesIncomplete++;
        lossSinceKeyframe = true;
        onFrameDropped(lastReceivedNanos);
    }

    private void completeFrame() {
        open = false;
        byte[] data = finishFrame(frame, frameLength);
        if (data == null) {
            malformed++;
            dropFrame();
            return;
        }
        if (data.length == 0) {
            return; // nothing to decode (e.g. parameter sets only, kept by the subclass)
        }
        boolean key = isKeyframe();
        if (!admit(key, lastReceivedNanos)) {
            framesDropped++;
            framesUnreferenced++;
            return;
        }
        if (key) {
            lossSinceKeyframe = false;
        } else if (lossSinceKeyframe) {
            framesAcrossLoss++;
        }
        framesCompleted++;
        ready.add(new EncodedFrame(codec, data, key, frameTimestamp, lastReceivedNanos));
    }

    /** A sequence gap: packets were lost for good (repair, if any, did not come in time). */
    protected void onPacketsLost() {
        referenceLost = true;
    }

    /** The frame being assembled was dropped: a packet of it was lost, or it was malformed or too big. */
    protected void onFrameDropped(long receivedNanos) {
        referenceLost = true;
    }

    /**
     * Whether a complete frame may be handed out to the decoder: true when what it references
     * was decoded. The default: a keyframe always; anything else only while no loss happened
     * since the last keyframe.
     */
    protected boolean admit(boolean keyframe, long receivedNanos) {
        if (keyframe) {
            referenceLost = false;
        }
        return !referenceLost;
    }

    /**
     * A packet of a frame already broken: not appended, but the subclass may read what it tells
     * about the frame (its place in the reference structure). Returns false if it is malformed.
     */
    protected boolean inspect(RtpPacket p) {
        return true;
    }

    /** Forgets the reference state on {@link #reset()}: a keyframe is needed again. */
    protected void resetReferences() {
        referenceLost = true;
    }

    /** Called when a new frame starts; resets per-frame parsing state. */
    protected abstract void startFrame();

    /**
     * Parses one packet's payload into the frame with {@link #write}.
     *
     * @param firstPacket true for the first packet of the frame
     * @return {@link #APPENDED}, {@link #MALFORMED} or {@link #NOT_A_FRAME_START}
     */
    protected abstract int appendPayload(RtpPacket p, boolean firstPacket);

    /** Whether the frame just finished is a keyframe; called after {@link #finishFrame}. */
    protected abstract boolean isKeyframe();

    /**
     * Turns the assembled bytes into the frame's data: a copy of {@code buf[0, length)}, possibly
     * with additions; an empty array for a frame with nothing to decode; null if the frame is malformed.
     */
    protected byte[] finishFrame(byte[] buf, int length) {
        return Arrays.copyOf(buf, length);
    }

    /** Appends bytes to the frame being assembled (silently stops growing past the size guard). */
    protected final void write(byte[] src, int off, int len) {
        int need = frameLength + len;
        if (need > MAX_FRAME_BYTES) {
            frameLength = need; // marks the frame too big; push() drops it
            return;
        }
        if (need > frame.length) {
            frame = Arrays.copyOf(frame, Math.min(MAX_FRAME_BYTES, Math.max(need, frame.length * 2)));
        }
        System.arraycopy(src, off, frame, frameLength, len);
        frameLength = need;
    }

    /** Appends one byte. */
    protected final void write(int b) {
        if (frameLength + 1 > MAX_FRAME_BYTES) {
            frameLength++;
            return;
        }
        if (frameLength == frame.length) {
            frame = Arrays.copyOf(frame, Math.min(MAX_FRAME_BYTES, frame.length * 2));
        }
        frame[frameLength++] = (byte) b;
    }

    /** Bytes assembled so far in the current frame. */
    protected final int frameLength() {
        return frameLength;
    }

    @Override
    public boolean needsKeyframe() {
        return referenceLost;
    }

    @Override
    public final long framesDecodableAcrossLoss() {
        return framesAcrossLoss;
    }

    @Override
    public final long framesIncomplete() {
        return framesIncomplete;
    }

    @Override
    public final long framesReferenceLost() {
        return framesUnreferenced;
    }

    @Override
    public final long framesDropped() {
        return framesDropped;
    }

    @Override
    public final long framesCompleted() {
        return framesCompleted;
    }

    @Override
    public final long malformed() {
        return malformed;
    }

    @Override
    public void reset() {
        open = false;
        broken = false;
        haveLastSeq = false;
        frameLength = 0;
        lossSinceKeyframe = false;
        resetReferences();
        ready.clear();
    }
}
