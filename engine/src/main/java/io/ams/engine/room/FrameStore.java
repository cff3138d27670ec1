package io.ams.engine.room;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

import io.ams.engine.media.VideoFrame;

/**
 * The latest decoded picture of every participant of a room. The store owns one reference to
 * each frame it holds. {@link #publish} hands a new frame's reference to the store and
 * releases the one it replaces; {@link #snapshot} retains the frames it returns, so the mixer
 * owns those references and releases them when done (see {@link Snapshot#close()}). The mixer
 * therefore never waits for a slow input and a stalled participant keeps its last frame.
 *
 * <p>A participant whose camera is off ({@link #setMuted}) has no frame: its last one is dropped and what it
 * publishes meanwhile is released at once, so the mix shows its name placeholder, not a black or frozen picture.
 */
public final class FrameStore implements AutoCloseable {
    private final Map<String, VideoFrame> latest = new HashMap<>();
    private final Set<String> muted = new HashSet<>();
    private boolean closed;

    /** Stores {@code frame} (taking over the caller's reference) as the latest of {@code id}. */
    public void publish(String id, VideoFrame frame) {
        VideoFrame old;
        synchronized (this) {
            if (closed || muted.contains(id)) {
                old = frame;
            } else {
                old = latest.put(id, frame);
            }
        }
        if (old != null) {
            old.release();
        }
    }

    /**
     * Camera off ({@code muted}): drops {@code id}'s frame and ignores its publishes until unmuted; camera on: its
     * next published frame is shown again.
     */
    public void setMuted(String id, boolean isMuted) {
        VideoFrame old = null;
        synchronized (this) {
            if (isMuted) {
                muted.add(id);
                old = latest.remove(id);
            } else {
                muted.remove(id);
            }
        }
        if (old != null) {
            old.release();
        }
    }

    public synchronized boolean muted(String id) {
        return muted.contains(id);
    }

    /** Forgets {@code id}'s frame (and its camera-off state), releasing the store's reference. */
    public void remove(String id) {
        VideoFrame old;
        synchronized (this) {
            old = latest.remove(id);
            muted.remove(id);
        }
        if (old != null) {
            old.release();
        }
    }

    /** Retained frames of the given participants (those that have one). */
    public Snapshot snapshot(List<String> ids) {
        Map<String, VideoFrame> out = new HashMap<>();
        synchronized (this) {
            for (String id : ids) {
                VideoFrame f = latest.get(id);
                if (f != null) {
                    out.put(id, f.retain());
                }
            }
        }
        return new Snapshot(out);
    }

    public synchronized int size() {
        return latest.size();
    }

    /** Releases every held frame; later publishes are released at once. */
    @Override
    public void close() {
        Map<String, VideoFrame> copy;
        synchronized (this) {
            closed = true;
            copy = new HashMap<>(latest);
            latest.clear();
        }
        copy.values().forEach(VideoFrame::release);
    }

    /** Frames retained for one composition; closing releases them. */
    public static final class Snapshot implements AutoCloseable {
        private final Map<String, VideoFrame> frames;

        Snapshot(Map<String, VideoFrame> frames) {
            this.frames = frames;
        }

        public Map<String, VideoFrame> frames() {
            return frames;
        }

        @Override
        public void close() {
            frames.values().forEach(VideoFrame::release);
            frames.clear();
        }
    }
}
