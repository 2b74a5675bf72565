/**
 * The router's neighbour table (IPv4 -> MAC and where it attaches, learned from ARP and from
 * packets sent to the router) and the resolutions in flight: ARP asked for an address, with the
 * first packets to it held until the answer (bounded per address and in all) or until the last
 * attempt times out. Everything runs on the injected clock (lru-cache's `perf`), no timers.
 */
import { LRUCache } from 'lru-cache';
import type { Dpid } from '../sdk/index.js';
import type { ParsedFrame } from '../../protocol/packet/index.js';
import type { RouterInterface } from './rib.js';

export interface Neighbor {
  readonly ip: string;
  readonly mac: string;
  readonly dpid: Dpid;
  readonly port: number;
  readonly seen: number;
}

/** A packet waiting for its next hop's MAC: where it came in, to route it again later. */
export interface HeldPacket {
  readonly dpid: Dpid;
  readonly inPort: number;
  readonly data: Uint8Array;
  readonly frame: ParsedFrame;
}

export interface Resolution {
  readonly ip: string;
  /** The interface whose subnet holds the address: the ARP request's sender. */
  readonly iface: RouterInterface;
  /** ARP requests sent so far. */
  tries: number;
  /** When the next attempt is due (or the resolution fails, after the last one). */
  nextAt: number;
  /** Attempts that went out of no port (not counted in `tries`, up to UNREACHED_GRACE). */
  unreached: number;
  readonly held: HeldPacket[];
}

export interface Limits {
  ttlMs: number;
  failedTtlMs: number;
  maxNeighbors: number;
  maxQueuePerDest: number;
  maxQueued: number;
  maxResolving: number;
  arpTimeoutMs: number;
  arpRetries: number;
}

/**
 * Attempts that reach no port (no switch connected, ports not settled yet) that do not count
 * against a next hop: enough for the topology's settle time at its defaults, bounded so that a
 * subnet without a floodable port still fails.
 */
export const UNREACHED_GRACE = 30;

/** An attempt went out of `ports` ports: one that reached none is given back, within the grace. */
export function countAttempt(r: Resolution, ports: number): void {
  if (ports === 0 && r.unreached < UNREACHED_GRACE) {
    r.unreached++;
    r.tries--;
  }
}

export type LearnResult = 'new' | 'refreshed' | 'changed';

export class Neighbors {
  readonly #table: LRUCache<string, Neighbor>;
  readonly #failed: LRUCache<string, true>;
  readonly #resolving = new Map<string, Resolution>();
  #held = 0;
  heldDropped = 0;

  constructor(
    readonly limits: Limits,
    now: () => number,
  ) {
    const common = { ttlResolution: 0, ttlAutopurge: false, updateAgeOnGet: false, perf: { now } } as const;
    this.#table = new LRUCache<string, Neighbor>({ max: limits.maxNeighbors, ttl: limits.ttlMs, ...common });
    this.#failed = new LRUCache<string, true>({ max: 10_000, ttl: Math.max(1, limits.failedTtlMs), ...common });
  }

  get size(): number {
    return this.#table.size;
  }
  get heldCount(): number {
    return this.#held;
  }
  get resolvingCount(): number {
    return this.#resolving.size;
  }

  get(ip: string): Neighbor | undefined {
    return this.#table.get(ip);
  }

  all(): Neighbor[] {
    return [...this.#table.values()];
  }

  /** Record a sighting; 'changed' when the MAC or the place differ from what was known. */
  learn(n: Neighbor): LearnResult {
    const old = this.#table.get(n.ip);
    this.#table.set(n.ip, n);
    this.#failed.delete(n.ip);
    if (!old) return 'new';
    return old.mac === n.mac && old.dpid === n.dpid && old.port === n.port ? 'refreshed' : 'changed';
  }

  /** Move every entry of a MAC to a new place; returns the entries moved. */
  moveMac(mac: string, dpid: Dpid, port: number): Neighbor[] {
    const moved: Neighbor[] = [];
    for (const n of this.#table.values()) {
      if (n.mac !== mac || (n.dpid === dpid && n.port === port)) continue;
      const m = { ...n, dpid, port };
      this.#table.set(n.ip, m);
      moved.push(m);
    }
    return moved;
  }

  /** Forget one address's entry; returns it. */
  forget(ip: string): Neighbor | undefined {
    const n = this.#table.get(ip);
    if (n) this.#table.delete(ip);
    return n;
  }

  /** Forget entries located on a switch (any port unless given); returns them. */
  forgetAt(dpid: Dpid, port?: number): Neighbor[] {
    const gone = [...this.#table.values()].filter((n) => n.dpid === dpid && (port === undefined || n.port === port));
    for (const n of gone) this.#table.delete(n.ip);
    return gone;
  }

  clear(): void {
    this.#table.clear();
  }

  /** Resolution failed recently: answer "host unreachable" without asking again. */
  failed(ip: string): boolean {
    return this.#failed.has(ip);
  }

  resolution(ip: string): Resolution | undefined {
    return this.#resolving.get(ip);
  }

  /** Start resolving (the caller sends the first ARP request); undefined when too many are running. */
  start(ip: string, iface: RouterInterface, now: number): Resolution | undefined {
    const existing = this.#resolving.get(ip);
    if (existing) return existing;
    if (this.#resolving.size >= this.limits.maxResolving) return undefined;
    const r: Resolution = { ip, iface, tries: 1, nextAt: now + this.limits.arpTimeoutMs, unreached: 0, held: [] };
    this.#resolving.set(ip, r);
    return r;
  }

  /**
   * A switch came up: every running resolution starts its attempts over at the next tick. The
   * address may be behind that switch, which the attempts made before it connected could not
   * reach (at a weft start the switches connect one by one, seconds apart).
   */
  retryAll(now: number): void {
    for (const r of this.#resolving.values()) {
      r.tries = 0;
      r.unreached = 0;
      r.nextAt = now;
    }
  }

  /** Hold a packet until resolution ends; false (and counted) when a cap is reached. */
  hold(r: Resolution, p: HeldPacket): boolean {
    if (r.held.length >= this.limits.maxQueuePerDest || this.#held >= this.limits.maxQueued) {
      this.heldDropped++;
      return false;
    }
    r.held.push(p);
    this.#held++;
    return true;
  }

  /** The answer came: the resolution ends; its held packets are returned to be sent. */
  complete(ip: string): Resolution | undefined {
    const r = this.#resolving.get(ip);
    if (!r) return undefined;
    this.#resolving.delete(ip);
    this.#held -= r.held.length;
    return r;
  }

  /**
   * Advance the clock: resolutions whose attempt timed out either get another attempt
   * (`retry`, the caller sends ARP again) or fail after the last one (`failed`, held packets
   * returned for ICMP host unreachable).
   */
  due(now: number): { retry: Resolution[]; failed: Resolution[] } {
    const retry: Resolution[] = [];
    const failed: Resolution[] = [];
    for (const r of this.#resolving.values()) {
      if (now < r.nextAt) continue;
      if (r.tries >= this.limits.arpRetries) {
        failed.push(r);
        continue;
      }
      r.tries++;
      r.nextAt = now + this.limits.arpTimeoutMs;
      retry.push(r);
    }
    for (const r of failed) {
      this.#resolving.delete(r.ip);
      this.#held -= r.held.length;
      if (this.limits.failedTtlMs > 0) this.#failed.set(r.ip, true);
    }
    return { retry, failed };
  }
}
