// Devices: the camera, microphone and speaker choice (remembered in localStorage), the pre-join panel
// (?prejoin=1: a preview, a microphone level meter, Join) and the in-call Devices panel that switches them.
// Device labels are the browser's and are set as text.
import { AmsClient } from './ams-client.js';

const KEY = 'ams.devices';

/** The remembered choice {videoId, audioId, outputId}, or null. */
export function rememberedDevices() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || 'null');
    return v && typeof v === 'object' ? v : null;
  } catch (e) {
    return null;
  }
}

export function rememberDevices(choice) {
  try { localStorage.setItem(KEY, JSON.stringify(choice)); } catch (e) { /* private mode: not remembered */ }
}

/** Whether the browser can route audio elements to a chosen output (HTMLMediaElement.setSinkId). */
export const sinkSupported = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

async function listDevices() {
  const all = navigator.mediaDevices && navigator.mediaDevices.enumerateDevices
    ? await navigator.mediaDevices.enumerateDevices() : [];
  return {
    video: all.filter((d) => d.kind === 'videoinput'),
    audio: all.filter((d) => d.kind === 'audioinput'),
    output: all.filter((d) => d.kind === 'audiooutput'),
  };
}

function fill(select, devices, selected, word) {
  select.replaceChildren(...devices.map((d, i) => {
    const o = document.createElement('option');
    o.value = d.deviceId;
    o.textContent = d.label || word + ' ' + (i + 1);
    return o;
  }));
  if (selected && devices.some((d) => d.deviceId === selected)) select.value = selected;
}

function trackDevice(stream, kind) {
  const t = stream && stream.getTracks().find((x) => x.kind === kind);
  return t && t.getSettings ? t.getSettings().deviceId : undefined;
}

/**
 * A microphone level meter: the RMS of the stream's audio (WebAudio AnalyserNode), scaled to 0..1, written
 * into {@code meter.value} every 100 ms. Returns a function that stops it.
 */
export function levelMeter(stream, meter) {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx || !stream || stream.getAudioTracks().length === 0) return () => {};
  const ctx = new Ctx();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  const timer = setInterval(() => {
    if (ctx.state === 'suspended') ctx.resume().catch(() => {}); // starts with the user's first click
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    meter.value = Math.min(1, Math.sqrt(sum / buf.length) * 4);
  }, 100);
  return () => {
    clearInterval(timer);
    meter.value = 0;
    ctx.close().catch(() => {});
  };
}

/**
 * Shows the pre-join panel: camera and microphone selects, the camera's preview, the microphone's level,
 * the speaker output where the browser can choose one. Resolves on Join with {stream, choice}: the open
 * stream (handed to the client, so the devices are not opened twice; null if none could be opened) and
 * the choice, remembered.
 */
export async function preJoin($) {
  const panel = $('prejoin');
  panel.hidden = false;
  document.body.classList.add('prejoining');
  const choice = { ...(rememberedDevices() || {}) };
  let stream = null;
  let stopMeter = () => {};
  let opening = Promise.resolve();
  const open = () => {
    opening = opening.then(async () => {
      stopMeter();
      if (stream) stream.getTracks().forEach((t) => t.stop());
      try {
        stream = await navigator.mediaDevices.getUserMedia(AmsClient.mediaConstraints(choice));
        $('prejoin-error').textContent = '';
      } catch (e) {
        stream = null;
        $('prejoin-error').textContent = 'No camera or microphone could be opened (' + (e && e.name)
          + '). You can still join to watch and listen.';
      }
      $('prejoin-video').srcObject = stream;
      if (stream) stopMeter = levelMeter(stream, $('mic-level'));
      const d = await listDevices(); // with labels, now that access was granted
      fill($('prejoin-camera'), d.video, trackDevice(stream, 'video') || choice.videoId, 'Camera');
      fill($('prejoin-mic'), d.audio, trackDevice(stream, 'audio') || choice.audioId, 'Microphone');
      $('prejoin-speaker-label').hidden = !sinkSupported || d.output.length === 0;
      fill($('prejoin-speaker'), d.output, choice.outputId, 'Speaker');
    });
    return opening;
  };
  $('prejoin-camera').onchange = () => { choice.videoId = $('prejoin-camera').value; open(); };
  $('prejoin-mic').onchange = () => { choice.audioId = $('prejoin-mic').value; open(); };
  $('prejoin-speaker').onchange = () => { choice.outputId = $('prejoin-speaker').value; };
  await open();
  await new Promise((resolve) => { $('btn-join').onclick = resolve; });
  await opening;
  choice.videoId = $('prejoin-camera').value || choice.videoId;
  choice.audioId = $('prejoin-mic').value || choice.audioId;
  if (!$('prejoin-speaker-label').hidden) choice.outputId = $('prejoin-speaker').value || choice.outputId;
  rememberDevices(choice);
  stopMeter();
  $('prejoin-video').srcObject = null;
  panel.hidden = true;
  document.body.classList.remove('prejoining');
  return { stream, choice };
}

/** Plays every audio element (and those added later) on {@code outputId}, where the browser supports it. */
export function applySink(outputId) {
  if (!sinkSupported || !outputId) return;
  document.querySelectorAll('audio').forEach((a) => {
    if (a.sinkId !== outputId) a.setSinkId(outputId).catch(() => {});
  });
}

/** The in-call Devices panel: switch the camera or microphone (replaceTrack) and the speaker (setSinkId). */
export function deviceSettings($, client) {
  const panel = $('settings');
  const refresh = async () => {
    const d = await listDevices();
    const chosen = rememberedDevices() || {};
    fill($('set-camera'), d.video, trackDevice(client.localStream, 'video') || chosen.videoId, 'Camera');
    fill($('set-mic'), d.audio, trackDevice(client.localStream, 'audio') || chosen.audioId, 'Microphone');
    $('set-speaker-label').hidden = !sinkSupported || d.output.length === 0;
    fill($('set-speaker'), d.output, chosen.outputId, 'Speaker');
  };
  const show = (open) => {
    panel.hidden = !open;
    $('btn-settings').setAttribute('aria-expanded', String(open));
    if (open) refresh();
  };
  $('btn-settings').onclick = () => show(panel.hidden);
  $('btn-settings-close').onclick = () => show(false);
  const switchTo = async (kind, select, key) => {
    try {
      await client.switchDevice(kind, select.value);
      rememberDevices({ ...(rememberedDevices() || {}), [key]: select.value });
    } catch (e) {
      client._error('media_unavailable', 'That device could not be opened (' + (e && e.name) + ').');
      refresh();
    }
  };
  $('set-camera').onchange = () => switchTo('video', $('set-camera'), 'videoId');
  $('set-mic').onchange = () => switchTo('audio', $('set-mic'), 'audioId');
  $('set-speaker').onchange = () => {
    const outputId = $('set-speaker').value;
    rememberDevices({ ...(rememberedDevices() || {}), outputId });
    applySink(outputId);
  };
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener('devicechange', () => { if (!panel.hidden) refresh(); });
  }
}
