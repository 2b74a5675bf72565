/**
 * Which switches hold our flows towards each destination MAC, and the port each outputs to:
 * enough to delete exactly the destinations whose path used a link or port that went down.
 * Bounded (LRU over destinations). An evicted destination's flows are still caught by the
 * out_port delete on the dead port itself (see docs/L2.md); `evicted` counts how often that
 * fallback may have been needed.
 */
import type { Dpid } from '../sdk/index.js';
import { LruMap } from '../sdk/index.js';

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
  /** When it last moved to the LRU's hot end (recordHop with a clock: at most every REFRESH_MS). */
  usedAt: number;
  /** Forgotten or evicted: a slot still holding it must look the destination up again. */
  dead: boolean;
}

/**
 * Somewhere the caller keeps, next to its own record of a destination (l2-learning: the MAC
 * table entry), the tracker's record of it between packet-ins, so recording a hop needs no
 * lookup by MAC. Opaque to the caller; start it as undefined.
 */
export interface RouteSlot {
  route: unknown;
}

/** With a clock, a destination moves to the LRU's hot end at most this often (ms). */
const REFRESH_MS = 1000;

export class RouteTracker {
  readonly #routes: LruMap<string, Route>;
  evicted = 0;

  constructor(max: number) {
    this.#routes = new LruMap(max, (r) => {
      r.dead = true;
      this.evicted++;
    });
  }

  get size(): number {
    return this.#routes.size;
  }

  record(dst: string, hops: readonly Hop[]): void {
    for (const h of hops) this.recordHop(dst, h.dpid, h.outPort);
  }

  /**
   * One hop of a path towards dst: a flow on `dpid` outputs to `outPort` (no array per path).
   * Without `now` every call is a use (exact LRU order). With it, the caller's `slot` is used
   * to find the record without a lookup, and a destination moves to the hot end at most every
   * REFRESH_MS: the order is then least recently used to within a second, which is all that
   * eviction (the fallback of docs/L2.md) needs, and relinking list nodes on every packet-in
   * touched three cold objects.
   */
  recordHop(dst: string, dpid: Dpid, outPort: number, slot?: RouteSlot, now?: number): void {
    let r = slot?.route as Route | undefined;
    if (r === undefined || r.dead) {
      r = now === undefined ? this.#routes.use(dst) : this.#routes.get(dst);
      if (!r) this.#routes.set(dst, (r = { ports: new Map(), lastDpid: undefined, lastPort: -1, usedAt: now ?? 0, dead: false }));
      if (slot) slot.route = r;
    } else if (now === undefined) this.#routes.use(dst);
    if (now !== undefined && now - r.usedAt >= REFRESH_MS) {
      r.usedAt = now;
      this.#routes.use(dst);
    }
    if (r.lastDpid === dpid && r.lastPort === outPort) return;
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
    const r = this.#routes.get(dst);
    if (r === undefined) return;
    r.dead = true;
    this.#routes.delete(dst);
  }

  clear(): void {
    for (const r of this.#routes.values()) r.dead = true;
    this.#routes.clear();
  }
}
