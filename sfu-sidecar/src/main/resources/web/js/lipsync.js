// Lip sync of the main video with its speaker's voice (docs/DESIGN.md section 10, "Lip sync").
//
// The server relays the main speaker's camera on the main slot and their microphone on their audio slot.
// The browser syncs only tracks of one MediaStream (one msid), and the main slot's source changes with the
// speaker, so no SDP can put them in one, and without a sync group Chrome estimates no playout timestamps:
// this client syncs them itself. The server's sender reports give both streams the speaker's own capture
// clock and come as the message "clock" too; with the RTP timestamp of what each receiver delivered last and
// when (getSynchronizationSources), the capture time of what plays now is known for both, on one scale:
// their difference is the A/V offset on screen. The stream that runs ahead is held back with
// RTCRtpReceiver.jitterBufferTarget, at most 150 ms more per correction (holding video back freezes it for as
// long: a big offset is taken away in steps, not in one stall).

export const LIPSYNC = Object.freeze({
  everyMs: 1000,       // one reading a second
  toleranceMs: 25,     // closer than this is in sync (well inside what people notice: ~45 ms audio early)
  maxHoldMs: 1000,     // never hold a stream back further (the browser caps jitterBufferTarget at 4 s)
  readings: 3,         // a correction follows the median of the last readings, not one noisy value
  maxStepMs: 150,      // one correction moves the hold at most this far: holding video back freezes it that long
  staleMs: 5000,       // a sender report older than this says nothing about what plays now (a paused stream)
});

/**
 * The capture time (ms, the server's sender-report scale) of what a receiver plays now, with its jitter-buffer
 * readings, or null without a delivered frame or a sender report of its stream.
 */
async function playout(receiver, clocks) {
  const now = performance.timeOrigin + performance.now();
  let at = null;
  for (const src of receiver.getSynchronizationSources()) {
    const c = clocks[src.source];
    if (!c || now - c.ntpMs > LIPSYNC.staleMs || now - src.timestamp > LIPSYNC.staleMs) continue;
    const ticks = ((src.rtpTimestamp - c.rtp) | 0); // 32-bit wrap: the signed difference
    at = c.ntpMs + (ticks / c.rate) * 1000 + (now - src.timestamp);
  }
  if (at === null) return null;
  let emitted = 0;
  let bufferSeconds = 0;
  (await receiver.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp') {
      emitted = r.jitterBufferEmittedCount || 0;
      bufferSeconds = r.jitterBufferDelay || 0;
    }
  });
  return { at, emitted, bufferSeconds };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export class LipSync {
  /** @param client the AmsClient; @param correct false: measure only (?lipsync=0, to see the offset without it) */
  constructor(client, { correct = true } = {}) {
    this.client = client;
    this.correct = correct;
    this.source = null;        // whose camera the main video shows
    this.offsetMs = null;      // audio's playout capture time minus video's: > 0 audio plays early, < 0 late
    this.residualMs = null;    // the same after what we hold back: what the user sees and hears
    this.audioHoldMs = 0;      // jitterBufferTarget we set, beyond the buffer's own delay
    this.videoHoldMs = 0;
    this.audioBufferMs = null; // each receiver's jitter-buffer delay over the last second (holds included)
    this.videoBufferMs = null;
    this.corrections = 0;
    this.reason = 'starting';  // why there is no reading: no main video, mixed audio, no sender report yet
    this._readings = [];
    this._held = [];           // receivers we set a target on
    this._last = new WeakMap(); // receiver -> its previous playout reading (the buffer's recent delay)
    this._busy = false;
    this._timer = setInterval(() => this.tick().catch(() => {}), LIPSYNC.everyMs);
  }

  stop() {
    clearInterval(this._timer);
    this._release();
  }

  /** The participant whose camera is on this client's main video: its pin, else the speaker (or the previous one). */
  mainSource() {
    const c = this.client;
    if (c.pinned) return c.pinned;
    return c.mainSpeaker === c.participantId ? c.previousSpeaker : c.mainSpeaker;
  }

  _receivers(source) {
    const c = this.client;
    const pc = c.pc;
    if (!pc) return null;
    let video = null;
    let audio = null;
    for (const t of pc.getTransceivers()) {
      const role = c.tracks[t.mid];
      if (!role || !t.receiver) continue;
      if (role.role === 'main') video = t.receiver;
      if (role.role === 'audio' && role.participantId === source) audio = t.receiver;
    }
    return video && audio ? { video, audio } : null;
  }

  _release() {
    for (const r of this._held) {
      try { r.jitterBufferTarget = null; } catch (e) { /* closed */ }
    }
    this._held = [];
    this.audioHoldMs = 0;
    this.videoHoldMs = 0;
    this._readings = [];
  }

  _set(receiver, ms) {
    if (!('jitterBufferTarget' in receiver)) return false;
    receiver.jitterBufferTarget = ms > 0 ? ms : null;
    if (!this._held.includes(receiver)) this._held.push(receiver);
    return true;
  }

  async tick() {
    if (this._busy) return;
    this._busy = true;
    try {
      await this._tick();
    } finally {
      this._busy = false;
    }
  }

  async _tick() {
    const c = this.client;
    const source = this.mainSource();
    if (source !== this.source || c.mediaMode !== this._mode) {
      this._mode = c.mediaMode; // back from a P2P call: the server's streams start again from the browser's delays
      this._release();       // a new speaker: their streams start from the browser's own delays
      this.source = source;
      this.offsetMs = null;
      this.residualMs = null;
    }
    if (c.mediaMode === 'p2p') { this.reason = 'peer to peer: the browser syncs the other\'s tracks'; return; }
    if (c.audioMode === 'mixed') { this.reason = 'mixed audio: the voice comes in the room\'s mix'; return; }
    const rx = source ? this._receivers(source) : null;
    if (!rx) { this.reason = 'no main video with its speaker\'s audio'; return; }
    const [v, a] = await Promise.all([playout(rx.video, c.streamClocks), playout(rx.audio, c.streamClocks)]);
    if (!v || !a) { this.reason = 'no sender report or delivered frame yet of the ' + (!v && !a ? 'video and audio' : !v ? 'video' : 'audio'); return; }
    const delayA = this._recentDelayMs(rx.audio, a);
    const delayV = this._recentDelayMs(rx.video, v);
    this.audioBufferMs = Math.round(delayA);
    this.videoBufferMs = Math.round(delayV);
    this.reason = '';
    // what plays now: audio captured at a.at, video at v.at; both already include what we hold back
    const residual = a.at - v.at;
    this.residualMs = Math.round(residual);
    this._readings.push(residual);
    if (this._readings.length > LIPSYNC.readings) this._readings.shift();
    // the offset without us: what we hold audio back shifts its playout to earlier captures, video's likewise
    this.offsetMs = Math.round(residual + this.audioHoldMs - this.videoHoldMs);
    if (!this.correct || this._readings.length < LIPSYNC.readings) return;
    const m = median(this._readings);
    if (Math.abs(m) <= LIPSYNC.toleranceMs) return;
    // one signed hold: > 0 holds audio back, < 0 video; the new hold adds the remaining offset
    const step = Math.max(-LIPSYNC.maxStepMs, Math.min(LIPSYNC.maxStepMs, m));
    let hold = this.audioHoldMs - this.videoHoldMs + step;
    hold = Math.max(-LIPSYNC.maxHoldMs, Math.min(LIPSYNC.maxHoldMs, hold));
    const audioHold = Math.max(0, hold);
    const videoHold = Math.max(0, -hold);
    // jitterBufferTarget is the buffer's whole delay: its own (the last second's, less what we held) plus ours
    const own = (recent, held) => Math.max(0, recent - held);
    const okA = this._set(rx.audio, audioHold > 0 ? Math.round(own(delayA, this.audioHoldMs) + audioHold) : 0);
    const okV = this._set(rx.video, videoHold > 0 ? Math.round(own(delayV, this.videoHoldMs) + videoHold) : 0);
    if (!okA || !okV) { this.reason = 'this browser cannot hold a stream back (no jitterBufferTarget)'; return; }
    this.audioHoldMs = audioHold;
    this.videoHoldMs = videoHold;
    this.corrections += 1;
    this._readings = [];
  }

  /** The jitter buffer's mean delay (ms) over the time since the previous reading of this receiver. */
  _recentDelayMs(receiver, p) {
    const last = this._last.get(receiver);
    this._last.set(receiver, p);
    const n = last ? p.emitted - last.emitted : p.emitted;
    const sec = last ? p.bufferSeconds - last.bufferSeconds : p.bufferSeconds;
    return n > 0 ? (sec / n) * 1000 : 0;
  }

  /** For stats() and the tests. */
  snapshot() {
    return { source: this.source, offsetMs: this.offsetMs, residualMs: this.residualMs, audioHoldMs: this.audioHoldMs,
      videoHoldMs: this.videoHoldMs, audioBufferMs: this.audioBufferMs, videoBufferMs: this.videoBufferMs, corrections: this.corrections, correcting: this.correct, reason: this.reason };
  }
}
