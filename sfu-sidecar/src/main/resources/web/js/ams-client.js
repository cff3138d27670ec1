// AMS web client: signaling (docs/SIGNALING.md) and the RTCPeerConnection.
// The server is the offerer: mid 0 = our microphone, mid 1 = our camera (we answer sendonly),
// mid 2 = the main speaker's video, mid 3 = the mix, mid 4.. = other participants' audio.

export class AmsClient extends EventTarget {
  constructor({ room, name, token, url }) {
    super();
    this.room = room;
    this.name = name;
    this.token = token;
    this.url = url;
    this.state = 'idle';
    this.participantId = null;
    this.participants = [];
    this.mainSpeaker = null;
    this.previousSpeaker = null;
    this.mixAvailable = false;
    this.errors = [];
    this.tracks = {};          // mid -> {role, participantId}
    this.streams = {};         // 'main' | 'mix' | 'audio:<id>' -> MediaStream
    this.localStream = null;
    this.pc = null;
    this.ws = null;
    this.pinned = null;
    this.audioMuted = false;
    this.videoMuted = false;
    this._queue = Promise.resolve();
    this._left = false;
  }

  _set(field, value) {
    this[field] = value;
    this.dispatchEvent(new CustomEvent('change', { detail: { field, value } }));
  }

  _error(code, message) {
    const e = { code, message, at: Date.now() };
    this.errors.push(e);
    this.dispatchEvent(new CustomEvent('error', { detail: e }));
  }

  async start() {
    this._set('state', 'media');
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia({
        audio: true, video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } } });
    } catch (e) {
      const denied = e && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
      this._error(denied ? 'media_denied' : 'media_unavailable', denied
        ? 'Camera and microphone access was denied. You can still watch and listen; allow access and reload to be seen.'
        : 'No camera or microphone could be opened (' + (e && e.name) + '). You can still watch and listen.');
      this.localStream = null;
    }
    this.dispatchEvent(new CustomEvent('localstream', { detail: this.localStream }));
    this._connect();
  }

  _connect() {
    this._set('state', 'connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this._error('server_unreachable', 'The server address is not valid: ' + this.url);
      this._set('state', 'failed');
      return;
    }
    this.ws = ws;
    ws.onopen = () => this._send({ type: 'join', room: this.room, name: this.name, token: this.token });
    ws.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      this._queue = this._queue.then(() => this._onMessage(m)).catch((e) => {
        this._error('client_error', 'The client failed to handle "' + m.type + '": ' + e);
      });
    };
    ws.onclose = (ev) => {
      if (this._left) return;
      if (this.state === 'connecting') {
        this._error('server_unreachable', 'The server cannot be reached. Check the address or try again later.');
      } else if (this.state !== 'failed' && this.state !== 'refused') {
        this._error('connection_lost', 'The connection to the server was lost' + (ev.reason ? ' (' + ev.reason + ')' : '') + '.');
      }
      if (this.state !== 'refused') this._set('state', 'failed');
      this._closePc();
    };
  }

  _send(m) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  async _onMessage(m) {
    switch (m.type) {
      case 'joined':
        this.participantId = m.participantId;
        this._set('state', 'joined');
        break;
      case 'offer':
        await this._onOffer(m);
        break;
      case 'participants':
        this._set('participants', m.list || []);
        break;
      case 'speaker':
        this.previousSpeaker = m.previous || null;
        this._set('mainSpeaker', m.main || null);
        break;
      case 'mix':
        this._set('mixAvailable', !!m.available);
        break;
      case 'error': {
        const words = {
          token_invalid: 'Your join link is not valid for this room. Ask the organiser for a new link.',
          token_expired: 'Your join link has expired. Ask the organiser for a new link.',
          room_unknown: 'This room does not exist.',
          room_full: 'The room is full.',
          rate_limited: 'Too many messages were sent; the connection was closed.',
        };
        if (m.code in words && m.code !== 'rate_limited') this._set('state', 'refused');
        this._error(m.code, (words[m.code] || 'The server reported a problem') + (m.message ? ' (' + m.message + ')' : ''));
        break;
      }
      case 'bye':
        this._error('bye', 'The server ended the session: ' + (m.reason || 'no reason given'));
        break;
      default:
        break;
    }
  }

  _ensurePc() {
    if (this.pc) return this.pc;
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    pc.onicecandidate = (e) => {
      if (e.candidate) {
        this._send({ type: 'candidate', candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid,
          sdpMLineIndex: e.candidate.sdpMLineIndex });
      } else {
        this._send({ type: 'candidate', candidate: null });
      }
    };
    pc.ontrack = (e) => this._onTrack(e);
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      if (s === 'connected') this._set('state', 'connected');
      else if (s === 'failed') {
        this._error('media_failed', 'The media connection failed: a firewall may block UDP to the server.');
        this._set('state', 'failed');
      } else if (s === 'disconnected') this._set('state', 'reconnecting');
    };
    this.pc = pc;
    return pc;
  }

  async _onOffer(m) {
    this.tracks = m.tracks || {};
    const pc = this._ensurePc();
    await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
    const audio = this.localStream && this.localStream.getAudioTracks()[0];
    const video = this.localStream && this.localStream.getVideoTracks()[0];
    for (const t of pc.getTransceivers()) {
      if (t.mid === '0' || t.mid === '1') {
        const track = t.mid === '0' ? audio : video;
        if (track && t.sender.track !== track) {
          await t.sender.replaceTrack(track);
          if (this.localStream) t.sender.setStreams(this.localStream);
        }
        t.direction = track ? 'sendonly' : 'inactive';
      } else if (this.tracks[t.mid]) {
        t.direction = 'recvonly';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this._send({ type: 'answer', sdp: pc.localDescription.sdp });
    // a re-used transceiver may now carry someone else's audio: re-route what we receive
    for (const t of pc.getTransceivers()) {
      if (t.receiver && t.receiver.track && this.tracks[t.mid] && t.currentDirection !== 'inactive') {
        this._route(t.mid, t.receiver.track);
      }
    }
  }

  _onTrack(e) {
    const mid = e.transceiver && e.transceiver.mid;
    this._route(mid, e.track);
  }

  _route(mid, track) {
    const role = this.tracks[mid];
    if (!role) return;
    const key = role.role === 'audio' ? 'audio:' + role.participantId : role.role;
    const old = this.streams[key];
    if (old && old.getTracks()[0] === track) return;
    const stream = new MediaStream([track]);
    this.streams[key] = stream;
    this.dispatchEvent(new CustomEvent('track', { detail: { key, role: role.role, participantId: role.participantId, stream, mid } }));
  }

  setAudioMuted(muted) {
    this.audioMuted = muted;
    if (this.localStream) this.localStream.getAudioTracks().forEach((t) => { t.enabled = !muted; });
    this._send({ type: 'mute', audio: this.audioMuted, video: this.videoMuted });
  }

  setVideoMuted(muted) {
    this.videoMuted = muted;
    if (this.localStream) this.localStream.getVideoTracks().forEach((t) => { t.enabled = !muted; });
    this._send({ type: 'mute', audio: this.audioMuted, video: this.videoMuted });
  }

  pin(participantId) {
    this.pinned = participantId || null;
    this._send({ type: 'pin', participantId: this.pinned });
    this.dispatchEvent(new CustomEvent('change', { detail: { field: 'pinned', value: this.pinned } }));
  }

  leave() {
    this._left = true;
    this._send({ type: 'leave' });
    if (this.ws) this.ws.close(1000, 'left');
    this._closePc();
    if (this.localStream) this.localStream.getTracks().forEach((t) => t.stop());
    this._set('state', 'left');
  }

  _closePc() {
    if (this.pc) {
      try { this.pc.close(); } catch (e) { /* already closed */ }
      this.pc = null;
    }
  }

  /** Per-track receive and send statistics, for the UI and for tests. */
  async stats() {
    const out = { main: null, mix: null, audioIn: 0, outbound: { video: null, audio: null } };
    if (!this.pc) return out;
    const midOfTrack = {};
    for (const t of this.pc.getTransceivers()) {
      if (t.receiver && t.receiver.track) midOfTrack[t.receiver.track.id] = t.mid;
    }
    const report = await this.pc.getStats();
    report.forEach((r) => {
      if (r.type === 'inbound-rtp') {
        const mid = r.mid || midOfTrack[r.trackIdentifier];
        const role = this.tracks[mid];
        if (!role) return;
        if (r.kind === 'video' && (role.role === 'main' || role.role === 'mix')) {
          out[role.role] = { framesDecoded: r.framesDecoded || 0, frameWidth: r.frameWidth || 0,
            frameHeight: r.frameHeight || 0, bytesReceived: r.bytesReceived || 0, packetsLost: r.packetsLost || 0,
            framesPerSecond: r.framesPerSecond || 0, keyFramesDecoded: r.keyFramesDecoded || 0 };
        } else if (r.kind === 'audio') {
          out.audioIn += 1;
        }
      } else if (r.type === 'outbound-rtp') {
        out.outbound[r.kind] = { bytesSent: r.bytesSent || 0, packetsSent: r.packetsSent || 0,
          framesEncoded: r.framesEncoded || 0, frameWidth: r.frameWidth || 0, frameHeight: r.frameHeight || 0 };
      }
    });
    return out;
  }
}
