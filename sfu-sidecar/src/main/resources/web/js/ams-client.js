// AMS web client: signaling (docs/SIGNALING.md) and the RTCPeerConnection.
// The server is the offerer: mid 0 = our microphone, mid 1 = our camera (we answer sendonly),
// mid 2 = the main speaker's video, mid 3 = the mix, mid 4.. = other participants' audio, mid "ma" = the
// engine's mixed audio for us (offered once the room reaches the audio mix threshold; message "audio" says
// which of the two the server sends now: every audio track is played, the server sends on one kind only).
//
// Peer to peer (p2p.js): in a room of two the server may ask both clients to talk directly; this
// client keeps its server connection up with what it sends paused, and switches back at the server's word.
//
// Rejoining: a meeting must survive a sidecar restart, a proxy dropping the WebSocket or a network
// change. Once admitted, the client treats the loss of its session (the WebSocket closes, the server
// stops answering, or the media connection fails) as temporary: it closes the RTCPeerConnection,
// keeps the camera and microphone, and sends the same join on a new WebSocket with exponential
// backoff until the media flows again or a minute has passed. Only the server's final answers
// (REFUSALS, or a bye that does not follow connection_failed) and leave() end the meeting for good.
//
// Room access control: a host (its join token says role "host") can lock the room, remove a participant
// and ask one to mute. A removed participant's meeting ends for good (state 'removed', no rejoin: its link
// was revoked); a locked room's or a revoked link's refusal is final too (state 'refused').

/**
 * Errors after which the same join would be refused again, so rejoining could only loop. The server
 * closes the WebSocket after each. `refused`: the room or the link does not admit us (state 'refused');
 * the others end in 'failed'.
 */
const REFUSALS = {
  token_invalid: { refused: true, words: 'Your join link is not valid for this room. Ask the organiser for a new link.' },
  token_expired: { refused: true, words: 'Your join link has expired. Ask the organiser for a new link.' },
  room_unknown: { refused: true, words: 'This room does not exist.' },
  room_full: { refused: true, words: 'The room is full.' },
  room_locked: { refused: true, words: 'This room is locked: the host is not letting anyone new in right now.' },
  token_revoked: { refused: true, words: 'Your join link no longer admits you.' },
  // a host removed us: the server's words say who; the camera and microphone are switched off
  removed: { refused: true, state: 'removed', words: null },
  // the client itself misbehaved: joining again would only repeat it
  rate_limited: { refused: false, words: 'Too many messages were sent; the connection was closed.' },
};

/** Rejoin policy: wait 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s between attempts, each shortened at random by
 * up to a quarter (so a restarted server is not hit by every client at once), for at most a minute after
 * the session was lost. */
import { P2pCall } from './p2p.js';
import { LipSync } from './lipsync.js';
import { Documents } from './documents.js';
import { iceConfig, iceError, selectedPair } from './ice.js';

/** How long a P2P connection the server ended stays up for the other side's switch (its wait is at most 1.5 s). */
const P2P_LINGER_MS = 2000;

export const RECONNECT = Object.freeze({
  firstDelayMs: 500,
  maxDelayMs: 10000,
  jitter: 0.25,
  giveUpAfterMs: 60000,
  // a new WebSocket to an unreachable host can hang for minutes: an attempt not admitted by then failed
  attemptTimeoutMs: 10000,
});

/** An idle WebSocket may die without a close (a NAT or proxy forgets it): ping, and treat silence as a loss.
 * The pings also keep proxies with an idle timeout (nginx: 60 s) from closing a quiet connection. */
const CHAT_KEPT = 500; // chat messages the page keeps (the server keeps the last 200 for those who join later)
const KEEPALIVE = Object.freeze({ pingEveryMs: 10000, silentAfterMs: 25000 });

export class AmsClient extends EventTarget {
  constructor({ room, name, token, url, p2p = true, p2pBlock = false, relay = null, lipSync = true, openSocket = null, screen = null,
    devices = null }) {
    super();
    // how the signaling connection is made: a WebSocket to url, or another transport of its shape (mqtt-signal.js)
    this._openSocket = openSocket || ((u) => new WebSocket(u));
    this.lipSync = new LipSync(this, { correct: lipSync }); // main video against its speaker's voice (lipsync.js)
    this.documents = new Documents(this); // the room's documents and the presented page (documents.js)
    this.relay = relay;         // ?relay= (tests of restrictive networks): null, 'any', 'udp', 'tcp' or 'tls'
    this.iceServers = [];       // from joined: STUN and TURN (with this session's credentials)
    this.iceErrors = [];        // icecandidateerror events of the server connection (a refused TURN credential: 401)
    this.p2pAllowed = p2p;      // we tell the server we can talk peer to peer (join "p2p")
    this.p2pBlock = p2pBlock;   // test hook: the other browser's P2P candidates are dropped (a blocked direct path)
    this.mediaMode = 'server';  // 'p2p' while the call runs peer to peer (message media-mode)
    this.mediaModeLog = [];     // {mode, at}: every switch, for the UI and tests
    this.p2p = null;            // the P2pCall while one is set up or running
    this._p2pStatsTimer = null;
    this.screen = screen;       // a screen-share session (join "screen"): sends this display stream, receives nothing
    this.screenShare = null;    // our own screen-share session while we share (shareScreen)
    this.sharing = false;
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
    this.audioMode = 'forwarded'; // what the server sends us (message "audio"): 'mixed' (one stream) or 'forwarded'
    this.quality = {};         // participant id -> {id, name, uplink, downlink} (message "quality")
    this.bandwidth = null;     // the server's view of our downlink (message "bandwidth"): estimate, layer, mixOnly
    this.errors = [];
    this.notices = [];         // {text, at}: what happened to us that is not an error (asked to mute, room locked)
    this.role = null;          // 'host' or 'participant', as the server admitted us
    this.locked = false;       // nobody new may join the room (message room-locked)
    this.lockedBy = null;
    this.recording = false;    // the server records the room (message "recording"), started by recordingBy
    this.recordingBy = null;
    this.chat = [];            // the room's chat, oldest first: {seq, participantId, name, at, text} (chat, chat-history)
    this.tracks = {};          // mid -> {role, participantId}
    this.streamClocks = {};    // ssrc -> {ntpMs, rtp, rate}: the server's latest sender report of a relayed stream
    this.streams = {};         // 'main' | 'mix' | 'audio:<id>' -> MediaStream
    this.localStream = null;
    this.devices = devices;    // {videoId, audioId}: the camera and microphone to open (remembered choice), null: defaults
    this.pc = null;
    this.ws = null;
    this.pinned = null;
    this.audioMuted = false;
    this.videoMuted = false;
    this.sendConstraints = null; // the server's last "constraints" message: what our camera sends
    this.constraintsApplied = 0; // its version once applied
    this.reconnects = 0;       // sessions restored after a loss (counted when their media flows)
    this.reconnectAttempt = 0; // the rejoin attempt under way or next; 0 while not rejoining
    this._queue = Promise.resolve();
    this._left = false;
    this._admitted = false;    // the server has admitted us once: from then on a lost session is rejoined
    this._mediaConnected = false; // the media has flowed once: a later media failure is a network change
    this._ending = null;       // {final} once the server said why it ends the current session
    this._episode = null;      // {startedAt, timer} while rejoining
    this._attemptTimer = null;
    this._keepalive = null;
    this._pingSentAt = 0;
    this._lastHeard = 0;
    this._onOnline = () => this._retryNow();
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

  _notice(text) {
    this.notices.push({ text, at: Date.now() });
    this.dispatchEvent(new CustomEvent('change', { detail: { field: 'notices', value: this.notices } }));
  }

  /** What getUserMedia is asked for: the chosen devices (ideal, so a device that went away falls back), 720p30. */
  static mediaConstraints(devices) {
    const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    if (devices && devices.videoId) video.deviceId = { ideal: devices.videoId };
    const audio = devices && devices.audioId ? { deviceId: { ideal: devices.audioId } } : true;
    return { audio, video };
  }

  /** Joins; {@code stream}: a camera and microphone stream already open (the pre-join preview), else opened here. */
  async start(stream = undefined) {
    this._set('state', 'media');
    if (this.screen) {
      this.localStream = this.screen;
      this._connect();
      return;
    }
    try {
      this.localStream = stream !== undefined && stream !== null ? stream
        : await navigator.mediaDevices.getUserMedia(AmsClient.mediaConstraints(this.devices));
    } catch (e) {
      const denied = e && (e.name === 'NotAllowedError' || e.name === 'SecurityError');
      this._error(denied ? 'media_denied' : 'media_unavailable', denied
        ? 'Camera and microphone access was denied. You can still watch and listen; allow access and reload to be seen.'
        : 'No camera or microphone could be opened (' + (e && e.name) + '). You can still watch and listen.');
      this.localStream = null;
    }
    this.dispatchEvent(new CustomEvent('localstream', { detail: this.localStream }));
    // back online after a network change: no need to sit out the rest of a backoff delay
    if (globalThis.addEventListener) globalThis.addEventListener('online', this._onOnline);
    this._connect();
  }

  /** Opens a WebSocket and joins; used for the first join and for every rejoin. */
  _connect() {
    this._set('state', this._episode ? 'reconnecting' : 'connecting');
    this._ending = null;
    let ws;
    try {
      ws = this._openSocket(this.url);
    } catch (e) {
      this._error('server_unreachable', 'The server address is not valid: ' + this.url);
      this._giveUp();
      return;
    }
    this.ws = ws;
    this._attemptTimer = setTimeout(() => this._enqueue(ws, () => this._lost(ws, 'no answer to the join')),
      RECONNECT.attemptTimeoutMs);
    ws.onopen = () => {
      if (ws !== this.ws) return;
      this._lastHeard = Date.now();
      this._send({ type: 'join', room: this.room, name: this.name, token: this.token, p2p: this.p2pAllowed && !this.screen,
        screen: !!this.screen });
      this._startKeepalive(ws);
    };
    ws.onmessage = (ev) => {
      if (ws !== this.ws) return;
      this._lastHeard = Date.now();
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      this._enqueue(ws, () => this._onMessage(m), m.type);
    };
    // through the queue: messages received before the close (an error saying why) are handled first
    ws.onclose = (ev) => this._enqueue(ws, () => this._lost(ws, ev.reason || 'the connection to the server closed'));
  }

  /** Runs fn in order with the messages, unless the socket it belongs to has been given up meanwhile. */
  _enqueue(ws, fn, what) {
    this._queue = this._queue.then(() => (ws === this.ws ? fn() : undefined)).catch((e) => {
      // a closed peer connection makes a pending step fail: that is the loss, not a bug worth showing
      if (ws === this.ws) this._error('client_error', 'The client failed to handle "' + (what || 'close') + '": ' + e);
    });
  }

  /**
   * Shares a screen, window or tab (getDisplayMedia) as a second session of this participant (docs/SIGNALING.md
   * "Screen share"): everyone's main video while it lasts, and a tile in the mix. Ends with stopScreenShare(), or
   * when the browser's own "Stop sharing" ends the capture.
   */
  async shareScreen() {
    if (this.screenShare) return;
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (e) {
      if (e && e.name === 'NotAllowedError') return; // the user cancelled the picker
      this._error('screen_unavailable', 'The screen could not be captured (' + (e && e.name) + ').');
      return;
    }
    const share = new AmsClient({ room: this.room, name: this.name, token: this.token, url: this.url, p2p: false,
      lipSync: false, openSocket: this._openSocket, screen: stream });
    this.screenShare = share;
    share.addEventListener('error', (e) => {
      this._error(e.detail.code, e.detail.code === 'screen_busy' ? e.detail.message : 'Screen sharing: ' + e.detail.message);
      if (['screen_busy', 'room_full', 'token_invalid', 'token_expired', 'token_revoked'].includes(e.detail.code)) {
        this.stopScreenShare();
      }
    });
    stream.getVideoTracks()[0].addEventListener('ended', () => this.stopScreenShare()); // "Stop sharing" pressed
    this._set('sharing', true);
    share.start();
  }

  /** Ends our screen share: its session leaves and the capture stops. */
  stopScreenShare() {
    const share = this.screenShare;
    if (!share) return;
    this.screenShare = null;
    share.leave();
    for (const t of share.screen.getTracks()) t.stop();
    this._set('sharing', false);
  }

  _send(m) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  _startKeepalive(ws) {
    clearInterval(this._keepalive);
    this._pingSentAt = 0;
    this._keepalive = setInterval(() => {
      if (ws !== this.ws) return;
      const now = Date.now();
      // silence counts from an unanswered ping, so a throttled timer in a background tab is no loss
      if (this._pingSentAt && this._lastHeard < this._pingSentAt && now - this._pingSentAt > KEEPALIVE.silentAfterMs) {
        this._enqueue(ws, () => this._lost(ws, 'the server stopped answering'));
      } else if (!this._pingSentAt || this._lastHeard >= this._pingSentAt) {
        this._pingSentAt = now;
        this._send({ type: 'ping' });
      }
    }, KEEPALIVE.pingEveryMs);
  }

  /**
   * The session on `ws` is over: the socket closed, did not answer, or the client gave it up. Ends
   * the meeting if the server said so (or never admitted us), else rejoins.
   */
  _lost(ws, reason) {
    if (ws !== this.ws) return; // handled already
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
      try { ws.close(1000, 'rejoining'); } catch (e) { /* closing anyway */ }
    }
    this._stopSessionTimers();
    this._closePc();
    if (this._left) return;
    this._forgetRoom();
    if (this._ending && this._ending.final) {
      // the reason is already shown (refusal, media failure, bye)
      this._giveUp();
    } else if (!this._admitted) {
      this._error('server_unreachable', 'The server cannot be reached. Check the address or try again later.');
      this._giveUp();
    } else {
      this._rejoinLater(reason);
    }
  }

  _rejoinLater(reason) {
    const now = Date.now();
    if (!this._episode) {
      this._episode = { startedAt: now, timer: null };
      console.info('AMS: session lost (' + reason + '), rejoining');
    }
    const elapsed = now - this._episode.startedAt;
    if (elapsed >= RECONNECT.giveUpAfterMs) {
      this._error('connection_lost', 'The connection to the server was lost and could not be restored within a minute'
        + ' (last problem: ' + reason + '). Check your network, then reload the page to join again.');
      this._giveUp();
      return;
    }
    const attempt = this.reconnectAttempt + 1;
    const nominal = Math.min(RECONNECT.maxDelayMs, RECONNECT.firstDelayMs * 2 ** (attempt - 1));
    const delay = Math.min(nominal * (1 - RECONNECT.jitter * Math.random()), RECONNECT.giveUpAfterMs - elapsed);
    this._set('reconnectAttempt', attempt);
    this._set('state', 'reconnecting');
    this._episode.timer = setTimeout(() => {
      this._episode.timer = null;
      this._connect();
    }, delay);
  }

  /** The browser is online again: start the waiting attempt now. */
  _retryNow() {
    if (this._episode && this._episode.timer && !this._left) {
      clearTimeout(this._episode.timer);
      this._episode.timer = null;
      this._connect();
    }
  }

  /** The media flows again: the rejoin is complete. */
  _rejoined() {
    if (!this._episode) return;
    clearTimeout(this._episode.timer);
    this._episode = null;
    this._set('reconnects', this.reconnects + 1);
    this._set('reconnectAttempt', 0);
  }

  _giveUp() {
    if (this._episode) clearTimeout(this._episode.timer);
    this._episode = null;
    this._stopSessionTimers();
    if (this.reconnectAttempt) this._set('reconnectAttempt', 0);
    if (this.state !== 'refused' && this.state !== 'removed' && this.state !== 'redirected') this._set('state', 'failed');
    if (globalThis.removeEventListener) globalThis.removeEventListener('online', this._onOnline);
  }

  _stopSessionTimers() {
    clearTimeout(this._attemptTimer);
    this._attemptTimer = null;
    clearInterval(this._keepalive);
    this._keepalive = null;
  }

  /** What we knew of the room belongs to the lost session; the rejoin tells us afresh. */
  _forgetRoom() {
    this._endP2p();
    this.participantId = null;
    this.previousSpeaker = null;
    this.sendConstraints = null; // the next session's constraints start again at version 1
    this.constraintsApplied = 0;
    this._set('participants', []);
    this._set('mainSpeaker', null);
    this._set('mixAvailable', false);
    this._set('audioMode', 'forwarded');
    this._set('quality', {});
    this._set('bandwidth', null);
    this.lockedBy = null;
    this._set('locked', false);
    this.recordingBy = null;
    this._set('recording', false); // a new session is told again if the room is still recorded
    if (this.pinned) {
      // participant ids are per session (a restarted server hands them out again): a pin could pick the wrong person
      this._set('pinned', null);
    }
  }

  async _onMessage(m) {
    switch (m.type) {
      case 'joined':
        this.participantId = m.participantId;
        this.role = m.role || 'participant';
        this.lockedBy = m.lockedBy || null;
        this.locked = !!m.locked;
        this.iceServers = Array.isArray(m.iceServers) ? m.iceServers : [];
        this._admitted = true;
        this.documents.reset(m.documents === true); // the server tells this session the room's documents again
        clearTimeout(this._attemptTimer);
        this._attemptTimer = null;
        this._set('state', 'joined');
        // a new session starts unmuted on the server: tell it what this user chose before
        if (this.audioMuted || this.videoMuted) this._send({ type: 'mute', audio: this.audioMuted, video: this.videoMuted });
        break;
      case 'offer':
        await this._onOffer(m);
        break;
      case 'document':
      case 'presenting':
        this.documents.onMessage(m);
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
      case 'clock':
        // what the server's sender reports of the streams it relays to us just said (lipsync.js)
        for (const c of m.streams || []) this.streamClocks[c.ssrc] = c;
        break;
      case 'audio':
        this._set('audioMode', m.mode === 'mixed' ? 'mixed' : 'forwarded');
        break;
      case 'constraints':
        this.sendConstraints = m;
        await this._applyConstraints();
        break;
      case 'bandwidth':
        this._set('bandwidth', { estimateBps: m.estimateBps || 0, allocatedBps: m.allocatedBps || 0,
          mainLayer: m.mainLayer === undefined ? null : m.mainLayer, mixOnly: !!m.mixOnly, probing: !!m.probing });
        break;
      case 'quality':
        this._set('quality', Object.fromEntries((m.participants || []).map((p) => [p.id, p])));
        break;
      case 'recording':
        this.recordingBy = m.active ? m.by || null : null;
        if (!!m.active !== this.recording) {
          this._notice(m.active ? 'This meeting is being recorded' + (m.by ? ' (started by ' + m.by + ')' : '') + '.'
            : 'The recording stopped.');
        }
        this._set('recording', !!m.active);
        break;
      case 'chat':
        this._addChat([m], false);
        break;
      case 'chat-history':
        this.chat = []; // the server's history of the room replaces what an earlier session showed
        this._addChat(Array.isArray(m.messages) ? m.messages : [], true);
        break;
      case 'room-locked':
        this.lockedBy = m.locked ? m.by || null : null;
        this._set('locked', !!m.locked);
        this._notice(m.locked ? (m.by || 'The host') + ' locked the room: nobody new can join.'
          : (m.by || 'The host') + ' unlocked the room: anyone with a link can join again.');
        break;
      case 'p2p-start':
        this._p2pStart(m);
        break;
      case 'p2p-offer':
      case 'p2p-answer':
      case 'p2p-candidate':
        if (this.p2p && m.from === this.p2p.peerId) await this.p2p.onSignal(m);
        break;
      case 'media-mode':
        await this._setMediaMode(m.mode === 'p2p' ? 'p2p' : 'server');
        break;
      case 'p2p-stop':
        this._endP2p(P2P_LINGER_MS);
        break;
      case 'mute-requested':
        if (!this.audioMuted) {
          this.setAudioMuted(true);
          this._notice((m.by || 'The host') + ' asked you to mute: your microphone is now off. Unmute when you want to speak.');
        } else {
          this._notice((m.by || 'The host') + ' asked you to stay muted.');
        }
        break;
      case 'redirect':
        // the room's meeting runs on another server of the cluster (docs/SIGNALING.md "Many machines")
        if (typeof m.url === 'string' && /^https?:\/\/[^/\s]+$/.test(m.url)) {
          this._ending = { final: true };
          this.redirectTo = m.url;
          this._set('state', 'redirected');
        } else {
          this._error('bad_redirect', 'The server sent us to an address that is not valid: ' + m.url);
        }
        break;
      case 'error':
        this._onServerError(m);
        break;
      case 'bye':
        if (this._ending && !this._ending.final) {
          console.info('AMS: the server ended the session (' + (m.reason || 'no reason given') + '), rejoining');
        } else if (!this._ending) { // else the error before it already said why
          this._ending = { final: true };
          this._error('bye', 'The server ended the session: ' + (m.reason || 'no reason given'));
        }
        break;
      default:
        break; // pong: only proves the connection is alive (_lastHeard)
    }
  }

  /** Chat messages from the server, kept as plain data (the page renders them as text, never as HTML). */
  _addChat(list, history) {
    for (const c of list) {
      if (!c || typeof c.text !== 'string') continue;
      this.chat.push({ seq: Number(c.seq) || 0, participantId: String(c.participantId || ''), name: String(c.name || ''),
        at: Number(c.at) || Date.now(), text: c.text });
    }
    if (this.chat.length > CHAT_KEPT) this.chat.splice(0, this.chat.length - CHAT_KEPT);
    this.dispatchEvent(new CustomEvent('chat', { detail: { messages: list, history } }));
  }

  _onServerError(m) {
    const detail = m.message ? ' (' + m.message + ')' : '';
    const refusal = REFUSALS[m.code];
    if (typeof m.code === 'string' && m.code.startsWith('chat_')) {
      this._error(m.code, 'Your chat message was not sent: ' + (m.message || m.code)); // the session goes on
    } else if (refusal) {
      this._ending = { final: true };
      if (refusal.refused) this._set('state', refusal.state || 'refused');
      this._error(m.code, refusal.words ? refusal.words + detail : m.message || m.code);
      if (m.code === 'removed' && this.localStream) {
        this.localStream.getTracks().forEach((t) => t.stop()); // the meeting is over for us: camera light off
      }
    } else if (m.code === 'connection_failed') {
      // the server gave up on our media; a bye and the close follow
      if (this._mediaConnected) {
        this._ending = { final: false }; // it worked before: a network change, rejoin
      } else {
        this._ending = { final: true };
        if (this.state !== 'failed') {
          this._error('media_failed', 'The media connection failed: a firewall may block UDP to the server' + detail + '.');
        }
      }
    } else {
      this._error(m.code, 'The server reported a problem' + detail);
    }
  }

  _ensurePc() {
    if (this.pc) return this.pc;
    this._turnDownTold = false;
    const pc = new RTCPeerConnection({ ...iceConfig(this.iceServers, this.relay), bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require' });
    pc.onicecandidateerror = (e) => {
      if (pc !== this.pc) return;
      const err = iceError(e);
      this.iceErrors.push(err);
      if (this.iceErrors.length > 50) this.iceErrors.shift();
      if (err.errorCode === 401 && this.iceErrors.filter((x) => x.errorCode === 401).length === 1) {
        // once per connection: the media may still connect over other candidates, so a notice, not an error
        this._notice('The relay server refused this session\'s credentials (' + err.url + '); trying other paths.');
      } else if (err.errorCode === 701 && !this._turnDownTold && /^turns?:/.test(err.url || '')) {
        // a TURN server that does not answer (down, or blocked on the way): told once per connection
        this._turnDownTold = true;
        this._notice('The relay server ' + err.url + ' cannot be reached; trying other paths.');
      }
    };
    pc.onicecandidate = (e) => {
      if (pc !== this.pc) return;
      if (e.candidate) {
        this._send({ type: 'candidate', candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid,
          sdpMLineIndex: e.candidate.sdpMLineIndex });
      } else {
        this._send({ type: 'candidate', candidate: null });
      }
    };
    pc.ontrack = (e) => { if (pc === this.pc) this._onTrack(e); };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const s = pc.connectionState;
      if (s === 'connected') {
        this._mediaConnected = true;
        this._rejoined();
        this._set('state', 'connected');
      } else if (s === 'failed') {
        this._onMediaFailed();
      } else if (s === 'disconnected') {
        this._set('state', 'reconnecting'); // ICE may still recover by itself; 'failed' follows if not
      }
    };
    this.pc = pc;
    return pc;
  }

  _onMediaFailed() {
    const ws = this.ws;
    if (this._mediaConnected && ws) {
      // it worked before, so the network changed: the server drops this session too (connection_failed),
      // so leave it now and rejoin with a new peer connection rather than wait for it
      this._enqueue(ws, () => this._lost(ws, 'the media connection failed'));
    } else if (!this._mediaConnected) {
      this._error('media_failed', 'The media connection failed: a firewall may block UDP to the server.');
      this._ending = { final: true };
      this._set('state', 'failed');
    }
  }

  async _onOffer(m) {
    this.tracks = m.tracks || {};
    const pc = this._ensurePc();
    await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
    // the same camera and microphone on every peer connection: a rejoin never asks for them again
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
    await this._applyConstraints();
    // a re-used transceiver may now carry someone else's audio: re-route what we receive
    for (const t of pc.getTransceivers()) {
      if (t.receiver && t.receiver.track && this.tracks[t.mid] && t.currentDirection !== 'inactive') {
        this._route(t.mid, t.receiver.track);
      }
    }
  }

  /**
   * Applies what the server asked our camera to send (docs/SIGNALING.md "constraints") with
   * RTCRtpSender.setParameters: per encoding (simulcast layer by rid, or the one stream) whether it is
   * sent, its size as scaleResolutionDownBy from the camera's height and the asked maxHeight, and its
   * maxBitrate. Before the first message every layer is sent at the ladder's height (180, 360, 720 lines);
   * from a camera smaller than the ladder a layer that would only repeat the one below is not sent.
   * Answers "constraints-applied" with the version, and the browser's error if it refused.
   */
  async _applyConstraints() {
    const pc = this.pc;
    const c = this.sendConstraints;
    const t = pc && pc.getTransceivers().find((x) => x.mid === '1');
    if (!t || !t.sender || !t.sender.track) return; // nothing sent yet: applied after the next answer
    const params = t.sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) return;
    const height = (t.sender.track.getSettings && t.sender.track.getSettings().height) || 0;
    const n = params.encodings.length;
    params.encodings.forEach((e, i) => {
      // the ladder's height of this layer (top 720, then 360, 180) and the scale that gives it from our camera;
      // a layer that would repeat the one below at full size (a camera smaller than the ladder) is not sent
      const ladderHeight = n > 1 ? 720 / 2 ** (n - 1 - i) : height;
      const lowerHeight = i > 0 ? 720 / 2 ** (n - i) : 0;
      const ladder = height ? Math.max(1, height / ladderHeight) : (n > 1 ? 2 ** (n - 1 - i) : 1);
      const duplicate = n > 1 && i > 0 && height && height <= lowerHeight;
      const want = !c ? { active: true } : (c.video || []).find((v) => (v.rid ? v.rid === e.rid : n === 1));
      if (!want) return;
      e.active = !!want.active && !duplicate;
      e.scaleResolutionDownBy = want.maxHeight && height ? Math.max(1, height / want.maxHeight) : ladder;
      if (want.maxBitrate) e.maxBitrate = want.maxBitrate; else delete e.maxBitrate;
    });
    let error = null;
    try {
      await t.sender.setParameters(params);
    } catch (e) {
      error = String(e);
      console.warn('AMS: the browser refused the send constraints: ' + error);
    }
    if (c && pc === this.pc) {
      if (!error) this.constraintsApplied = c.version;
      this._send({ type: 'constraints-applied', version: c.version, error });
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
    if (this.localStream) this.localStream.getAudioTracks().forEach((t) => { t.enabled = !muted; });
    this._set('audioMuted', muted);
    this._send({ type: 'mute', audio: this.audioMuted, video: this.videoMuted });
  }

  /**
   * Camera off (or on): the track is disabled (it sends black at a trickle) and the server told, so that
   * everyone's main view and the engine's mix show our name placeholder instead of a black picture.
   */
  setVideoMuted(muted) {
    if (this.localStream) this.localStream.getVideoTracks().forEach((t) => { t.enabled = !muted; });
    this._set('videoMuted', muted);
    this._send({ type: 'mute', audio: this.audioMuted, video: this.videoMuted });
  }

  /**
   * Switches to another camera ({@code kind} 'video') or microphone ('audio') during the call: the new device's
   * track replaces the old one on the senders that carry it (the server's and a direct call's; replaceTrack,
   * no renegotiation), keeps the mute state, and the old device is closed. Resolves to the new track.
   */
  async switchDevice(kind, deviceId) {
    const base = AmsClient.mediaConstraints(null);
    const constraints = kind === 'video'
      ? { video: { ...base.video, deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } };
    const fresh = await navigator.mediaDevices.getUserMedia(constraints);
    const track = kind === 'video' ? fresh.getVideoTracks()[0] : fresh.getAudioTracks()[0];
    track.enabled = kind === 'video' ? !this.videoMuted : !this.audioMuted;
    this.devices = { ...(this.devices || {}), [kind === 'video' ? 'videoId' : 'audioId']: deviceId };
    if (!this.localStream) {
      this.localStream = fresh; // sent from the next negotiation on
    } else {
      const old = this.localStream.getTracks().find((t) => t.kind === track.kind);
      if (old) this.localStream.removeTrack(old);
      this.localStream.addTrack(track);
      for (const pc of [this.pc, this.p2p && this.p2p.pc]) {
        if (!pc) continue;
        for (const sender of pc.getSenders()) {
          if (old && sender.track === old) await sender.replaceTrack(track);
        }
      }
      if (old) old.stop();
    }
    this.dispatchEvent(new CustomEvent('localstream', { detail: this.localStream }));
    if (kind === 'video') await this._applyConstraints();
    return track;
  }

  /**
   * Says `text` in the room's chat (docs/SIGNALING.md "Chat"); false, and nothing sent, when it is only
   * white space or we are not in a room. Everyone (we too) gets it back as a `chat` message.
   */
  sendChat(text) {
    if (typeof text !== 'string' || !text.trim() || !this.participantId) return false;
    this._send({ type: 'chat', text });
    return true;
  }

  /** Host controls (the server refuses them with not_host to a participant). */
  record(on) {
    this._send({ type: 'record', on: !!on });
  }

  lockRoom(locked) {
    this._send({ type: 'lock-room', locked: !!locked });
  }

  removeParticipant(participantId) {
    this._send({ type: 'remove-participant', participantId });
  }

  requestMute(participantId) {
    this._send({ type: 'request-mute', participantId });
  }

  pin(participantId) {
    this.pinned = participantId || null;
    this._send({ type: 'pin', participantId: this.pinned });
    this.dispatchEvent(new CustomEvent('change', { detail: { field: 'pinned', value: this.pinned } }));
  }

  leave() {
    this.stopScreenShare();
    this._left = true;
    this.lipSync.stop();
    this._endP2p();
    this._send({ type: 'leave' });
    if (this.ws) this.ws.close(1000, 'left');
    if (this._episode) clearTimeout(this._episode.timer);
    this._episode = null;
    this._stopSessionTimers();
    if (globalThis.removeEventListener) globalThis.removeEventListener('online', this._onOnline);
    this._closePc();
    if (this.localStream) this.localStream.getTracks().forEach((t) => t.stop());
    this._set('state', 'left');
  }

  /** Closes the peer connection; its remote tracks end with it (listeners hear 'reset'). The camera stays. */
  _closePc() {
    if (this.pc) {
      try { this.pc.close(); } catch (e) { /* already closed */ }
      this.pc = null;
      this.tracks = {};
      this.streams = {};
      this.dispatchEvent(new CustomEvent('reset'));
    }
  }

  // ---- peer to peer ----

  _p2pStart(m) {
    this._endP2p();
    this.p2p = new P2pCall({ peerId: m.peer, initiator: !!m.initiator, iceServers: m.iceServers || [], relay: this.relay,
      connectMs: m.connectMs || 8000, localStream: this.localStream, send: (x) => this._send(x),
      blockRemoteCandidates: this.p2pBlock,
      onRemote: () => { if (this.mediaMode === 'p2p') this._showP2p(); } });
  }

  /** The server switched us: to p2p, pause what we send to the server; to server, resume it first. */
  async _setMediaMode(mode) {
    if (mode === this.mediaMode || (mode === 'p2p' && !this.p2p)) return;
    if (mode === 'p2p') {
      await this._pauseServerSenders(true);
      this.mediaModeLog.push({ mode, at: Date.now() });
      this._set('mediaMode', 'p2p');
      this._showP2p();
      this._p2pStatsTimer = setInterval(() => this._sendP2pStats(), 500);
    } else {
      clearInterval(this._p2pStatsTimer);
      this._p2pStatsTimer = null;
      await this._pauseServerSenders(false);
      // keep showing the direct video until the server's main video flows again (at most 1.5 s)
      await this._whenServerMainFlows(1500);
      this.mediaModeLog.push({ mode, at: Date.now() });
      this._set('mediaMode', 'server');
      this._showServer();
    }
  }

  /**
   * Ends the P2P call; its media is no longer shown (the server's is, or will be). {@code lingerMs}: the
   * connection stays up that long first, still sending our media to the other, who may still be waiting for the
   * server's video of us (its switch is its own; closing at once left it up to a second without our picture).
   */
  _endP2p(lingerMs = 0) {
    clearInterval(this._p2pStatsTimer);
    this._p2pStatsTimer = null;
    if (this.p2p) {
      const call = this.p2p;
      this.p2p = null;
      if (lingerMs > 0) setTimeout(() => call.close(), lingerMs);
      else call.close();
    }
    if (this.mediaMode === 'p2p') {
      this.mediaModeLog.push({ mode: 'server', at: Date.now() });
      this._set('mediaMode', 'server');
      this._pauseServerSenders(false);
      this._showServer();
    }
  }

  /**
   * Pauses (or resumes) what we send to the server: the sender's track is taken off (replaceTrack(null):
   * no RTP at all, no renegotiation) and put back; the camera's layers then follow the server's last
   * constraints again.
   */
  async _pauseServerSenders(paused) {
    const pc = this.pc;
    if (!pc) return;
    const audio = this.localStream && this.localStream.getAudioTracks()[0];
    const video = this.localStream && this.localStream.getVideoTracks()[0];
    for (const t of pc.getTransceivers()) {
      if ((t.mid !== '0' && t.mid !== '1') || !t.sender) continue;
      const track = paused ? null : t.mid === '0' ? audio : video;
      if (t.sender.track === (track || null)) continue;
      try {
        await t.sender.replaceTrack(track || null);
      } catch (e) {
        console.warn('AMS: cannot ' + (paused ? 'pause' : 'resume') + ' what we send to the server: ' + e);
      }
    }
    if (!paused) await this._applyConstraints(); // the camera as the server last asked
  }

  _showP2p() {
    const remote = this.p2p && this.p2p.remote;
    if (!remote) return;
    const video = remote.getVideoTracks()[0];
    const audio = remote.getAudioTracks()[0];
    if (video) {
      this.dispatchEvent(new CustomEvent('track', { detail: { key: 'main', role: 'main', participantId: this.p2p.peerId,
        stream: new MediaStream([video]), mid: null, p2p: true } }));
    }
    if (audio) {
      this.dispatchEvent(new CustomEvent('track', { detail: { key: 'audio:' + this.p2p.peerId, role: 'audio',
        participantId: this.p2p.peerId, stream: new MediaStream([audio]), mid: null, p2p: true } }));
    }
  }

  /** The server's streams on screen again (they stayed attached to the server connection). */
  _showServer() {
    for (const [mid, role] of Object.entries(this.tracks)) {
      const key = role.role === 'audio' ? 'audio:' + role.participantId : role.role;
      const stream = this.streams[key];
      if (stream) {
        this.dispatchEvent(new CustomEvent('track', { detail: { key, role: role.role, participantId: role.participantId,
          stream, mid } }));
      }
    }
  }

  async _whenServerMainFlows(timeoutMs) {
    const pc = this.pc;
    const mid = Object.keys(this.tracks).find((k) => this.tracks[k].role === 'main');
    const t = pc && mid && pc.getTransceivers().find((x) => x.mid === mid);
    if (!t || !t.receiver) return;
    const decoded = async () => {
      let n = 0;
      (await t.receiver.getStats()).forEach((r) => { if (r.type === 'inbound-rtp') n = r.framesDecoded || 0; });
      return n;
    };
    const before = await decoded();
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      if (await decoded() > before) return;
    }
  }

  async _sendP2pStats() {
    if (!this.p2p || this.mediaMode !== 'p2p') return;
    let level = null;
    let link = null;
    try {
      level = await this.p2p.micLevel();
      link = await this.p2p.link(); // what we receive directly: the server's quality readings of both of us
    } catch (e) { /* closed meanwhile */ }
    const m = { type: 'p2p-stats', audioLevel: this.audioMuted || level === null ? 127 : level, muted: this.audioMuted };
    if (link) m.link = link;
    this._send(m);
  }

  /** Per-track receive and send statistics of the current peer connection, for the UI and for tests. */
  async stats() {
    const out = { main: null, mix: null, audioIn: 0, audioMode: this.audioMode, audioInbound: [], outbound: { video: null, audio: null }, outboundLayers: [],
      availableOutgoingBitrate: 0, bandwidth: this.bandwidth, mediaMode: this.mediaMode, lipSync: this.lipSync.snapshot(),
      p2p: this.p2p ? await this.p2p.stats().catch(() => null) : null, selectedPair: null,
      iceErrors: this.iceErrors.slice() };
    // a rejoin may replace both while getStats() runs: read one session's
    const pc = this.pc;
    const tracks = this.tracks;
    if (!pc) return out;
    const midOfTrack = {};
    for (const t of pc.getTransceivers()) {
      if (t.receiver && t.receiver.track) midOfTrack[t.receiver.track.id] = t.mid;
    }
    const report = await pc.getStats();
    out.selectedPair = selectedPair(report); // {local, remote}: candidateType, protocol, relayProtocol, address, port
    report.forEach((r) => {
      if (r.type === 'inbound-rtp') {
        const mid = r.mid || midOfTrack[r.trackIdentifier];
        const role = tracks[mid];
        if (!role) return;
        if (r.kind === 'video' && (role.role === 'main' || role.role === 'mix')) {
          out[role.role] = { framesDecoded: r.framesDecoded || 0, frameWidth: r.frameWidth || 0,
            frameHeight: r.frameHeight || 0, bytesReceived: r.bytesReceived || 0, packetsLost: r.packetsLost || 0,
            framesPerSecond: r.framesPerSecond || 0, keyFramesDecoded: r.keyFramesDecoded || 0 };
        } else if (r.kind === 'audio') {
          out.audioIn += 1;
          // per receiving audio section: which role, and how much arrived (a test tells which one is flowing)
          out.audioInbound.push({ mid, role: role.role, participantId: role.participantId || null,
            packetsReceived: r.packetsReceived || 0, bytesReceived: r.bytesReceived || 0,
            totalSamplesReceived: r.totalSamplesReceived || 0, concealedSamples: r.concealedSamples || 0 });
        }
      } else if (r.type === 'outbound-rtp') {
        if (r.kind === 'video') {
          // one per simulcast layer (rid), or the one stream
          out.outboundLayers.push({ rid: r.rid || null, active: r.active !== false, bytesSent: r.bytesSent || 0,
            framesEncoded: r.framesEncoded || 0, frameWidth: r.frameWidth || 0, frameHeight: r.frameHeight || 0,
            framesPerSecond: r.framesPerSecond || 0, targetBitrate: r.targetBitrate || 0,
            qualityLimitationReason: r.qualityLimitationReason || '' });
        }
        out.outbound[r.kind] = { bytesSent: r.bytesSent || 0, packetsSent: r.packetsSent || 0,
          framesEncoded: r.framesEncoded || 0, frameWidth: r.frameWidth || 0, frameHeight: r.frameHeight || 0,
          targetBitrate: r.targetBitrate || 0, qualityLimitationReason: r.qualityLimitationReason || '' };
      } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
        // the browser's congestion-control estimate: it only grows with the server's transport-cc feedback
        out.availableOutgoingBitrate = Math.max(out.availableOutgoingBitrate, r.availableOutgoingBitrate || 0);
      }
    });
    if (out.outboundLayers.length > 1) {
      // simulcast: the camera as a whole (bytes and targets summed, size and encoder state of the largest layer)
      const top = out.outboundLayers.reduce((a, b) => (b.frameHeight > a.frameHeight ? b : a));
      const sum = (f) => out.outboundLayers.reduce((a, l) => a + l[f], 0);
      out.outbound.video = { bytesSent: sum('bytesSent'), packetsSent: 0, framesEncoded: top.framesEncoded,
        frameWidth: top.frameWidth, frameHeight: top.frameHeight, targetBitrate: sum('targetBitrate'),
        qualityLimitationReason: top.qualityLimitationReason };
    }
    return out;
  }
}
