// AMS web client: the peer-to-peer call of a room of two (docs/SIGNALING.md "Peer to peer").
// The server decides; this side follows. p2p-start: build a second RTCPeerConnection to the other
// browser with the same camera and microphone (the one told to initiate offers), exchange offer,
// answer and candidates through the server, and say "connected" or "failed". The server connection
// stays up meanwhile: media-mode p2p pauses what we send to the server, media-mode server resumes it
// (first), and p2p-stop closes this connection (after).
import { iceConfig, selectedPair } from './ice.js';

export class P2pCall {
  /**
   * @param {object} o
   * @param {string} o.peerId        the other participant
   * @param {boolean} o.initiator    we send the offer
   * @param {RTCIceServer[]} o.iceServers  from p2p-start, with this participant's TURN credentials
   * @param {string|null} o.relay   ?relay= of the page (see ice.js iceConfig)
   * @param {number} o.connectMs     report "failed" if not connected by then
   * @param {MediaStream|null} o.localStream
   * @param {(m: object) => void} o.send  a signaling message to the server
   * @param {(stream: MediaStream) => void} o.onRemote  the other browser's camera and microphone
   * @param {boolean} o.blockRemoteCandidates  test hook: drop the other's candidates, as a network that
   *     blocks the direct path between the two would
   */
  constructor(o) {
    this.peerId = o.peerId;
    this.initiator = o.initiator;
    this.send = o.send;
    this.onRemote = o.onRemote;
    this.block = !!o.blockRemoteCandidates;
    this.state = 'connecting';
    this.remote = new MediaStream();
    this._pending = [];   // candidates before the remote description
    this._reported = false;
    this.pc = new RTCPeerConnection({ ...iceConfig(o.iceServers, o.relay), bundlePolicy: 'max-bundle' });
    const pc = this.pc;
    if (o.localStream) {
      for (const t of o.localStream.getTracks()) pc.addTrack(t, o.localStream);
    } else {
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
    }
    pc.onicecandidate = (e) => {
      this.send({ type: 'p2p-candidate', candidate: e.candidate ? e.candidate.candidate : null,
        sdpMid: e.candidate ? e.candidate.sdpMid : null, sdpMLineIndex: e.candidate ? e.candidate.sdpMLineIndex : null });
    };
    pc.ontrack = (e) => {
      this.remote.getTracks().filter((t) => t.kind === e.track.kind).forEach((t) => this.remote.removeTrack(t));
      this.remote.addTrack(e.track);
      this.onRemote(this.remote);
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      if (s === 'connected') this._report('connected');
      else if (s === 'failed') this._report('failed', 'the P2P connection failed (ICE/DTLS)');
    };
    this._timer = setTimeout(() => {
      if (pc.connectionState !== 'connected') this._report('failed', 'not connected within ' + o.connectMs + ' ms');
    }, Math.max(1000, (o.connectMs || 8000) - 1000)); // before the server's own deadline: we say why
    if (this.initiator) this._offer();
  }

  async _offer() {
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      this.send({ type: 'p2p-offer', sdp: this.pc.localDescription.sdp });
    } catch (e) {
      this._report('failed', 'cannot make the P2P offer: ' + e);
    }
  }

  /** p2p-offer, p2p-answer or p2p-candidate from the other browser, through the server. */
  async onSignal(m) {
    const pc = this.pc;
    try {
      if (m.type === 'p2p-offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        await this._flush();
        await pc.setLocalDescription(await pc.createAnswer());
        this.send({ type: 'p2p-answer', sdp: pc.localDescription.sdp });
      } else if (m.type === 'p2p-answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        await this._flush();
      } else if (m.type === 'p2p-candidate') {
        if (this.block && m.candidate) return;
        const c = m.candidate ? { candidate: m.candidate, sdpMid: m.sdpMid, sdpMLineIndex: m.sdpMLineIndex } : null;
        if (!pc.remoteDescription) this._pending.push(c); else await pc.addIceCandidate(c);
      }
    } catch (e) {
      this._report('failed', 'P2P signaling failed: ' + e);
    }
  }

  async _flush() {
    const queued = this._pending;
    this._pending = [];
    for (const c of queued) await this.pc.addIceCandidate(c);
  }

  _report(state, reason) {
    if (this._reported || this.state === 'closed') return;
    this._reported = true;
    this.state = state;
    clearTimeout(this._timer);
    this.send(reason ? { type: 'p2p-state', state, reason } : { type: 'p2p-state', state });
  }

  /** The microphone level we send on this connection, as RFC 6464 -dBov (0 loudest, 127 silence), or null. */
  async micLevel() {
    const report = await this.pc.getStats();
    let level = null;
    report.forEach((r) => {
      if (r.type === 'media-source' && r.kind === 'audio' && typeof r.audioLevel === 'number') {
        level = r.audioLevel <= 0 ? 127 : Math.min(127, Math.max(0, Math.round(-20 * Math.log10(r.audioLevel))));
      }
    });
    return level;
  }

  /**
   * What this browser receives from the other over the direct connection, as cumulative counters of its inbound
   * streams (for the server's network analyzer, which sees none of it): packets received and lost, bytes, the worst
   * jitter (ms) and the selected pair's RTT (ms, null unknown).
   */
  async link() {
    const report = await this.pc.getStats();
    const out = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, jitterMs: 0, rttMs: null };
    report.forEach((r) => {
      if (r.type === 'inbound-rtp') {
        out.packetsReceived += r.packetsReceived || 0;
        out.packetsLost += Math.max(0, r.packetsLost || 0);
        out.bytesReceived += r.bytesReceived || 0;
        out.jitterMs = Math.max(out.jitterMs, (r.jitter || 0) * 1000);
      } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded'
          && typeof r.currentRoundTripTime === 'number') {
        out.rttMs = r.currentRoundTripTime * 1000;
      }
    });
    return out;
  }

  /** The selected candidate pair's addresses, and the video frames decoded from the other browser. */
  async stats() {
    const report = await this.pc.getStats();
    const out = { state: this.pc.connectionState, localAddress: null, remoteAddress: null, remotePort: 0,
      framesDecoded: 0, bytesReceived: 0 };
    const pair = selectedPair(report);
    if (pair) {
      out.localAddress = pair.local && pair.local.address;
      out.remoteAddress = pair.remote && pair.remote.address;
      out.remotePort = pair.remote ? pair.remote.port : 0;
      out.selectedPair = pair;
    }
    report.forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        out.framesDecoded = r.framesDecoded || 0;
        out.bytesReceived += r.bytesReceived || 0;
      }
    });
    return out;
  }

  close() {
    this.state = 'closed';
    clearTimeout(this._timer);
    try { this.pc.close(); } catch (e) { /* closed already */ }
  }
}
