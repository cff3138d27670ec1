// The documents' part of the meeting page: Share document (upload with progress), the room's documents
// with Present buttons, and the presented page over the main speaker, with page buttons and arrow keys
// for the presenter. Everything the server or other people named is shown as text, never as markup.
const $ = (id) => document.getElementById(id);

function whenClient(fn) {
  if (window.amsClient) fn(window.amsClient);
  else setTimeout(() => whenClient(fn), 20);
}

whenClient((client) => {
  const docs = client.documents;

  function item(text, cls) {
    const li = document.createElement('li');
    li.textContent = text;
    if (cls) li.className = cls;
    return li;
  }

  function render() {
    const inRoom = !!client.participantId && docs.served !== false;
    $('btn-doc').hidden = !inRoom;
    $('documents-panel').hidden = !inRoom || (docs.list.length === 0 && docs.uploads.length === 0);
    $('uploads').replaceChildren(...docs.uploads.filter((u) => u.state !== 'sent').map((u) => u.state === 'failed'
      ? item(u.name + ': ' + u.error, 'failed')
      : item(u.name + ': uploading ' + Math.round(100 * u.loaded / Math.max(1, u.total)) + ' %')));
    $('documents').replaceChildren(...docs.list.map((d) => {
      if (d.state === 'failed') return item(d.name + ': ' + wordsOf(d), 'failed');
      if (d.state !== 'ready') {
        return item(d.name + ': converting' + (d.pages ? ' (' + d.converted + ' of ' + d.pages + ' pages)' : '…'));
      }
      const li = item(d.name + ' (' + d.pages + (d.pages === 1 ? ' page)' : ' pages)'));
      li.dataset.documentId = d.id;
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = docs.presenting && docs.presenting.documentId === d.id && docs.mine() ? 'Presenting' : 'Present';
      b.disabled = !!docs.presenting && docs.mine() && docs.presenting.documentId === d.id;
      b.onclick = () => docs.present(d.id, 1);
      li.append(b);
      return li;
    }));
    const p = docs.presenting;
    $('content').hidden = !p;
    if (p) {
      $('content-page').src = docs.pageUrl || '';
      $('content-page').alt = 'Page ' + p.page + ' of ' + p.name;
      $('content-caption').textContent = p.name + ', page ' + p.page + ' of ' + p.pages + ' (presented by '
        + nameOf(p.presenterId) + ')';
      $('content-controls').hidden = !docs.mine() && client.role !== 'host';
      $('btn-prev').hidden = !docs.mine();
      $('btn-next').hidden = !docs.mine();
      $('btn-prev').disabled = p.page <= 1;
      $('btn-next').disabled = p.page >= p.pages;
      $('content-pos').textContent = p.page + ' / ' + p.pages;
      $('btn-stop-present').textContent = docs.mine() ? 'Stop presenting' : 'Stop this presentation';
    } else {
      $('content-page').removeAttribute('src');
    }
  }

  function wordsOf(d) {
    return docs.constructor.words(d.error, d.message);
  }

  function nameOf(id) {
    const p = client.participants.find((x) => x.id === id);
    return p ? p.name : id;
  }

  $('btn-doc').onclick = () => $('doc-file').click();
  $('doc-file').onchange = () => {
    const f = $('doc-file').files[0];
    if (f) docs.upload(f);
    $('doc-file').value = '';
  };
  $('btn-prev').onclick = () => docs.flip(-1);
  $('btn-next').onclick = () => docs.flip(1);
  $('btn-stop-present').onclick = () => docs.stop();
  document.addEventListener('keydown', (e) => {
    if (!docs.mine() || e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') { docs.flip(1); e.preventDefault(); }
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') { docs.flip(-1); e.preventDefault(); }
  });
  docs.addEventListener('change', render);
  client.addEventListener('change', render);
  render();

  /** Test helper: the colour at fractional (fx, fy) of the presented page as shown, [r, g, b], or null. */
  client.samplePage = (fx, fy) => {
    const img = $('content-page');
    if ($('content').hidden || !img.complete || !img.naturalWidth) return null;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(img, 0, 0);
    const d = g.getImageData(Math.floor(fx * (c.width - 1)), Math.floor(fy * (c.height - 1)), 1, 1).data;
    return [d[0], d[1], d[2]];
  };
});
