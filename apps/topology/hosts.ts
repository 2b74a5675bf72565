/**
 * Hosts by MAC, bounded: an LRU whose order is "last seen", so idle hosts are found from its
 * cold end without a scan and a full table drops the host quiet the longest. Indexes by IP
 * address and by attachment port keep hostByIp and "hosts on this port" cheap. A sighting of a
 * known host (every packet-in) relinks two list nodes and allocates nothing.
 */
import type { Dpid } from '../sdk/index.js';
import type { HostInfo } from './api.js';
import { LruMap, MacMap } from '../sdk/index.js';

export interface HostRecord {
  readonly mac: string;
  /** The MAC as a 48-bit number (the key of the packet-in path's lookups). */
  readonly macNum: number;
  /** Most recent first. Changed in place: hand out copies (hostInfo), never these arrays. */
  readonly ipv4: string[];
  readonly ipv6: string[];
  dpid: Dpid;
  port: number;
  readonly firstSeen: number;
  lastSeen: number;
  /** When the record last moved to the table's hot end (see HostTable's refreshMs). */
  orderedAt?: number;
  /** Start of the host's current move-limit window, and the moves made in it (host-guard.ts). */
  moveWindowAt?: number;
  movesInWindow?: number;
  /** The cluster instance that published it (it was not seen here); undefined: our own sighting. */
  remote?: string;
}

const NONE: readonly string[] = Object.freeze([]);
const frozenCopy = (list: readonly string[]) => (list.length === 0 ? NONE : Object.freeze(list.slice()));

export function hostInfo(h: HostRecord): HostInfo {
  return Object.freeze({ mac: h.mac, ipv4: frozenCopy(h.ipv4), ipv6: frozenCopy(h.ipv6), dpid: h.dpid, port: h.port, firstSeen: h.firstSeen, lastSeen: h.lastSeen });
}

export class HostTable {
  readonly #hosts: LruMap<string, HostRecord>;
  /** The same records by numeric MAC: what packet-ins look up (see MacMap). */
  readonly #byNum = new MacMap<HostRecord>();
  readonly #byIp = new Map<string, HostRecord>();
  /** dpid -> port -> hosts (nested rather than "dpid/port" keys: no string built per lookup). */
  readonly #byPort = new Map<Dpid, Map<number, Set<HostRecord>>>();
  /** Hosts per switch, for the per-switch cap. */
  readonly #perSwitch = new Map<Dpid, number>();
  readonly #maxIps: number;

  readonly #refreshMs: number;

  /**
   * `onEvict` hears of hosts dropped to make room (already out of every index). A sighting
   * moves a host to the hot end only when it got there more than `refreshMs` ago: relinking on
   * every packet-in was ~5% of weft's CPU under load. So the order is "last seen" to within
   * refreshMs, and idleSince finds an idle host at most refreshMs late.
   */
  constructor(max: number, maxIpsPerHost: number, onEvict: (h: HostRecord) => void, refreshMs = 0) {
    this.#refreshMs = refreshMs;
    this.#maxIps = maxIpsPerHost;
    this.#hosts = new LruMap<string, HostRecord>(max, (h) => {
      this.#byNum.delete(h.macNum);
      this.#unindex(h);
      onEvict(h);
    });
  }

  get size(): number {
    return this.#hosts.size;
  }

  /** Look up without counting as a sighting. */
  get(mac: string): HostRecord | undefined {
    return this.#hosts.get(mac);
  }

  /** get() by the MAC as a 48-bit number (Ethernet#srcNum): no string to hash. */
  getNum(macNum: number): HostRecord | undefined {
    return this.#byNum.get(macNum);
  }

  byIp(ip: string): HostRecord | undefined {
    return this.#byIp.get(ip);
  }

  onPort(dpid: Dpid, port: number): HostRecord[] {
    const s = this.#byPort.get(dpid)?.get(port);
    return s ? [...s] : [];
  }

  onSwitch(dpid: Dpid): HostRecord[] {
    const out: HostRecord[] = [];
    for (const s of this.#byPort.get(dpid)?.values() ?? []) out.push(...s);
    return out;
  }

  /** Hosts attached to a port. */
  portCount(dpid: Dpid, port: number): number {
    return this.#byPort.get(dpid)?.get(port)?.size ?? 0;
  }

  /** Hosts attached to a switch. */
  switchCount(dpid: Dpid): number {
    return this.#perSwitch.get(dpid) ?? 0;
  }

  /** Every host, the most recently seen first. */
  all(): HostRecord[] {
    return [...this.#hosts.valuesNewestFirst()];
  }

  add(h: HostRecord): void {
    const old = this.#hosts.get(h.mac);
    if (old !== undefined && old !== h) this.#unindex(old);
    this.#byNum.set(h.macNum, h);
    this.#hosts.set(h.mac, h);
    this.#attach(h);
  }

  /** A sighting: refresh and move to the hot end. */
  touch(h: HostRecord, now: number): void {
    h.lastSeen = now;
    if (h.orderedAt !== undefined && now - h.orderedAt < this.#refreshMs) return;
    h.orderedAt = now;
    this.#hosts.use(h.mac);
  }

  move(h: HostRecord, dpid: Dpid, port: number): void {
    this.#unport(h);
    h.dpid = dpid;
    h.port = port;
    this.#attach(h);
  }

  remove(h: HostRecord): void {
    this.#unindex(h);
    if (this.#byNum.get(h.macNum) === h) this.#byNum.delete(h.macNum);
    this.#hosts.delete(h.mac);
  }

  /**
   * Record that `ip` belongs to `h` (most recent first, at most maxIpsPerHost per family).
   * Appends to `changed` (made when needed, returned) the hosts whose addresses changed: a host
   * that held the address before (it moved, e.g. a DHCP lease given to another machine), and
   * `h` if the address is new to it; each host once.
   */
  addIp(h: HostRecord, ip: string, family: 'ipv4' | 'ipv6', changed?: HostRecord[]): HostRecord[] | undefined {
    const list = h[family];
    if (list[0] === ip) return changed;
    const prev = this.#byIp.get(ip);
    if (prev && prev !== h) {
      const theirs = prev[family];
      const at = theirs.indexOf(ip);
      if (at >= 0) {
        // Keep the string we already hold rather than the frame's new copy: a copy stored
        // here would live on (and be moved to the old generation) for nothing.
        ip = theirs[at]!;
        theirs.splice(at, 1);
      }
      changed = note(changed, prev);
    }
    const at = list.indexOf(ip);
    if (at >= 0) list.splice(at, 1);
    list.unshift(ip);
    while (list.length > this.#maxIps) {
      const dropped = list.pop()!;
      if (this.#byIp.get(dropped) === h) this.#byIp.delete(dropped);
    }
    this.#byIp.set(ip, h);
    return at < 0 ? note(changed, h) : changed;
  }

  /**
   * Hosts last seen before `before`, coldest first (stops at the first one still fresh). Hosts
   * another cluster instance published are its to expire (it removes them when they idle out).
   */
  idleSince(before: number): HostRecord[] {
    const out: HostRecord[] = [];
    for (const h of this.#hosts.values()) {
      if (h.lastSeen >= before) break;
      if (h.remote === undefined) out.push(h);
    }
    return out;
  }

  /** Index `h` under its port and switch. */
  #attach(h: HostRecord): void {
    let ports = this.#byPort.get(h.dpid);
    if (!ports) this.#byPort.set(h.dpid, (ports = new Map()));
    let s = ports.get(h.port);
    if (!s) ports.set(h.port, (s = new Set()));
    if (s.has(h)) return;
    s.add(h);
    this.#perSwitch.set(h.dpid, (this.#perSwitch.get(h.dpid) ?? 0) + 1);
  }

  #unport(h: HostRecord): void {
    const ports = this.#byPort.get(h.dpid);
    const s = ports?.get(h.port);
    if (!ports || !s || !s.delete(h)) return;
    const n = (this.#perSwitch.get(h.dpid) ?? 1) - 1;
    if (n > 0) this.#perSwitch.set(h.dpid, n);
    else this.#perSwitch.delete(h.dpid);
    if (s.size > 0) return;
    ports.delete(h.port);
    if (ports.size === 0) this.#byPort.delete(h.dpid);
  }

  #unindex(h: HostRecord): void {
    this.#unport(h);
    for (const ip of h.ipv4) if (this.#byIp.get(ip) === h) this.#byIp.delete(ip);
    for (const ip of h.ipv6) if (this.#byIp.get(ip) === h) this.#byIp.delete(ip);
  }
}

function note(changed: HostRecord[] | undefined, h: HostRecord): HostRecord[] {
  if (!changed) return [h];
  if (!changed.includes(h)) changed.push(h);
  return changed;
}
