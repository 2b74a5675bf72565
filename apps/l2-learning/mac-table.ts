/**
 * Learned MAC locations: one bounded table per switch (MAC -> port), with a TTL and two caps.
 * When a table or a port is full a new MAC is REFUSED rather than evicting an older one: a MAC
 * flood then cannot push the real hosts out, and what it cannot learn it never turns into flows.
 * Entries still age out by TTL, so a refused host gets its chance once the flood stops.
 * The clock is injected (lru-cache's `perf`), with ttlResolution 0 and no autopurge, so the
 * tables start no timers and tests drive expiry with a fake clock.
 */
import { LRUCache } from 'lru-cache';
import type { Dpid } from '../sdk/index.js';

export interface MacEntry {
  readonly port: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export type LearnResult =
  | { kind: 'new' }
  | { kind: 'refreshed' }
  | { kind: 'moved'; from: number }
  | { kind: 'refusedSwitchCap' }
  | { kind: 'refusedPortCap' };

// Results without data are shared (frozen) objects: learn() runs for every packet-in.
const NEW: LearnResult = Object.freeze({ kind: 'new' });
const REFRESHED: LearnResult = Object.freeze({ kind: 'refreshed' });
const REFUSED_SWITCH_CAP: LearnResult = Object.freeze({ kind: 'refusedSwitchCap' });
const REFUSED_PORT_CAP: LearnResult = Object.freeze({ kind: 'refusedPortCap' });

export interface MacTableLimits {
  maxMacsPerSwitch: number;
  maxMacsPerPort: number;
  ttlMs: number;
}

/** One switch's table. */
export class SwitchMacTable {
  readonly #cache: LRUCache<string, MacEntry>;
  readonly #perPort = new Map<number, number>();
  readonly #limits: MacTableLimits;
  readonly #now: () => number;
  #lastReap = -Infinity;

  constructor(limits: MacTableLimits, now: () => number, onRemove: (mac: string) => void) {
    this.#limits = limits;
    this.#now = now;
    this.#cache = new LRUCache<string, MacEntry>({
      // A safety net only: learn() refuses before the cache would evict. Bounded by maxSize
      // (each entry counts 1) rather than `max`: with `max` lru-cache preallocates its arrays
      // at full size, ~374 KiB per switch at the default 10,000 MACs from the first packet-in
      // on; this way they grow with the MACs learned (~3.5 KiB for a switch with 4 hosts).
      maxSize: limits.maxMacsPerSwitch,
      sizeCalculation: () => 1,
      ttl: limits.ttlMs,
      ttlResolution: 0,
      ttlAutopurge: false,
      updateAgeOnGet: false,
      perf: { now },
      dispose: (entry, mac, reason) => {
        this.#count(entry.port, -1);
        // 'set' replaces the entry of a MAC that stays in this table.
        if (reason !== 'set') onRemove(mac);
      },
    });
  }

  get size(): number {
    return this.#cache.size;
  }

  portCount(port: number): number {
    return this.#perPort.get(port) ?? 0;
  }

  get(mac: string): MacEntry | undefined {
    return this.#cache.get(mac);
  }

  learn(mac: string, port: number): LearnResult {
    const now = this.#now();
    const old = this.#cache.get(mac);
    if (old && old.port === port) {
      // The hot path (every packet-in from a known host): refresh in place. Setting the same
      // object again restarts its TTL without a dispose, a new entry or per-port recounting;
      // a new object per packet-in was long-lived garbage for the GC to trace.
      (old as { lastSeen: number }).lastSeen = now;
      this.#cache.set(mac, old);
      return REFRESHED;
    }
    if (!old && this.#cache.size >= this.#limits.maxMacsPerSwitch && this.#reap() >= this.#limits.maxMacsPerSwitch) {
      return REFUSED_SWITCH_CAP;
    }
    if (this.portCount(port) >= this.#limits.maxMacsPerPort) {
      this.#reap();
      if (this.portCount(port) >= this.#limits.maxMacsPerPort) return REFUSED_PORT_CAP;
    }
    this.#put(mac, { port, firstSeen: old?.firstSeen ?? now, lastSeen: now });
    return old ? { kind: 'moved', from: old.port } : NEW;
  }

  forget(mac: string): boolean {
    return this.#cache.delete(mac);
  }

  /** Forget every MAC on a port; returns them. */
  forgetPort(port: number): string[] {
    const gone: string[] = [];
    for (const [mac, e] of this.#cache.entries()) if (e.port === port) gone.push(mac);
    for (const mac of gone) this.#cache.delete(mac);
    return gone;
  }

  clear(): void {
    this.#cache.clear();
  }

  /** Drop expired entries now (the cache only notices them when read). */
  purgeStale(): void {
    this.#cache.purgeStale();
    this.#lastReap = this.#now();
  }

  /** Unexpired entries, most recently learned first. */
  *entries(): IterableIterator<[string, MacEntry]> {
    for (const [mac, e] of this.#cache.entries()) if (this.#cache.getRemainingTTL(mac) > 0) yield [mac, e];
  }

  /**
   * Purge expired entries before refusing, at most once a second: a flood hits the caps on
   * every packet, and purging is a walk over the whole table. Returns the size after.
   */
  #reap(): number {
    if (this.#now() - this.#lastReap >= 1000) this.purgeStale();
    return this.#cache.size;
  }

  #put(mac: string, e: MacEntry): void {
    this.#cache.set(mac, e);
    this.#count(e.port, 1);
  }

  #count(port: number, d: number): void {
    const n = (this.#perPort.get(port) ?? 0) + d;
    if (n <= 0) this.#perPort.delete(port);
    else this.#perPort.set(port, n);
  }
}

/**
 * All switches' tables, and an index MAC -> switch of its (last) attachment. The index only
 * holds MACs present in some table, so the per-switch caps bound it too.
 */
export class MacTables {
  readonly #tables = new Map<Dpid, SwitchMacTable>();
  readonly #where = new Map<string, Dpid>();
  readonly #limits: MacTableLimits;
  readonly #now: () => number;

  constructor(limits: MacTableLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  table(dpid: Dpid): SwitchMacTable {
    let t = this.#tables.get(dpid);
    if (!t) {
      t = new SwitchMacTable(this.#limits, this.#now, (mac) => {
        if (this.#where.get(mac) === dpid) this.#where.delete(mac);
      });
      this.#tables.set(dpid, t);
    }
    return t;
  }

  /** A switch's table if it has one (no table is created). */
  peek(dpid: Dpid): SwitchMacTable | undefined {
    return this.#tables.get(dpid);
  }

  /** Learn on a switch; records the switch in the index unless refused. */
  learn(dpid: Dpid, mac: string, port: number): LearnResult {
    const r = this.table(dpid).learn(mac, port);
    if (r.kind !== 'refusedPortCap' && r.kind !== 'refusedSwitchCap') this.#where.set(mac, dpid);
    return r;
  }

  /** Where a MAC was last learned (any switch), if it has not expired. */
  locate(mac: string): { dpid: Dpid; port: number; lastSeen: number } | undefined {
    const dpid = this.#where.get(mac);
    if (dpid === undefined) return undefined;
    const e = this.#tables.get(dpid)?.get(mac);
    return e && { dpid, port: e.port, lastSeen: e.lastSeen };
  }

  /** The switch a MAC is indexed on (expired or not). */
  switchOf(mac: string): Dpid | undefined {
    return this.#where.get(mac);
  }

  forget(mac: string): void {
    const dpid = this.#where.get(mac);
    if (dpid !== undefined) this.#tables.get(dpid)?.forget(mac);
  }

  forgetPort(dpid: Dpid, port: number): string[] {
    return this.#tables.get(dpid)?.forgetPort(port) ?? [];
  }

  dropSwitch(dpid: Dpid): void {
    this.#tables.get(dpid)?.clear();
    this.#tables.delete(dpid);
  }

  purgeStale(): void {
    for (const t of this.#tables.values()) t.purgeStale();
  }

  /** Learned MACs, all switches (expired ones not yet purged included). */
  get size(): number {
    let n = 0;
    for (const t of this.#tables.values()) n += t.size;
    return n;
  }

  get indexSize(): number {
    return this.#where.size;
  }
}
