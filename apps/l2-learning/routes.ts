/**
 * Which switches hold our flows towards each destination MAC, and the port each outputs to:
 * enough to delete exactly the destinations whose path used a link or port that went down.
 * Bounded (LRU over destinations). An evicted destination's flows are still caught by the
 * out_port delete on the dead port itself (see docs/L2.md); `evicted` counts how often that
 * fallback may have been needed.
 */
import { LRUCache } from 'lru-cache';
import type { Dpid } from '../sdk/index.js';

export interface Hop {
  readonly dpid: Dpid;
  readonly outPort: number;
}

export class RouteTracker {
  readonly #routes: LRUCache<string, Map<Dpid, Set<number>>>;
  evicted = 0;

  constructor(max: number) {
    this.#routes = new LRUCache({ max, dispose: (_v, _k, reason) => void (reason === 'evict' && this.evicted++) });
  }

  get size(): number {
    return this.#routes.size;
  }

  record(dst: string, hops: readonly Hop[]): void {
    let r = this.#routes.get(dst);
    if (!r) this.#routes.set(dst, (r = new Map()));
    for (const h of hops) {
      let ports = r.get(h.dpid);
      if (!ports) r.set(h.dpid, (ports = new Set()));
      ports.add(h.outPort);
    }
  }

  /** Switches holding flows towards dst (as far as we know). */
  switchesOf(dst: string): Dpid[] {
    return [...(this.#routes.peek(dst)?.keys() ?? [])];
  }

  /** Destinations with a flow on `dpid` outputting to `port` (any port when omitted). */
  usersOf(dpid: Dpid, port?: number): string[] {
    const out: string[] = [];
    for (const [dst, r] of this.#routes.entries()) {
      const ports = r.get(dpid);
      if (ports && (port === undefined || ports.has(port))) out.push(dst);
    }
    return out;
  }

  forget(dst: string): void {
    this.#routes.delete(dst);
  }

  clear(): void {
    this.#routes.clear();
  }
}
