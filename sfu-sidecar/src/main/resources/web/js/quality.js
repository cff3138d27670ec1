// Connection-quality signal bars (docs/SIGNALING.md, message "quality"): the server measures every
// participant's upload (what it receives from them) and download (what their receiver reports say about
// what it sends them); this module turns one participant's entry into bars and a plain-words tooltip.

const ORDER = ['excellent', 'good', 'poor', 'bad', 'unknown'];
const BARS = { excellent: 4, good: 3, poor: 2, bad: 1, unknown: 0 };

/** The worse of the two directions' levels ('unknown' only if both are unknown). */
export function worstLevel(entry) {
  if (!entry) return 'unknown';
  const levels = [entry.uplink, entry.downlink].map((d) => (d && d.level) || 'unknown').filter((l) => l !== 'unknown');
  if (!levels.length) return 'unknown';
  return levels.reduce((a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b));
}

/** "your upload is losing 8% of packets; your download is fine" or "Alice's upload is fine; Alice's download is slow (RTT 450 ms)". */
export function describeQuality(entry, self, name) {
  const who = self ? 'your' : (name || 'this participant') + "'s";
  const part = (dir, d) => who + ' ' + dir + ' is ' + (d && d.level !== 'unknown' ? d.text : 'not measured yet');
  if (!entry) return (self ? 'Your' : who.charAt(0).toUpperCase() + who.slice(1)) + ' connection is not measured yet';
  const s = part('upload', entry.uplink) + '; ' + part('download', entry.downlink);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Four bars, as many lit as the level deserves, with the tooltip; data-level carries the level for tests. */
export function qualityBars(entry, self, name) {
  const level = worstLevel(entry);
  const el = document.createElement('span');
  el.className = 'quality q-' + level;
  el.dataset.level = level;
  el.dataset.participant = entry ? entry.id : '';
  const words = describeQuality(entry, self, name);
  el.title = words;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', 'connection ' + level + ': ' + words);
  for (let i = 1; i <= 4; i++) {
    const b = document.createElement('i');
    if (i <= BARS[level]) b.className = 'on';
    el.append(b);
  }
  return el;
}

/** Replaces the children of `slot` (the header's own-connection indicator) with this client's own bars. */
export function showOwnQuality(slot, client) {
  if (!slot) return;
  const mine = client.participantId && client.quality ? client.quality[client.participantId] : null;
  slot.replaceChildren(qualityBars(mine, true, client.name));
}
