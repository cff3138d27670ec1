// ICE configuration of the page's peer connections: the iceServers the server hands out in `joined` and
// `p2p-start` (docs/SIGNALING.md "ICE servers and TURN"), narrowed by the page parameter ?relay= for tests
// of restrictive networks, and what getStats() says about the path ICE chose.

/** How a TURN URL reaches its server: 'udp', 'tcp' or 'tls'; null for STUN. */
export function turnKind(url) {
  if (/^turns:/i.test(url)) return 'tls';
  if (!/^turn:/i.test(url)) return null;
  return /[?&]transport=tcp/i.test(url) ? 'tcp' : 'udp';
}

/** ?relay=1|udp|tcp|tls as a filter: null (no parameter: every server, every candidate), 'any', or a kind. */
export function relayParam(value) {
  if (value === null || value === undefined || value === '' || value === '0') return null;
  return value === '1' || value === 'any' ? 'any' : String(value).toLowerCase();
}

/**
 * The RTCConfiguration fields for `iceServers`: all of them without a relay filter; with one, only the TURN
 * URLs of that kind (any kind for 'any') and iceTransportPolicy 'relay', so ICE may use nothing but those.
 */
export function iceConfig(iceServers, relay) {
  const servers = Array.isArray(iceServers) ? iceServers : [];
  if (!relay) return { iceServers: servers };
  const kept = [];
  for (const s of servers) {
    const urls = (Array.isArray(s.urls) ? s.urls : [s.urls]).filter((u) => {
      const kind = turnKind(String(u));
      return kind !== null && (relay === 'any' || kind === relay);
    });
    if (urls.length > 0) kept.push({ ...s, urls });
  }
  return { iceServers: kept, iceTransportPolicy: 'relay' };
}

function candidateOf(c) {
  if (!c) return null;
  return { candidateType: c.candidateType || '', protocol: c.protocol || '', relayProtocol: c.relayProtocol || '',
    address: c.address || c.ip || '', port: c.port || 0, url: c.url || '' };
}

/** The selected candidate pair in a getStats() report: {local, remote, state} with the candidates' fields, or null. */
export function selectedPair(report) {
  let pairId = null;
  report.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
  });
  let pair = null;
  report.forEach((r) => {
    if (r.type === 'candidate-pair' && (r.id === pairId || (!pairId && !pair && r.nominated && r.state === 'succeeded'))) {
      pair = r;
    }
  });
  if (!pair) return null;
  return { local: candidateOf(report.get(pair.localCandidateId)), remote: candidateOf(report.get(pair.remoteCandidateId)),
    state: pair.state || '' };
}

/** An icecandidateerror event as a plain record (a wrong TURN credential is errorCode 401). */
export function iceError(e) {
  return { url: e.url || '', errorCode: e.errorCode || 0, errorText: e.errorText || '', address: e.address || '',
    port: e.port || 0, at: Date.now() };
}
