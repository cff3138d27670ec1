// The signaling over MQTT 5 instead of the WebSocket (docs/SIGNALING.md "MQTT"): an object with the WebSocket's
// shape (readyState, onopen, onmessage, onclose, send, close) that AmsClient uses unchanged. The same JSON
// messages go to PREFIX/rooms/ROOM/participants/CLIENT/in and come back on .../out; CLIENT is our MQTT client
// id, random per connection. The broker is reached over MQTT-over-WebSocket with MQTT.js (vendor/mqtt.esm.js,
// MIT, loaded only when this transport is used).
//
// A broker that drops us is reconnected to by MQTT.js every second; the media (WebRTC) does not pass through it,
// so a short broker outage costs nothing but the messages' delay (the server buffers what it says meanwhile).
// The server's close of our session arrives as the message {type: 'mqtt-close', reason} and becomes onclose.

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

function randomId() {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export class MqttSignalSocket {
  static log = [];

  constructor(brokerUrl, room, prefix = 'ams') {
    this.readyState = CONNECTING;
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.clientId = randomId();
    const base = prefix + '/rooms/' + room + '/participants/' + this.clientId;
    this._in = base + '/in';
    this._out = base + '/out';
    this._client = null;
    import('./vendor/mqtt.esm.js').then((m) => {
      if (this.readyState === CLOSED) return;
      const mqtt = m.default || m;
      this._client = mqtt.connect(brokerUrl, {
        protocolVersion: 5, clientId: this.clientId, clean: true, reconnectPeriod: 1000, connectTimeout: 10000,
        // a tab that vanishes leaves the room: the broker publishes our will
        will: { topic: this._in, payload: JSON.stringify({ type: 'leave' }), qos: 1 },
      });
      this._client.on('connect', () => {
        this._client.subscribe(this._out, { qos: 1 }, (err) => {
          if (err) { this._closed(4000, 'cannot subscribe to ' + this._out + ': ' + err.message); return; }
          if (this.readyState === CONNECTING) {
            this.readyState = OPEN;
            if (this.onopen) this.onopen({});
          }
        });
      });
      this._client.on('message', (topic, payload) => {
        if (topic !== this._out) return;
        const text = payload.toString();
        let m2 = null;
        try { m2 = JSON.parse(text); } catch (e) { /* handed on as it is: the client ignores it */ }
        if (m2 && m2.type === 'mqtt-close') { this._closed(1000, m2.reason || 'closed by the server'); return; }
        if (this.onmessage) this.onmessage({ data: text });
      });
      this._client.on('error', (e) => MqttSignalSocket._note('error: ' + (e && e.message)));
      this._client.on('offline', () => MqttSignalSocket._note('offline: reconnecting to ' + brokerUrl));
    }).catch((e) => {
      MqttSignalSocket._note('the MQTT client did not load: ' + e.message);
      this._closed(4001, 'the MQTT client did not load: ' + e.message);
    });
  }

  /** What went wrong with the broker connection, newest last (also on the console): for support and tests. */
  static _note(text) {
    console.warn('AMS: MQTT ' + text);
    MqttSignalSocket.log.push({ at: Date.now(), text });
    if (MqttSignalSocket.log.length > 50) MqttSignalSocket.log.shift();
  }

  send(text) {
    if (this.readyState !== OPEN || !this._client) throw new Error('MQTT signaling is not open');
    // MQTT 5 request/response: our outbound topic is where the answer goes
    this._client.publish(this._in, text, { qos: 1, properties: { responseTopic: this._out } });
  }

  close(code = 1000, reason = '') {
    if (this.readyState === CLOSED) return;
    if (this._client && this.readyState === OPEN) {
      // the server's session ends with our leave (a WebSocket's close says it by itself)
      this._client.publish(this._in, JSON.stringify({ type: 'leave' }), { qos: 1 });
    }
    this._closed(code, reason);
  }

  _closed(code, reason) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    if (this._client) this._client.end(false);
    const cb = this.onclose;
    if (cb) setTimeout(() => cb({ code, reason }), 0);
  }
}
