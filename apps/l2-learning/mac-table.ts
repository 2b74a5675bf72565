/**
 * Learned MAC locations: one bounded table per switch (MAC -> port), with a TTL and two caps.
 * When a table or a port is full a new MAC is REFUSED rather than evicting an older one: a MAC
 * flood then cannot push the real hosts out, and what it cannot learn it never turns into flows.
 * Entries still age out by TTL, so a refused host gets its chance once the flood stops.
 * The clock is injected and nothing runs on timers: an expired entry is dropped when it is read,
 * or by purgeStale() (the app's tick, or a learning that hits a cap), so tests drive expiry with
 * a fake clock. A plain Map holds a table (no LRU order: nothing is ever evicted for room).
 */
import { macToNumber, numberToMac } from '../../protocol/packet/index.js';
import { MacMap } from '../sdk/index.js';
import type { Dpid } from '../sdk/index.js';
import type { RouteSlot } from './routes.js';

export interface MacEntry {
  readonly port: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * An entry as the tables hold it: with its switch, so the MAC index can point at it, and a slot
 * where the route tracker keeps its record of this MAC as a destination (routes.ts).
 */
export interface LocatedMac extends MacEntry, RouteSlot {
  readonly dpid: Dpid;
}

type Stored = { -readonly [K in keyof LocatedMac]: LocatedMac[K] };

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
  /** Entries stay (counted in size and per port) after expiring, until read or purged. */
  readonly #macs = new Map<string, Stored>();
  readonly #dpid: Dpid;
  readonly #perPort = new Map<number, number>();
  readonly #limits: MacTableLimits;
  readonly #now: () => number;
  readonly #onRemove: (mac: string) => void;
  #lastReap = -Infinity;

  constructor(dpid: Dpid, limits: MacTableLimits, now: () => number, onRemove: (mac: string) => void) {
    this.#dpid = dpid;
    this.#limits = limits;
    this.#now = now;
    this.#onRemove = onRemove;
  }

  get size(): number {
    return this.#macs.size;
  }

  portCount(port: number): number {
    return this.#perPort.get(port) ?? 0;
  }

  /** The entry unless it expired (an expired one is dropped). `now` saves a clock read. */
  get(mac: string, now?: number): LocatedMac | undefined {
    return this.#get(mac, now ?? this.#now());
  }

  #get(mac: string, now: number): Stored | undefined {
    const e = this.#macs.get(mac);
    if (e === undefined || !this.#stale(e, now)) return e;
    this.#remove(mac, e);
    return undefined;
  }

  learn(mac: string, port: number, now: number = this.#now()): LearnResult {
    const old = this.#get(mac, now);
    if (old && old.port === port) {
      // The hot path (every packet-in from a known host): refresh in place. A new object per
      // packet-in was long-lived garbage for the GC to trace.
      old.lastSeen = now;
      return REFRESHED;
    }
    if (!old && this.#macs.size >= this.#limits.maxMacsPerSwitch && this.#reap(now) >= this.#limits.maxMacsPerSwitch) {
      return REFUSED_SWITCH_CAP;
    }
    if (this.portCount(port) >= this.#limits.maxMacsPerPort) {
      this.#reap(now);
      if (this.portCount(port) >= this.#limits.maxMacsPerPort) return REFUSED_PORT_CAP;
    }
    if (old) this.#count(old.port, -1);
    this.#macs.set(mac, { port, firstSeen: old?.firstSeen ?? now, lastSeen: now, dpid: this.#dpid, route: old?.route });
    this.#count(port, 1);
    return old ? { kind: 'moved', from: old.port } : NEW;
  }

  forget(mac: string): boolean {
    const e = this.#macs.get(mac);
    if (e === undefined) return false;
    this.#remove(mac, e);
    return true;
  }

  /** Forget every (unexpired) MAC on a port; returns them, the most recently seen first. */
  forgetPort(port: number): string[] {
    const now = this.#now();
    const gone = this.#recentFirst(now).filter(([, e]) => e.port === port);
    for (const [mac, e] of gone) this.#remove(mac, e);
    return gone.map(([mac]) => mac);
  }

  clear(): void {
    for (const [mac, e] of [...this.#macs]) this.#remove(mac, e);
  }

  /** Drop expired entries now. */
  purgeStale(): void {
    const now = this.#now();
    for (const [mac, e] of this.#macs) if (this.#stale(e, now)) this.#remove(mac, e);
    this.#lastReap = now;
  }

  /** The entry as stored, expired or not (for the MAC index). */
  stored(mac: string): LocatedMac | undefined {
    return this.#macs.get(mac);
  }

  /** Unexpired entries, the most recently seen first. */
  *entries(): IterableIterator<[string, MacEntry]> {
    const now = this.#now();
    for (const [mac, e] of this.#recentFirst(now)) if (e.lastSeen + this.#limits.ttlMs > now) yield [mac, e];
  }

  /** Expired: not seen for more than the TTL. */
  #stale(e: MacEntry, now: number): boolean {
    return now - e.lastSeen > this.#limits.ttlMs;
  }

  /** Unexpired entries, by lastSeen, newest first (ties: the later learned first). */
  #recentFirst(now: number): [string, Stored][] {
    const out: [string, Stored][] = [];
    for (const [mac, e] of this.#macs) if (!this.#stale(e, now)) out.push([mac, e]);
    return out.reverse().sort((a, b) => b[1].lastSeen - a[1].lastSeen);
  }

  /**
   * Purge expired entries before refusing, at most once a second: a flood hits the caps on
   * every packet, and purging is a walk over the whole table. Returns the size after.
   */
  #reap(now: number): number {
    if (now - this.#lastReap >= 1000) this.purgeStale();
    return this.#macs.size;
  }

  #remove(mac: string, e: Stored): void {
    this.#macs.delete(mac);
    this.#count(e.port, -1);
    this.#onRemove(mac);
  }

  #count(port: number, d: number): void {
    const n = (this.#perPort.get(port) ?? 0) + d;
    if (n <= 0) this.#perPort.delete(port);
    else this.#perPort.set(port, n);
  }
}

/**
 * All switches' tables, and an index MAC -> the entry of its (last) attachment. The index only
 * holds MACs present in some table, so the per-switch caps bound it too. Learn through
 * MacTables (not a SwitchMacTable directly) so that the index stays right: it points at the
 * very entry its switch's table holds, which lets a packet-in find and refresh a known MAC with
 * one lookup.
 */
export class MacTables {
  readonly #tables = new Map<Dpid, SwitchMacTable>();
  /** Keyed by the MAC as a 48-bit number: packet-ins look it up with Ethernet#srcNum/dstNum. */
  readonly #where = new MacMap<LocatedMac>();
  readonly #limits: MacTableLimits;
  readonly #now: () => number;

  constructor(limits: MacTableLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  table(dpid: Dpid): SwitchMacTable {
    let t = this.#tables.get(dpid);
    if (!t) {
      t = new SwitchMacTable(dpid, this.#limits, this.#now, (mac) => {
        const n = macKey(mac);
        if (this.#where.get(n)?.dpid === dpid) this.#where.delete(n);
      });
      this.#tables.set(dpid, t);
    }
    return t;
  }

  /** A switch's table if it has one (no table is created). */
  peek(dpid: Dpid): SwitchMacTable | undefined {
    return this.#tables.get(dpid);
  }

  /**
   * Learn on a switch; records the switch in the index unless refused. `macNum` is `mac` as a
   * 48-bit number when the caller has it (a packet-in's Ethernet#srcNum).
   */
  learn(dpid: Dpid, mac: string, port: number, now: number = this.#now(), macNum: number = macToNumber(mac)): LearnResult {
    const known = this.#where.get(macNum);
    if (known !== undefined && known.dpid === dpid && known.port === port && !this.#stale(known, now)) {
      // What the table's learn() would do (the index points at its entry), without the lookups.
      (known as Stored).lastSeen = now;
      return REFRESHED;
    }
    const t = this.table(dpid);
    const r = t.learn(mac, port, now);
    if (r.kind !== 'refusedPortCap' && r.kind !== 'refusedSwitchCap') this.#where.set(macNum, t.stored(mac)!);
    return r;
  }

  /**
   * Where a MAC was last learned (any switch), if it has not expired: the live entry (read it
   * at once, do not keep it). An expired one is dropped.
   */
  locate(mac: string | number, now: number = this.#now()): LocatedMac | undefined {
    const e = this.#where.get(typeof mac === 'number' ? mac : macKey(mac));
    if (e === undefined || !this.#stale(e, now)) return e;
    // Expired: its switch's table drops it (and, through onRemove, the index does).
    this.#tables.get(e.dpid)?.get(typeof mac === 'number' ? numberToMac(mac) : mac, now);
    return undefined;
  }

  /** A sighting of a MAC where locate() found it: what learn() would do there (REFRESHED). */
  refresh(e: LocatedMac, now: number): void {
    (e as Stored).lastSeen = now;
  }

  /** The switch a MAC is indexed on (expired or not). */
  switchOf(mac: string): Dpid | undefined {
    return this.#where.get(macKey(mac))?.dpid;
  }

  forget(mac: string): void {
    const e = this.#where.get(macKey(mac));
    if (e !== undefined) this.#tables.get(e.dpid)?.forget(mac);
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

  /** Expired: not seen for more than the TTL (as SwitchMacTable decides it). */
  #stale(e: MacEntry, now: number): boolean {
    return now - e.lastSeen > this.#limits.ttlMs;
  }
}

/** A MAC's index key; -1 (found nowhere) for text that is no MAC. */
function macKey(mac: string): number {
  try {
    return macToNumber(mac);
  } catch {
    return -1;
  }
}
