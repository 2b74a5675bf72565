/**
 * The live event stream (/api/v1/events, JSON frames) with reconnect: every (re)open calls
 * onOpen first, so the caller resyncs from REST and no event missed while away is lost.
 * A gap in `seq` (the server skipped a slow client) also asks for a resync.
 */
export class EventStream {
  constructor({ onOpen, onEvent, onStatus }) {
    this.onOpen = onOpen;
    this.onEvent = onEvent;
    this.onStatus = onStatus ?? (() => {});
    this.delay = 500;
    this.lastSeq = undefined;
    this.stopped = false;
    this.connect();
  }

  connect() {
    if (this.stopped || this.held) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events`;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.onStatus('connecting');
    ws.onopen = async () => {
      this.delay = 500;
      this.lastSeq = undefined;
      this.onStatus('live');
      await this.onOpen();
    };
    ws.onmessage = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      if (this.lastSeq !== undefined && e.seq !== this.lastSeq + 1) {
        this.lastSeq = e.seq;
        this.onOpen();
        return;
      }
      this.lastSeq = e.seq;
      this.onEvent(e);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.onStatus('reconnecting');
      if (!this.stopped && !this.held) setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    };
    ws.onerror = () => ws.close();
  }

  /** Drop the connection and stay away until release() (what a network outage does; for tests). */
  hold() {
    this.held = true;
    this.ws?.close();
  }

  release() {
    this.held = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.ws?.close();
  }
}
