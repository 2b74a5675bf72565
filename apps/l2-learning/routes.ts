/**
 * Which switches hold our flows towards each destination MAC, and the port each outputs to:
 * enough to delete exactly the destinations whose path used a link or port that went down.
 * Bounded (LRU over destinations). An evicted destination's flows are still caught by the
 * out_port delete on the dead port itself (see docs/L2.md); `evicted` counts how often that
 * fallback may have been needed.
 */
import type { Dpid } from '../sdk/index.js';
import { LruMap } from '../topology/lru-map.js';

export interface Hop {
  readonly dpid: Dpid;
  readonly outPort: number;
}

interface Route {
  /** Switch -> the ports our flows there output to. */
  readonly ports: Map<Dpid, Set<number>>;
  /**
   * The hop recorded last: recording it again (every packet-in on a one-switch path, the usual
   * case) changes nothing, and this answers so without reading the Map and Set, whose memory
   * is cold by then (these lookups were most of the tracker's cost).
   */
  lastDpid: Dpid | undefined;
  lastPort: number;
}

export class RouteTracker {
  readonly #routes: LruMap<string, Route>;
  evicted = 0;

  constructor(max: number) {
    this.#routes = new LruMap(max, () => void this.evicted++);
  }

  get size(): number {
    return this.#routes.size;
  }

  record(dst: string, hops: readonly Hop[]): void {
    for (const h of hops) this.recordHop(dst, h.dpid, h.outPort);
  }

  /** One hop of a path towards dst: a flow on `dpid` outputs to `outPort` (no array per path). */
  recordHop(dst: string, dpid: Dpid, outPort: number): void {
    let r = this.#routes.use(dst);
    if (!r) this.#routes.set(dst, (r = { ports: new Map(), lastDpid: undefined, lastPort: -1 }));
    else if (r.lastDpid === dpid && r.lastPort === outPort) return;
    let ports = r.ports.get(dpid);
    if (!ports) r.ports.set(dpid, (ports = new Set()));
    // has() before add(): the optimizing compiler inlines has(), add() is a call.
    if (!ports.has(outPort)) ports.add(outPort);
    r.lastDpid = dpid;
    r.lastPort = outPort;
  }

  /** Switches holding flows towards dst (as far as we know). */
  switchesOf(dst: string): Dpid[] {
    return [...(this.#routes.get(dst)?.ports.keys() ?? [])];
  }

  /** Destinations with a flow on `dpid` outputting to `port` (any port when omitted), the most recently recorded first. */
  usersOf(dpid: Dpid, port?: number): string[] {
    const out: string[] = [];
    for (const [dst, r] of this.#routes.entries()) {
      const ports = r.ports.get(dpid);
      if (ports && (port === undefined || ports.has(port))) out.push(dst);
    }
    return out.reverse();
  }

  forget(dst: string): void {
    this.#routes.delete(dst);
  }

  clear(): void {
    this.#routes.clear();
  }
}
