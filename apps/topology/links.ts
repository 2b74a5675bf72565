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
  lastSeen: number;
}

const same = (a: PortRef, b: PortRef) => a.dpid === b.dpid && a.port === b.port;

export class LinkTable {
  readonly #bySrc = new Map<string, LinkRecord>();
  readonly #byDst = new Map<string, LinkRecord>();

  get size(): number {
    return this.#bySrc.size;
  }

  from(dpid: Dpid, port: number): LinkRecord | undefined {
    return this.#bySrc.get(portKey(dpid, port));
  }

  to(dpid: Dpid, port: number): LinkRecord | undefined {
    return this.#byDst.get(portKey(dpid, port));
  }

  /** Whether a link starts or ends on the port. */
  onPort(dpid: Dpid, port: number): boolean {
    const k = portKey(dpid, port);
    return this.#bySrc.has(k) || this.#byDst.has(k);
  }

  /** Links starting or ending on the port (at most two: one each way). */
  linksOnPort(dpid: Dpid, port: number): LinkRecord[] {
    const k = portKey(dpid, port);
    const out = [this.#bySrc.get(k), this.#byDst.get(k)].filter((r): r is LinkRecord => r !== undefined);
    return out.length === 2 && out[0] === out[1] ? [out[0]!] : out;
  }

  touching(dpid: Dpid): LinkRecord[] {
    return [...this.#bySrc.values()].filter((r) => r.link.src.dpid === dpid || r.link.dst.dpid === dpid);
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

  add(link: Link, now: number): LinkRecord {
    const rec: LinkRecord = { link, lastSeen: now };
    this.#bySrc.set(portKey(link.src.dpid, link.src.port), rec);
    this.#byDst.set(portKey(link.dst.dpid, link.dst.port), rec);
    return rec;
  }

  remove(rec: LinkRecord): void {
    const s = portKey(rec.link.src.dpid, rec.link.src.port);
    const d = portKey(rec.link.dst.dpid, rec.link.dst.port);
    if (this.#bySrc.get(s) === rec) this.#bySrc.delete(s);
    if (this.#byDst.get(d) === rec) this.#byDst.delete(d);
  }

  /** Links not refreshed since `before`. */
  staleSince(before: number): LinkRecord[] {
    return [...this.#bySrc.values()].filter((r) => r.lastSeen < before);
  }

  all(): LinkRecord[] {
    return [...this.#bySrc.values()];
  }
}
