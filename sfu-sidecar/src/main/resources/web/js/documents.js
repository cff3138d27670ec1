// Documents in the meeting (docs/SIGNALING.md "Documents"): the room's documents as the server converts
// them, uploads with progress, and the page being presented, fetched with the join token.

const ERRORS = {
  unsupported_type: 'This kind of file cannot be shown. Use PDF, Word, PowerPoint, Excel, OpenDocument, RTF, HWP or a picture.',
  type_mismatch: 'The file is not what its name says.',
  too_large: 'The file is too large.',
  zip_bomb: 'The file unpacks to far more than it holds and was refused.',
  password_protected: 'The document is protected with a password. Upload it without one.',
  broken_file: 'The document is damaged or in a format the server cannot read.',
  too_many_pages: 'The document has too many pages.',
  timeout: 'The server took too long converting the document.',
  converter_missing: 'The server cannot convert Office files (LibreOffice is not installed there).',
};

export class Documents extends EventTarget {
  constructor(client) {
    super();
    this.client = client;
    this.list = [];           // {id, name, uploadedBy, state, pages, converted, error, message}, in upload order
    this.presenting = null;   // {presenterId, documentId, name, page, pages, url} or null
    this.pageUrl = null;      // an object URL of the presented page's picture, once fetched
    this.pageShown = null;    // the url of the page in pageUrl
    this.served = false;      // the server takes documents (joined "documents")
    this.uploads = [];        // {name, loaded, total, state: 'sending'|'sent'|'failed', error}
    this._fetching = null;
  }

  /** Messages 'document' and 'presenting' from the server. */
  onMessage(m) {
    if (m.type === 'document') {
      const i = this.list.findIndex((d) => d.id === m.id);
      const d = { id: m.id, name: m.name, uploadedBy: m.uploadedBy, state: m.state, pages: m.pages || 0,
        converted: m.converted || 0, error: m.error || null, message: m.message || null };
      if (i >= 0) this.list[i] = d; else this.list.push(d);
      this._changed();
    } else if (m.type === 'presenting') {
      this.presenting = m.presenterId ? { presenterId: m.presenterId, documentId: m.documentId, name: m.name,
        page: m.page, pages: m.pages, url: m.url } : null;
      this._changed();
      this._fetchPage();
    }
  }

  /** A new session ({@code served}: the server takes documents): the server tells the documents again. */
  reset(served) {
    this.served = served;
    this.list = [];
    this.presenting = null;
    this._changed();
    this._fetchPage();
  }

  /** Words for a document's error code. */
  static words(code, fallback) {
    return ERRORS[code] || fallback || 'The document could not be converted.';
  }

  /** Uploads {@code file} (a File) to the room; progress in this.uploads; resolves with the server's reply. */
  upload(file) {
    const u = { name: file.name, loaded: 0, total: file.size, state: 'sending', error: null };
    this.uploads.push(u);
    this._changed();
    return new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('POST', '/rooms/' + encodeURIComponent(this.client.room) + '/documents?name=' + encodeURIComponent(file.name));
      x.setRequestHeader('Authorization', 'Bearer ' + this.client.token);
      x.setRequestHeader('Content-Type', 'application/octet-stream');
      x.upload.onprogress = (e) => { u.loaded = e.loaded; u.total = e.total || file.size; this._changed(); };
      x.onload = () => {
        let body = {};
        try { body = JSON.parse(x.responseText); } catch (e) { body = {}; }
        if (x.status === 202) {
          u.state = 'sent';
          u.loaded = u.total;
        } else {
          u.state = 'failed';
          u.error = Documents.words(body.code, body.message);
          this.client._error(body.code || 'upload_failed', u.error);
        }
        this._changed();
        resolve({ status: x.status, body });
      };
      x.onerror = () => {
        u.state = 'failed';
        u.error = 'The upload was interrupted.';
        this.client._error('upload_failed', u.error);
        this._changed();
        resolve({ status: 0, body: {} });
      };
      x.send(file);
    });
  }

  present(documentId, page) {
    this.client._send({ type: 'present', documentId, page });
  }

  stop() {
    this.client._send({ type: 'stop-presenting' });
  }

  /** Whether this participant is the presenter. */
  mine() {
    return !!this.presenting && this.presenting.presenterId === this.client.participantId;
  }

  /** The presenter flips: +1 or -1 page, within the document. */
  flip(step) {
    const p = this.presenting;
    if (!p || !this.mine()) return;
    const page = Math.min(p.pages, Math.max(1, p.page + step));
    if (page !== p.page) this.present(p.documentId, page);
  }

  async _fetchPage() {
    const p = this.presenting;
    if (!p) {
      if (this.pageUrl) URL.revokeObjectURL(this.pageUrl);
      this.pageUrl = null;
      this.pageShown = null;
      this._changed();
      return;
    }
    const url = p.url;
    if (this._fetching === url || this.pageShown === url) return;
    this._fetching = url;
    try {
      const r = await fetch(url, { headers: { Authorization: 'Bearer ' + this.client.token }, cache: 'no-store' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const blob = await r.blob();
      if (!this.presenting || this.presenting.url !== url) return; // flipped again meanwhile
      if (this.pageUrl) URL.revokeObjectURL(this.pageUrl);
      this.pageUrl = URL.createObjectURL(blob);
      this.pageShown = url;
      this._changed();
    } catch (e) {
      this.client._error('page_unavailable', 'The presented page could not be loaded: ' + e.message);
    } finally {
      if (this._fetching === url) this._fetching = null;
    }
  }

  _changed() {
    this.dispatchEvent(new CustomEvent('change'));
  }
}
