// FirefoxBrowserIT's Firefox participant: Debian's firefox-esr, headless, driven by puppeteer-core over WebDriver
// BiDi (Debian has no geckodriver), with Firefox's fake camera and microphone. Opens the join link and prints one
// JSON line a second on stdout: the client's state, its participant list and its stats() (its own getStats:
// inbound-rtp of the main and mix videos, outbound-rtp of its camera), plus colour samples of its mix video.
// Ends when stdin closes (the test's process ends or it closes the pipe) or on SIGTERM, closing Firefox.
//
//   node firefox-participant.mjs <join url> <profile dir> [firefox executable]
import puppeteer from 'puppeteer-core';

const [url, profile, executable = '/usr/bin/firefox-esr'] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');

let browser = null;
let ending = false;
async function end(code) {
  if (ending) return;
  ending = true;
  try { if (browser) await browser.close(); } catch (e) { /* already gone */ }
  process.exit(code);
}
process.on('SIGTERM', () => end(0));
// stdin: JSON lines from the test; {"samples": [[fx, fy], ...]}: the points of the mix video sampled in every report
let samples = [];
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  pending += d;
  let i;
  while ((i = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    try {
      const m = JSON.parse(line);
      if (Array.isArray(m.samples)) samples = m.samples;
    } catch (e) { say({ event: 'bad-command', line }); }
  }
});
process.stdin.on('end', () => end(0));

try {
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: executable,
    headless: true,
    userDataDir: profile,
    args: ['--width=1280', '--height=720'],
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0, // allowed: the page plays what it receives
      'media.autoplay.blocking_policy': 0,
      // host candidates as addresses, not mDNS names (the server is on 127.0.0.1)
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'media.peerconnection.ice.loopback': true,
    },
  });
  say({ event: 'launched', version: await browser.version() });
  const page = await browser.newPage();
  page.on('console', (m) => say({ event: 'console', type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => say({ event: 'pageerror', text: String(e) }));
  await page.goto(url);
  for (;;) {
    const report = await page.evaluate(async (points) => {
      const c = window.amsClient;
      if (!c) return { state: null };
      const s = await c.stats().catch((e) => ({ error: String(e) }));
      return {
        state: c.state, participantId: c.participantId, mixAvailable: c.mixAvailable, mainSpeaker: c.mainSpeaker,
        participants: c.participants.map((p) => ({ id: p.id, name: p.name })),
        // what the page shows: the names in its participant list
        listShown: [...document.querySelectorAll('#participants li .name')].map((e) => e.textContent),
        errors: c.errors.map((e) => e.code + ': ' + e.message),
        main: s.main, mix: s.mix, outbound: s.outbound, outboundLayers: s.outboundLayers, error: s.error || null,
        mixSamples: c.sample ? points.map(([fx, fy]) => ({ at: [fx, fy], rgb: c.sample('mix', fx, fy) })) : [],
      };
    }, samples).catch((e) => ({ state: null, error: String(e) }));
    say({ event: 'report', at: Date.now(), ...report });
    await new Promise((r) => setTimeout(r, 1000));
  }
} catch (e) {
  say({ event: 'failed', error: String(e && e.stack || e) });
  await end(1);
}
