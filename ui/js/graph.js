/**
 * The topology drawing (cytoscape). sync() diffs the model against what is drawn and changes
 * only the difference, so live events and REST resyncs cost little even with 1,000 switches.
 * Nodes without a position are laid out by fcose in a worker (layout-worker.js) and added in
 * chunks of CHUNK elements per task: the page stays responsive while a big network loads.
 */
import { cableKey } from './model.js';
import { shortDpid } from './dom.js';

const CHUNK = 150;
/** Positions survive leaving and re-entering the page (no second layout). */
const positions = new Map();
let worker;
let layoutSeq = 0;

function layoutInWorker(nodes, edges) {
  const id = ++layoutSeq;
  try {
    worker ??= new Worker('/ui/js/layout-worker.js');
  } catch {
    worker = null;
  }
  if (!worker) return Promise.resolve(circle(nodes));
  return new Promise((resolve) => {
    const onMsg = (m) => {
      if (m.data.id !== id) return;
      worker.removeEventListener('message', onMsg);
      window.weftLastLayoutMs = m.data.ms;
      resolve(m.data.positions);
    };
    worker.addEventListener('message', onMsg);
    worker.postMessage({ id, nodes, edges });
  });
}

/** The fallback when no worker can start: a circle, instant and never wrong. */
function circle(nodes) {
  const r = Math.max(100, nodes.length * 12);
  return Object.fromEntries(nodes.map((n, i) => [n, [r * Math.cos((2 * Math.PI * i) / nodes.length), r * Math.sin((2 * Math.PI * i) / nodes.length)]]));
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

function utilColour(u) {
  if (u === undefined) return '#5a6b7b';
  if (u < 0.3) return '#1b6e20';
  if (u < 0.7) return '#8a5300';
  return '#b00020';
}

export class TopologyGraph {
  constructor(container, model, { onSelect } = {}) {
    this.model = model;
    this.util = new Map();
    const big = model.switches.size > 300;
    this.cy = window.cytoscape({
      container,
      minZoom: 0.05,
      maxZoom: 4,
      pixelRatio: big ? 1 : 'auto',
      hideEdgesOnViewport: big,
      textureOnViewport: big,
      motionBlur: false,
      boxSelectionEnabled: false,
      style: [
        // Big graphs draw labels only for the selected element: measuring 1,000 labels is the
        // most expensive part of adding nodes.
        { selector: 'node[kind="switch"]', style: { 'background-color': '#0b5cad', label: big ? '' : 'data(label)', color: '#1a1a1a', 'font-size': 10, 'text-valign': 'bottom', 'min-zoomed-font-size': 7, width: 22, height: 22, shape: 'round-rectangle' } },
        { selector: 'node[kind="host"]', style: { 'background-color': '#6b4fa0', label: 'data(label)', 'font-size': 9, 'text-valign': 'bottom', 'min-zoomed-font-size': 7, width: 14, height: 14, shape: 'ellipse' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': 'data(colour)', 'curve-style': 'haystack' } },
        { selector: 'edge[kind="host"]', style: { width: 1, 'line-color': '#9aa5b1', 'line-style': 'dotted' } },
        { selector: 'edge[state="down"]', style: { 'line-color': '#b00020', 'line-style': 'dashed' } },
        { selector: 'edge[state="partial"]', style: { 'line-style': 'dashed' } },
        { selector: '.path', style: { 'background-color': '#f5a623', 'line-color': '#f5a623', width: 6, 'z-index': 10 } },
        { selector: ':selected', style: { 'border-width': 3, 'border-color': '#f5a623', label: 'data(label)' } },
      ],
    });
    this.cy.on('tap', 'node, edge', (ev) => onSelect?.(ev.target.id(), ev.target.data()));
    this.cy.on('dragfree', 'node', (ev) => positions.set(ev.target.id(), [ev.target.position('x'), ev.target.position('y')]));
    this.syncing = false;
    this.again = false;
    this.fitted = false;
    this.ready = this.sync();
  }

  destroy() {
    this.destroyed = true;
    this.cy.destroy();
  }

  /** The elements the model says should be drawn, by id. */
  desired() {
    const m = this.model;
    const out = new Map();
    for (const s of m.switches.values()) out.set(`s:${s.dpid}`, { group: 'nodes', data: { id: `s:${s.dpid}`, kind: 'switch', dpid: s.dpid, label: shortDpid(s.dpid) } });
    for (const c of m.cables()) {
      if (!m.switches.has(c.a.dpid) || !m.switches.has(c.b.dpid)) continue;
      const down = m.portsDown.has(`${c.a.dpid}:${c.a.port}`) || m.portsDown.has(`${c.b.dpid}:${c.b.port}`);
      const u = this.util.get(c.key);
      out.set(`c:${c.key}`, {
        group: 'edges',
        data: {
          id: `c:${c.key}`, kind: 'link', source: `s:${c.a.dpid}`, target: `s:${c.b.dpid}`, a: c.a, b: c.b,
          state: down ? 'down' : c.directions === 2 ? 'up' : 'partial',
          util: u, width: 2 + Math.round(8 * Math.min(1, u ?? 0)), colour: utilColour(u),
        },
      });
    }
    for (const x of m.hosts.values()) {
      if (!m.switches.has(x.at.dpid)) continue;
      out.set(`h:${x.mac}`, { group: 'nodes', data: { id: `h:${x.mac}`, kind: 'host', mac: x.mac, label: x.ipv4[0] ?? x.mac, host: x } });
      out.set(`he:${x.mac}`, { group: 'edges', data: { id: `he:${x.mac}`, kind: 'host', source: `h:${x.mac}`, target: `s:${x.at.dpid}`, width: 1, colour: '#9aa5b1' } });
    }
    return out;
  }

  /** Bring the drawing in line with the model; calls made while one runs fold into one more. */
  async sync() {
    if (this.syncing) { this.again = true; return this.ready; }
    this.syncing = true;
    try {
      do {
        this.again = false;
        await this.syncOnce();
      } while (this.again && !this.destroyed);
    } finally {
      this.syncing = false;
    }
  }

  async syncOnce() {
    const cy = this.cy;
    const want = this.desired();
    cy.batch(() => {
      cy.elements().forEach((el) => {
        const w = want.get(el.id());
        if (!w) { el.remove(); return; }
        const d = el.data();
        for (const k of ['state', 'width', 'colour', 'label', 'util']) if (w.data[k] !== d[k]) el.data(k, w.data[k]);
      });
    });
    const missing = [...want.values()].filter((w) => cy.getElementById(w.data.id).empty());
    if (missing.length === 0) return;
    const newNodes = missing.filter((w) => w.group === 'nodes' && !positions.has(w.data.id));
    if (newNodes.length > 20 || (newNodes.length > 0 && cy.nodes().length === 0)) {
      // Many new nodes: lay the whole graph out again in the worker.
      const nodes = [...want.values()].filter((w) => w.group === 'nodes').map((w) => w.data.id);
      const edges = [...want.values()].filter((w) => w.group === 'edges').map((w) => [w.data.source, w.data.target]);
      const pos = await layoutInWorker(nodes, edges);
      if (this.destroyed) return;
      for (const [id, p] of Object.entries(pos)) positions.set(id, p);
      cy.batch(() => cy.nodes().forEach((n) => { const p = positions.get(n.id()); if (p) n.position({ x: p[0], y: p[1] }); }));
    } else {
      for (const w of newNodes) positions.set(w.data.id, this.placeNear(w, want));
    }
    await this.addChunked(missing);
    if (!this.fitted && cy.nodes().length > 0) {
      cy.fit(undefined, 30);
      if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(); }
      this.fitted = true;
    }
  }

  /** A spot beside the node's first drawn neighbour (or the middle of the view). */
  placeNear(w, want) {
    let anchor;
    if (w.data.kind === 'host') anchor = positions.get(`s:${w.data.host.at.dpid}`);
    else {
      for (const e of want.values()) {
        if (e.group !== 'edges') continue;
        const other = e.data.source === w.data.id ? e.data.target : e.data.target === w.data.id ? e.data.source : undefined;
        if (other && positions.has(other)) { anchor = positions.get(other); break; }
      }
    }
    const bb = this.cy.nodes().boundingBox();
    const mid = bb.w > 0 || bb.h > 0 ? [(bb.x1 + bb.x2) / 2, (bb.y1 + bb.y2) / 2] : [0, 0];
    if (!anchor) return [mid[0] + (Math.random() - 0.5) * 100, mid[1] + (Math.random() - 0.5) * 100];
    // Outwards from the middle of the drawing, so a new host does not land on a link.
    const out = Math.atan2(anchor[1] - mid[1], anchor[0] - mid[0]) + (Math.random() - 0.5);
    return [anchor[0] + 55 * Math.cos(out), anchor[1] + 55 * Math.sin(out)];
  }

  async addChunked(items) {
    const nodes = items.filter((w) => w.group === 'nodes');
    const edges = items.filter((w) => w.group === 'edges');
    for (const list of [nodes, edges]) {
      for (let i = 0; i < list.length; i += CHUNK) {
        if (this.destroyed) return;
        const part = list.slice(i, i + CHUNK).filter((w) => this.cy.getElementById(w.data.id).empty()).map((w) => {
          const p = positions.get(w.data.id);
          return p ? { ...w, position: { x: p[0], y: p[1] } } : w;
        });
        this.cy.batch(() => this.cy.add(part));
        if (list.length > CHUNK) await nextTask();
      }
    }
  }

  setUtil(util) {
    this.util = util;
    this.sync();
  }

  /** Highlight a path answer of /topology/path (null clears). */
  highlight(path) {
    const cy = this.cy;
    cy.elements('.path').removeClass('path');
    if (!path) return;
    const ids = [`h:${path.src.mac}`, `h:${path.dst.mac}`, `he:${path.src.mac}`, `he:${path.dst.mac}`];
    for (const hop of path.hops) ids.push(`s:${hop.dpid}`);
    for (const l of path.links) ids.push(`c:${cableKey(l.src, l.dst)}`);
    for (const id of ids) cy.getElementById(id).addClass('path');
  }

  focus(id) {
    const el = this.cy.getElementById(id);
    if (el.empty()) return false;
    this.cy.elements(':selected').unselect();
    el.select();
    this.cy.animate({ center: { eles: el }, zoom: Math.max(this.cy.zoom(), 1) }, { duration: 200 });
    return true;
  }
}
