/**
 * Health: packet-ins/s, flow-mods/s and switch errors/s (rates of the /metrics counters between
 * two readings) and the per-switch echo round trip (/ui/echo.json), as small live charts.
 */
import { get } from './api.js';
import { clear, fmtNum, h, shortDpid } from './dom.js';

const PERIOD_MS = 2000;
const POINTS = 60;
const MAX_RTT_CHARTS = 12;

/** Sum of every sample of a metric in Prometheus text (all label sets). */
export function promSum(text, name) {
  let sum = 0, seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isNaN(v)) { sum += v; seen = true; }
  }
  return seen ? sum : undefined;
}

class Spark {
  constructor(id, title, unit) {
    this.values = [];
    this.unit = unit;
    this.value = h('span', { class: 'value', id: `${id}-value` }, '–');
    this.canvas = h('canvas', { width: 280, height: 60, role: 'img', 'aria-label': `${title}, last two minutes` });
    this.el = h('div', { class: 'chart', id }, h('h3', {}, title), this.value, ' ', h('span', { class: 'legend' }, unit), this.canvas);
  }
  push(v) {
    this.values.push(v);
    if (this.values.length > POINTS) this.values.shift();
    this.value.textContent = fmtNum(v);
    this.el.dataset.value = String(v);
    const c = this.canvas.getContext('2d');
    const { width: w, height: hh } = this.canvas;
    c.clearRect(0, 0, w, hh);
    const max = Math.max(1e-9, ...this.values);
    c.strokeStyle = '#0b5cad';
    c.lineWidth = 2;
    c.beginPath();
    this.values.forEach((x, i) => {
      const px = w - ((this.values.length - 1 - i) / (POINTS - 1)) * w, py = hh - 4 - (x / max) * (hh - 8);
      if (i === 0) c.moveTo(px, py); else c.lineTo(px, py);
    });
    c.stroke();
  }
}

export function healthView(root) {
  const rates = {
    packetIns: new Spark('chart-packet-ins', 'Packet-ins', 'per second'),
    flowMods: new Spark('chart-flow-mods', 'Flow-mods', 'per second'),
    errors: new Spark('chart-switch-errors', 'Switch errors', 'per second'),
  };
  const rttBox = h('div', { class: 'charts', id: 'rtt-charts' });
  const rttNote = h('p', { class: 'legend' });
  clear(root).append(h('h1', {}, 'Health'), h('div', { class: 'charts' }, Object.values(rates).map((s) => s.el)),
    h('h2', {}, 'Echo round trip per switch'), rttNote, rttBox);
  const rtt = new Map();
  let last;
  const tick = async () => {
    try {
      const [text, echo] = await Promise.all([fetch('/metrics').then((r) => r.text()), get('/ui/echo.json')]);
      const now = performance.now();
      const cur = {
        packetIns: promSum(text, 'weft_packet_ins_total') ?? 0,
        flowMods: promSum(text, 'weft_flow_mods_total') ?? 0,
        errors: promSum(text, 'weft_switch_errors_total') ?? 0,
      };
      if (last) for (const k of Object.keys(rates)) rates[k].push(Math.max(0, ((cur[k] - last.v[k]) * 1000) / (now - last.t)));
      last = { t: now, v: cur };
      // The slowest switches get charts; with many switches the rest are summarised.
      const measured = echo.filter((e) => e.rttMs !== null).sort((a, b) => b.rttMs - a.rttMs);
      rttNote.textContent = `${echo.length} switches, ${measured.length} answered an echo request (weft sends them to idle switches only).`;
      for (const e of measured.slice(0, MAX_RTT_CHARTS)) {
        if (!rtt.has(e.dpid)) { const s = new Spark(`rtt-${e.dpid}`, `Switch ${shortDpid(e.dpid)}`, 'ms'); rtt.set(e.dpid, s); rttBox.append(s.el); }
      }
      for (const [dpid, s] of rtt) {
        const e = echo.find((x) => x.dpid === dpid);
        if (!e) { s.el.remove(); rtt.delete(dpid); } else if (e.rttMs !== null) s.push(e.rttMs);
      }
    } catch { /* the next tick tries again */ }
  };
  tick();
  const timer = setInterval(tick, PERIOD_MS);
  return () => clearInterval(timer);
}
