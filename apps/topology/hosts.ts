/**
 * Hosts by MAC, bounded: an LRU whose order is "last seen", so idle hosts are found from its
 * cold end without a scan and a full table drops the host quiet the longest. Indexes by IP
 * address and by attachment port keep hostByIp and "hosts on this port" cheap.
 */
import { LRUCache } from 'lru-cache';
import type { Dpid } from '../sdk/index.js';
import type { HostInfo } from './api.js';
import { portKey } from './graph.js';

export interface HostRecord {
  readonly mac: string;
  ipv4: string[];
  ipv6: string[];
  dpid: Dpid;
  port: number;
  readonly firstSeen: number;
  lastSeen: number;
}

export function hostInfo(h: HostRecord): HostInfo {
  return Object.freeze({ mac: h.mac, ipv4: Object.freeze([...h.ipv4]), ipv6: Object.freeze([...h.ipv6]), dpid: h.dpid, port: h.port, firstSeen: h.firstSeen, lastSeen: h.lastSeen });
}

export class HostTable {
  readonly #cache: LRUCache<string, HostRecord>;
  readonly #byIp = new Map<string, HostRecord>();
  readonly #byPort = new Map<string, Set<HostRecord>>();
  readonly #maxIps: number;

  /** `onEvict` hears of hosts dropped to make room (already out of every index). */
  constructor(max: number, maxIpsPerHost: number, onEvict: (h: HostRecord) => void) {
    this.#maxIps = maxIpsPerHost;
    this.#cache = new LRUCache<string, HostRecord>({
      max,
      dispose: (h, _mac, reason) => {
        if (reason !== 'evict') return;
        this.#unindex(h);
        onEvict(h);
      },
    });
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Look up without counting as a sighting. */
  get(mac: string): HostRecord | undefined {
    return this.#cache.peek(mac);
  }

  byIp(ip: string): HostRecord | undefined {
    return this.#byIp.get(ip);
  }

  onPort(dpid: Dpid, port: number): HostRecord[] {
    return [...(this.#byPort.get(portKey(dpid, port)) ?? [])];
  }

  onSwitch(dpid: Dpid): HostRecord[] {
    return this.all().filter((h) => h.dpid === dpid);
  }

  all(): HostRecord[] {
    return [...this.#cache.values()];
  }

  add(h: HostRecord): void {
    this.#cache.set(h.mac, h);
    this.#portSet(h.dpid, h.port).add(h);
  }

  /** A sighting: refresh and move to the hot end. */
  touch(h: HostRecord, now: number): void {
    h.lastSeen = now;
    this.#cache.get(h.mac);
  }

  move(h: HostRecord, dpid: Dpid, port: number): void {
    this.#unport(h);
    h.dpid = dpid;
    h.port = port;
    this.#portSet(dpid, port).add(h);
  }

  remove(h: HostRecord): void {
    this.#unindex(h);
    this.#cache.delete(h.mac);
  }

  /**
   * Record that `ip` belongs to `h` (most recent first, at most maxIpsPerHost per family).
   * Returns the hosts whose addresses changed: `h` if the address is new to it, and a host
   * that held the address before (it moved, e.g. a DHCP lease given to another machine).
   */
  addIp(h: HostRecord, ip: string, family: 'ipv4' | 'ipv6'): HostRecord[] {
    const list = h[family];
    if (list[0] === ip) return [];
    const changed: HostRecord[] = [];
    const prev = this.#byIp.get(ip);
    if (prev && prev !== h) {
      prev[family] = prev[family].filter((a) => a !== ip);
      changed.push(prev);
    }
    const isNew = !list.includes(ip);
    const next = [ip, ...list.filter((a) => a !== ip)];
    for (const dropped of next.splice(this.#maxIps)) if (this.#byIp.get(dropped) === h) this.#byIp.delete(dropped);
    h[family] = next;
    this.#byIp.set(ip, h);
    if (isNew) changed.push(h);
    return changed;
  }

  /** Hosts last seen before `before`, coldest first (stops at the first one still fresh). */
  idleSince(before: number): HostRecord[] {
    const out: HostRecord[] = [];
    for (const h of this.#cache.rvalues()) {
      if (!h || h.lastSeen >= before) break;
      out.push(h);
    }
    return out;
  }

  #portSet(dpid: Dpid, port: number): Set<HostRecord> {
    const k = portKey(dpid, port);
    let s = this.#byPort.get(k);
    if (!s) this.#byPort.set(k, (s = new Set()));
    return s;
  }

  #unport(h: HostRecord): void {
    const k = portKey(h.dpid, h.port);
    const s = this.#byPort.get(k);
    s?.delete(h);
    if (s?.size === 0) this.#byPort.delete(k);
  }

  #unindex(h: HostRecord): void {
    this.#unport(h);
    for (const ip of [...h.ipv4, ...h.ipv6]) if (this.#byIp.get(ip) === h) this.#byIp.delete(ip);
  }
}
