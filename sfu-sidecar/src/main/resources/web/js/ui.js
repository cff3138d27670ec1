// The meeting page: main speaker large, the mix as picture-in-picture, own camera, participant list.
import { AmsClient } from './ams-client.js';
import { relayParam } from './ice.js';
import { qualityBars, showOwnQuality } from './quality.js';
import { MqttSignalSocket } from './mqtt-signal.js';
import { rememberedDevices, preJoin, deviceSettings, applySink } from './devices.js';

const $ = (id) => document.getElementById(id);
const q = new URLSearchParams(location.search);
const room = q.get('room') || '';
const name = q.get('name') || '';
const token = q.get('token') || '';
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';

// ?p2p=0: never peer to peer; ?p2pBlock=1 (tests): as if the network blocked the direct path;
// ?lipsync=0: measure the A/V offset of the main video but do not correct it;
// ?relay=1|udp|tcp|tls (tests of restrictive networks): only TURN relays (of that transport), iceTransportPolicy 'relay'
// ?mqtt=ws(s)://BROKER:PORT[&mqttPrefix=ams]: the signaling through an MQTT broker instead of the WebSocket
// ?prejoin=1: the pre-join panel (devices, preview, microphone level, Join) first; without it the page joins at once
// with the remembered devices (js/devices.js), as join links from before it did
const mqttBroker = q.get('mqtt');
const openSocket = mqttBroker && /^wss?:\/\/[^\s]+$/.test(mqttBroker)
  ? () => new MqttSignalSocket(mqttBroker, room, q.get('mqttPrefix') || 'ams') : null;
const client = new AmsClient({ room, name, token, url: wsUrl, p2p: q.get('p2p') !== '0', p2pBlock: q.get('p2pBlock') === '1',
  relay: relayParam(q.get('relay')), lipSync: q.get('lipsync') !== '0', openSocket, devices: rememberedDevices() });
window.amsClient = client;
window.amsMqttLog = MqttSignalSocket.log;
$('room-name').textContent = room ? 'Room ' + room : 'AMS';

const STATE_WORDS = {
  idle: 'starting', media: 'opening camera', connecting: 'connecting', joined: 'joining',
  connected: 'connected', reconnecting: 'reconnecting…', failed: 'disconnected', refused: 'not admitted', left: 'left',
  removed: 'removed', redirected: 'moving to the room\'s server…',
};

/** A short line next to the state while the client rejoins, or while ICE tries to recover by itself. */
function detailWords() {
  if (client.reconnectAttempt > 0) return 'Reconnecting (attempt ' + client.reconnectAttempt + ')';
  if (client.state === 'reconnecting') return 'Media interrupted, waiting for it to come back';
  return '';
}

function nameOf(id) {
  const p = client.participants.find((x) => x.id === id);
  return p ? p.name : id || '';
}

// ---- the stage's layout: 'speaker' (main speaker + the mix as picture-in-picture), 'mix' (the mix fills the
// stage), 'side' (main speaker and mix side by side); remembered in localStorage
const LAYOUTS = ['speaker', 'mix', 'side'];
function storedLayout() {
  try { const v = localStorage.getItem('ams.layout'); return LAYOUTS.includes(v) ? v : 'speaker'; } catch (e) { return 'speaker'; }
}
function setLayout(v) {
  const layout = LAYOUTS.includes(v) ? v : 'speaker';
  $('layout').value = layout;
  for (const l of LAYOUTS) $('stage').classList.toggle('layout-' + l, l === layout);
  try { localStorage.setItem('ams.layout', layout); } catch (e) { /* not remembered */ }
}
setLayout(storedLayout());
$('layout').onchange = () => setLayout($('layout').value);

/**
 * Whose video our main view shows, as the server picks it (SfuRoom.updateMainSources): the pinned one, else the
 * main speaker or the previous one when that is someone else here, else the first other participant; a departed
 * speaker's id when nobody else is left (its last frame would be frozen: mainPlaceholder covers it).
 */
function mainShown() {
  const here = (id) => !!id && id !== client.participantId && client.participants.some((p) => p.id === id);
  if (client.pinned) return client.pinned;
  if (here(client.mainSpeaker)) return client.mainSpeaker;
  if (here(client.previousSpeaker)) return client.previousSpeaker;
  const other = client.participants.find((p) => p.id !== client.participantId);
  if (other) return other.id;
  return client.mainSpeaker !== client.participantId ? client.mainSpeaker : client.previousSpeaker;
}

/** Whether the main video's track can show a picture now: there, not ended, receiving (not muted). */
function mainTrackLive() {
  const s = $('main-video').srcObject;
  const t = s && s.getVideoTracks()[0];
  return !!t && t.readyState === 'live' && !t.muted;
}

/**
 * What covers the main video, or null: the shown participant's name while its camera is off; "No one is sharing
 * video" while nobody else sends video, the main speaker is no longer in the room, or the main track ended.
 */
function mainPlaceholder(shown) {
  if (!client.participantId) return null;
  const others = client.participants.filter((p) => p.id !== client.participantId);
  const p = shown ? client.participants.find((x) => x.id === shown) : null;
  if (p && p.videoMuted) return { name: p.name, note: 'Camera is off' };
  if (client.mediaMode === 'p2p') return null; // the direct call's video: its own track, not the relay's
  if (!others.some((x) => !x.videoMuted) || (shown && !p) || !mainTrackLive()) {
    return { name: '', note: others.length === 0 ? 'No one is sharing video: you are the only one here' : 'No one is sharing video' };
  }
  return null;
}

function render() {
  const st = $('conn-state');
  st.textContent = STATE_WORDS[client.state] || client.state;
  st.className = 'state ' + (client.state === 'connected' ? 'ok'
    : (client.state === 'failed' || client.state === 'refused' || client.state === 'removed') ? 'bad'
    : client.state === 'reconnecting' ? 'warn' : '');
  const isHost = client.role === 'host';
  const inRoom = !!client.participantId;
  $('lock-state').hidden = !client.locked;
  $('lock-state').textContent = client.locked ? 'locked' + (client.lockedBy ? ' by ' + client.lockedBy : '') : '';
  $('rec-state').hidden = !client.recording;
  $('rec-state').textContent = client.recording ? '● Recording' + (client.recordingBy ? ' (' + client.recordingBy + ')' : '') : '';
  $('btn-screen').hidden = !inRoom || !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
  $('btn-screen').textContent = client.sharing ? 'Stop sharing' : 'Share screen';
  $('btn-screen').setAttribute('aria-pressed', String(client.sharing));
  $('btn-rec').hidden = !isHost || !inRoom;
  $('btn-rec').textContent = client.recording ? 'Stop recording' : 'Record';
  $('btn-rec').setAttribute('aria-pressed', String(client.recording));
  $('btn-lock').hidden = !isHost || !inRoom;
  $('btn-lock').textContent = client.locked ? 'Unlock room' : 'Lock room';
  $('btn-lock').setAttribute('aria-pressed', String(client.locked));
  $('btn-mic').setAttribute('aria-pressed', String(client.audioMuted));
  $('btn-mic').textContent = client.audioMuted ? 'Unmute' : 'Mute';
  $('conn-detail').textContent = detailWords();
  showOwnQuality($('my-quality'), client);
  const shown = mainShown();
  $('main-label').textContent = shown ? nameOf(shown) + (client.pinned ? ' (pinned)' : '') : '';
  const ph = mainPlaceholder(shown);
  $('main-placeholder').hidden = !ph;
  $('stage').classList.toggle('main-covered', !!ph);
  $('main-placeholder-name').textContent = ph ? ph.name : '';
  $('main-placeholder-note').textContent = ph ? ph.note : '';
  $('btn-cam').setAttribute('aria-pressed', String(client.videoMuted));
  $('btn-cam').textContent = client.videoMuted ? 'Camera on' : 'Camera off';
  const direct = client.mediaMode === 'p2p';
  $('mix').classList.toggle('unavailable', direct || !client.mixAvailable);
  $('mix-status').textContent = direct ? 'direct call (peer to peer)' : client.mixAvailable ? 'everyone' : 'mix unavailable';
  // the server paused the main video for our downlink (message "bandwidth"): the mix takes the stage
  const mixOnly = !!(client.bandwidth && client.bandwidth.mixOnly);
  $('stage').classList.toggle('mix-only', mixOnly);
  $('stage-notice').hidden = !mixOnly;
  $('stage-notice').textContent = mixOnly ? 'Your connection is too slow for the speaker\'s video right now: '
    + 'showing everyone in one picture (about ' + Math.round(client.bandwidth.estimateBps / 1000) + ' kbps available). '
    + 'The speaker comes back by itself when your connection recovers.' : '';
  const ul = $('participants');
  ul.replaceChildren();
  for (const p of client.participants) {
    const li = document.createElement('li');
    li.dataset.id = p.id;
    if (p.id === client.mainSpeaker) li.classList.add('main');
    const dot = document.createElement('span');
    dot.className = 'dot' + (p.speaking ? ' speaking' : '');
    dot.title = p.speaking ? 'speaking' : '';
    const nm = document.createElement('span');
    nm.className = 'name';
    nm.textContent = p.name + (p.id === client.participantId ? ' (you)' : '') + (p.role === 'host' ? ' (host)' : '')
      + (p.audioMuted ? ' 🔇' : '') + (p.videoMuted ? ' 📷✕' : '');
    li.append(dot, nm, qualityBars(client.quality[p.id], p.id === client.participantId, p.name));
    if (p.id !== client.participantId) {
      const b = document.createElement('button');
      b.type = 'button';
      const pinnedHere = client.pinned === p.id;
      b.textContent = pinnedHere ? 'Unpin' : 'Pin';
      b.setAttribute('aria-label', (pinnedHere ? 'Unpin ' : 'Pin ') + p.name);
      b.onclick = () => client.pin(pinnedHere ? null : p.id);
      li.append(b);
      if (isHost) li.append(...hostButtons(p));
    }
    ul.append(li);
  }
  $('notices').replaceChildren(...client.notices.slice(-3).map((n) => {
    const el = document.createElement('p');
    el.textContent = n.text;
    return el;
  }));
  const errs = $('errors');
  errs.replaceChildren(...client.errors.slice(-3).map((e) => {
    const p = document.createElement('p');
    p.textContent = e.message;
    return p;
  }));
}

/** A host's controls for another participant: ask to mute (while its microphone is on) and remove. */
function hostButtons(p) {
  const mute = document.createElement('button');
  mute.type = 'button';
  mute.className = 'host-mute';
  mute.textContent = 'Ask to mute';
  mute.disabled = !!p.audioMuted;
  mute.setAttribute('aria-label', 'Ask ' + p.name + ' to mute');
  mute.onclick = () => client.requestMute(p.id);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'host-remove danger';
  remove.textContent = 'Remove';
  remove.setAttribute('aria-label', 'Remove ' + p.name + ' from the meeting');
  remove.onclick = () => client.removeParticipant(p.id);
  return [mute, remove];
}

// ---- chat: every message is rendered as text (textContent), never as HTML
let chatUnread = 0;

function chatTime(ms) {
  const d = new Date(ms);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

function renderChat() {
  const list = $('chat-messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...client.chat.map((c) => {
    const li = document.createElement('li');
    li.dataset.seq = String(c.seq);
    li.dataset.participant = c.participantId;
    if (c.participantId === client.participantId) li.classList.add('mine');
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = (c.name || c.participantId) + (c.participantId === client.participantId ? ' (you)' : '');
    const when = document.createElement('time');
    when.dateTime = new Date(c.at).toISOString();
    when.textContent = chatTime(c.at);
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = c.text;
    li.append(who, when, text);
    return li;
  }));
  if (atBottom) list.scrollTop = list.scrollHeight;
  $('chat-unread').hidden = chatUnread === 0;
  $('chat-unread').textContent = chatUnread === 0 ? '' : chatUnread + ' new';
}

function sendChat() {
  const input = $('chat-input');
  if (client.sendChat(input.value)) input.value = '';
}

client.addEventListener('chat', (e) => {
  // others' messages that arrive while the user is not in the chat box count as unread (history does not)
  const away = document.activeElement !== $('chat-input') || document.hidden;
  if (!e.detail.history && away) chatUnread += e.detail.messages.filter((c) => c.participantId !== client.participantId).length;
  renderChat();
});
$('chat-form').onsubmit = (e) => {
  e.preventDefault();
  sendChat();
};
$('chat-input').onkeydown = (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendChat();
  }
};
$('chat-input').onfocus = () => {
  chatUnread = 0;
  renderChat();
};

function play(el) {
  const pr = el.play();
  if (pr && pr.catch) pr.catch(() => { $('btn-sound').hidden = false; });
}

client.addEventListener('change', render);
// a cluster sends us to the server the room's meeting runs on: the same page (room, name, token) there
client.addEventListener('change', () => {
  if (client.state === 'redirected' && client.redirectTo) {
    location.replace(new URL(location.pathname + location.search + location.hash, client.redirectTo).href);
  }
});
client.addEventListener('error', render);
client.addEventListener('localstream', (e) => {
  if (e.detail) { $('self-video').srcObject = e.detail; } else { $('self').hidden = true; }
});
// the session's remote tracks ended with its peer connection: show nothing rather than a frozen picture,
// and drop the audio elements (participant ids are per session); a rejoin brings new tracks
client.addEventListener('reset', () => {
  $('main-video').srcObject = null;
  $('mix-video').srcObject = null;
  $('audio-sinks').replaceChildren();
  render();
});
client.addEventListener('track', (e) => {
  const { role, participantId, stream } = e.detail;
  if (role === 'main') {
    $('main-video').srcObject = stream;
    play($('main-video'));
    // the relayed track stops (its sender left) or comes back: the placeholder follows
    for (const t of stream.getVideoTracks()) {
      t.addEventListener('mute', render);
      t.addEventListener('unmute', render);
      t.addEventListener('ended', render);
    }
    render();
  }
  else if (role === 'mix') { $('mix-video').srcObject = stream; play($('mix-video')); }
  else if (role === 'audio' || role === 'mixed-audio') {
    // the engine's mixed audio plays in an element of its own; the server sends it or the forwarded ones
    const who = role === 'mixed-audio' ? 'mixed' : participantId;
    let a = document.querySelector('audio[data-participant="' + CSS.escape(who) + '"]');
    if (!a) {
      a = document.createElement('audio');
      a.autoplay = true;
      a.dataset.participant = who;
      $('audio-sinks').append(a);
    }
    a.srcObject = stream;
    applySink((rememberedDevices() || {}).outputId);
    play(a);
  }
});

$('btn-mic').onclick = () => client.setAudioMuted(!client.audioMuted); // render() shows the new state
$('btn-lock').onclick = () => client.lockRoom(!client.locked);
$('btn-rec').onclick = () => client.record(!client.recording);
$('btn-screen').onclick = () => (client.sharing ? client.stopScreenShare() : client.shareScreen());
$('btn-cam').onclick = () => client.setVideoMuted(!client.videoMuted); // render() shows the new state
$('btn-leave').onclick = () => client.leave();
$('btn-sound').onclick = () => {
  document.querySelectorAll('audio, video').forEach((el) => el.play().catch(() => {}));
  $('btn-sound').hidden = true;
};

/** Test helper: the colour at fractional (fx, fy) of the 'main', 'mix' or 'self' video, as [r, g, b]. */
client.sample = (which, fx, fy) => {
  const v = $(which + '-video');
  if (!v || !v.videoWidth) return null;
  const c = document.createElement('canvas');
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  const g = c.getContext('2d', { willReadFrequently: true });
  g.drawImage(v, 0, 0);
  const d = g.getImageData(Math.min(c.width - 1, Math.floor(fx * c.width)), Math.min(c.height - 1, Math.floor(fy * c.height)), 1, 1).data;
  return [d[0], d[1], d[2]];
};

if (!room || !token) {
  client._error('token_invalid', 'This page needs a join link of the form /?room=R&name=N&token=T. Ask the organiser for one.');
  client._set('state', 'refused');
  render();
} else if (q.get('prejoin') === '1') {
  render();
  $('conn-state').textContent = 'choose your camera and microphone';
  preJoin($).then(({ stream }) => {
    deviceSettings($, client);
    client.start(stream);
  });
} else {
  render();
  deviceSettings($, client);
  client.start();
}
