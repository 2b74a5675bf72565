/**
 * Link utilisation from port counters: every PERIOD_MS the port stats of up to PER_ROUND
 * switches (round robin over switches with links) are read and turned into transmit rates;
 * a cable's utilisation is the busier direction's bit rate over the port speed.
 * Bounded so a 1,000-switch network costs the server a few requests per round, not 1,000.
 */
import { get } from './api.js';

const PERIOD_MS = 3000;
const PER_ROUND = 25;

export class UtilisationPoller {
  constructor(model, onUpdate) {
    this.model = model;
    this.onUpdate = onUpdate;
    this.last = new Map();    // "dpid:port" -> {t, txBytes}
    this.rates = new Map();   // "dpid:port" -> bit/s
    this.speeds = new Map();  // "dpid:port" -> bit/s
    this.described = new Set();
    this.cursor = 0;
    this.timer = setInterval(() => this.round(), PERIOD_MS);
    this.round();
  }

  stop() { clearInterval(this.timer); }

  async round() {
    const withLinks = [...new Set([...this.model.links.values()].map((l) => l.src.dpid))].sort();
    if (withLinks.length === 0) return;
    const pick = [];
    for (let i = 0; i < Math.min(PER_ROUND, withLinks.length); i++) pick.push(withLinks[(this.cursor + i) % withLinks.length]);
    this.cursor = (this.cursor + pick.length) % withLinks.length;
    await Promise.all(pick.map((dpid) => this.poll(dpid).catch(() => {})));
    const util = new Map();
    for (const c of this.model.cables()) {
      const ra = this.rates.get(`${c.a.dpid}:${c.a.port}`);
      const rb = this.rates.get(`${c.b.dpid}:${c.b.port}`);
      if (ra === undefined && rb === undefined) continue;
      const speed = this.speeds.get(`${c.a.dpid}:${c.a.port}`) || this.speeds.get(`${c.b.dpid}:${c.b.port}`) || 1e9;
      util.set(c.key, Math.max(ra ?? 0, rb ?? 0) / speed);
    }
    this.onUpdate(util, this.rates);
  }

  async poll(dpid) {
    if (!this.described.has(dpid)) {
      this.described.add(dpid);
      const d = await get(`/api/v1/switches/${dpid}`);
      for (const p of d.ports) if (typeof p.portNo === 'number') this.speeds.set(`${dpid}:${p.portNo}`, (p.currSpeedKbps ?? 0) * 1000);
    }
    const stats = await get(`/api/v1/switches/${dpid}/ports/stats`);
    const t = performance.now();
    for (const s of stats) {
      const k = `${dpid}:${s.portNo}`;
      const prev = this.last.get(k);
      if (prev && t > prev.t) this.rates.set(k, Math.max(0, ((s.txBytes - prev.txBytes) * 8 * 1000) / (t - prev.t)));
      this.last.set(k, { t, txBytes: s.txBytes });
    }
  }
}
