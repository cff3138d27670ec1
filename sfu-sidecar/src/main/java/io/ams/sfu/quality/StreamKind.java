package io.ams.sfu.quality;

/** What a stream we send to a participant carries. Audio is Opus with in-band FEC (the offer asks for it). */
public enum StreamKind {
    MAIN(true), MIX(true), AUDIO(false);

    final boolean video;
    final int clockRate;

    StreamKind(boolean video) {
        this.video = video;
        this.clockRate = video ? 90000 : 48000;
    }
}
