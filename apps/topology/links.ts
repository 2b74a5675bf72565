/**
 * Directed links learned from LLDP, indexed by both end ports. Ethernet links are point to
 * point (LLDP goes to the nearest-bridge address, which no bridge forwards), so a port has at
 * most one peer: learning S->D drops every link on S or D that is not between S and D.
 */
import type { Dpid } from '../sdk/index.js';
import type { Link, PortRef } from './api.js';
import { portKey } from './graph.js';

export interface LinkRecord {
  readonly link: Link;
  /** When our own LLDP last showed it (local records, and orphans: see Topology.remoteLink). */
  lastSeen: number;
  /** Our own LLDP showed it (we publish it to the cluster). */
  local: boolean;
  /** The cluster instance that publishes it, if another one does. */
  from?: string;
}

const same = (a: PortRef, b: PortRef) => a.dpid === b.dpid && a.port === b.port;

/** dpid -> port -> record: nested rather than "dpid/port" keys, so a lookup builds no string. */
type PortIndex = Map<Dpid, Map<number, LinkRecord>>;

const lookup = (ix: PortIndex, dpid: Dpid, port: number) => ix.get(dpid)?.get(port);

function put(ix: PortIndex, ref: PortRef, rec: LinkRecord): void {
  let ports = ix.get(ref.dpid);
  if (!ports) ix.set(ref.dpid, (ports = new Map()));
  ports.set(ref.port, rec);
}

function drop(ix: PortIndex, ref: PortRef, rec: LinkRecord): void {
  const ports = ix.get(ref.dpid);
  if (ports?.get(ref.port) !== rec) return;
  ports.delete(ref.port);
  if (ports.size === 0) ix.delete(ref.dpid);
}

export class LinkTable {
  readonly #bySrc: PortIndex = new Map();
  readonly #byDst: PortIndex = new Map();
  /** Every record by "dpid/port" of its source, in the order first added, which is the order all() lists them in. */
  readonly #all = new Map<string, LinkRecord>();

  get size(): number {
    return this.#all.size;
  }

  from(dpid: Dpid, port: number): LinkRecord | undefined {
    return lookup(this.#bySrc, dpid, port);
  }

  to(dpid: Dpid, port: number): LinkRecord | undefined {
    return lookup(this.#byDst, dpid, port);
  }

  /** Whether a link starts or ends on the port. */
  onPort(dpid: Dpid, port: number): boolean {
    return lookup(this.#bySrc, dpid, port) !== undefined || lookup(this.#byDst, dpid, port) !== undefined;
  }

  /** Links starting or ending on the port (at most two: one each way). */
  linksOnPort(dpid: Dpid, port: number): LinkRecord[] {
    const out = [lookup(this.#bySrc, dpid, port), lookup(this.#byDst, dpid, port)].filter((r): r is LinkRecord => r !== undefined);
    return out.length === 2 && out[0] === out[1] ? [out[0]!] : out;
  }

  touching(dpid: Dpid): LinkRecord[] {
    return this.all().filter((r) => r.link.src.dpid === dpid || r.link.dst.dpid === dpid);
  }

  /** Links whose end ports contradict a new link src->dst (another peer on either port). */
  conflicts(src: PortRef, dst: PortRef): LinkRecord[] {
    const found = new Set<LinkRecord>();
    for (const p of [src, dst]) {
      for (const r of this.linksOnPort(p.dpid, p.port)) {
        const { src: s, dst: d } = r.link;
        const consistent = (same(s, src) && same(d, dst)) || (same(s, dst) && same(d, src));
        if (!consistent) found.add(r);
      }
    }
    return [...found];
  }

  add(link: Link, now: number, from?: string): LinkRecord {
    const rec: LinkRecord = from === undefined ? { link, lastSeen: now, local: true } : { link, lastSeen: now, local: false, from };
    put(this.#bySrc, link.src, rec);
    put(this.#byDst, link.dst, rec);
    this.#all.set(portKey(link.src.dpid, link.src.port), rec);
    return rec;
  }

  remove(rec: LinkRecord): void {
    drop(this.#bySrc, rec.link.src, rec);
    drop(this.#byDst, rec.link.dst, rec);
    const k = portKey(rec.link.src.dpid, rec.link.src.port);
    if (this.#all.get(k) === rec) this.#all.delete(k);
  }

  /** Links not refreshed since `before` (those another cluster instance vouches for aside). */
  staleSince(before: number): LinkRecord[] {
    return this.all().filter((r) => r.lastSeen < before && (r.local || r.from === undefined));
  }

  all(): LinkRecord[] {
    return [...this.#all.values()];
  }
}
