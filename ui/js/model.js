/**
 * The network as the UI knows it: switches, links and hosts, loaded from REST and kept current
 * by the event stream. Events that arrive while a REST resync is running are held and applied
 * after the snapshot, so nothing seen on the stream is lost or undone by an older answer.
 * Listeners get `reset` (after every snapshot) and fine-grained `switch`, `link`, `host` changes.
 */
import { get } from './api.js';

export const linkKey = (a, b) => `${a.dpid}:${a.port}>${b.dpid}:${b.port}`;
/** One key for both directions of a cable. */
export function cableKey(a, b) {
  const x = `${a.dpid}:${a.port}`, y = `${b.dpid}:${b.port}`;
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

export class TopologyModel {
  constructor() {
    this.switches = new Map();
    this.links = new Map();
    this.hosts = new Map();
    this.portsDown = new Set();
    this.listeners = new Set();
    this.held = undefined;
    this.topologyAvailable = true;
  }

  on(f) { this.listeners.add(f); return () => this.listeners.delete(f); }
  emit(kind, data) { for (const f of this.listeners) f(kind, data); }

  async resync() {
    this.held ??= [];
    try {
      const [sw, links, hosts] = await Promise.all([
        get('/api/v1/switches'),
        get('/api/v1/topology/links').catch((e) => (e.status === 503 ? null : Promise.reject(e))),
        get('/api/v1/topology/hosts').catch((e) => (e.status === 503 ? null : Promise.reject(e))),
      ]);
      this.topologyAvailable = links !== null;
      this.switches = new Map(sw.map((s) => [s.dpid, s]));
      this.links = new Map((links ?? []).map((l) => [linkKey(l.src, l.dst), l]));
      this.hosts = new Map((hosts ?? []).map((x) => [x.mac, { ...x, at: { dpid: x.dpid, port: x.port } }]));
      this.portsDown.clear();
    } finally {
      const held = this.held;
      this.held = undefined;
      this.emit('reset');
      for (const e of held) this.apply(e);
    }
  }

  apply(e) {
    if (this.held) { this.held.push(e); return; }
    switch (e.type) {
      case 'switch_up': {
        const s = { dpid: e.dpid, remoteAddress: e.remoteAddress, remotePort: e.remotePort, connectedAt: e.time };
        this.switches.set(e.dpid, s);
        this.emit('switch+', s);
        break;
      }
      case 'switch_down':
        this.switches.delete(e.dpid);
        for (const [k, l] of this.links) if (l.src.dpid === e.dpid || l.dst.dpid === e.dpid) { this.links.delete(k); this.emit('link-', l); }
        for (const [m, x] of this.hosts) if (x.at.dpid === e.dpid) { this.hosts.delete(m); this.emit('host-', x); }
        this.emit('switch-', { dpid: e.dpid });
        break;
      case 'link_added': {
        const l = { src: e.src, dst: e.dst };
        this.links.set(linkKey(l.src, l.dst), l);
        this.emit('link+', l);
        break;
      }
      case 'link_removed':
        this.links.delete(linkKey(e.src, e.dst));
        this.emit('link-', { src: e.src, dst: e.dst });
        break;
      case 'host_added':
      case 'host_updated':
      case 'host_moved': {
        const x = { mac: e.mac, ipv4: e.ipv4 ?? [], ipv6: e.ipv6 ?? [], at: e.at, dpid: e.at.dpid, port: e.at.port };
        this.hosts.set(e.mac, x);
        this.emit('host+', x);
        break;
      }
      case 'host_removed':
        this.hosts.delete(e.mac);
        this.emit('host-', { mac: e.mac });
        break;
      case 'port_added':
      case 'port_modified':
      case 'port_removed': {
        const k = `${e.dpid}:${e.port}`;
        if (e.live && e.type !== 'port_removed') this.portsDown.delete(k); else this.portsDown.add(k);
        this.emit('port', { dpid: e.dpid, port: e.port, live: e.live && e.type !== 'port_removed' });
        break;
      }
      default:
        this.emit('other', e);
    }
  }

  /** Cables (both directions folded): [{key, a, b, directions}]. */
  cables() {
    const out = new Map();
    for (const l of this.links.values()) {
      const k = cableKey(l.src, l.dst);
      const c = out.get(k);
      if (c) c.directions++;
      else out.set(k, { key: k, a: l.src, b: l.dst, directions: 1 });
    }
    return [...out.values()];
  }
}
