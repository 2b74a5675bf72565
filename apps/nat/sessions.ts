/**
 * The portable backend's translations. A TCP/UDP session is two kinds of flows (out: inside
 * tuple -> outside tuple, on the switches where the inside host's packets enter; in: the reverse,
 * on the switches where the remote's replies enter), identified by a 40-bit id carried in every
 * one of its flows' cookies, so a FLOW_REMOVED finds its session. `outAt`/`inAt` name the
 * switches that hold each direction's flow. An ICMP echo translation lives here
 * only: the controller rewrites those packets itself (see echo.ts).
 * The table is an lru-cache: `ttl` is a backstop for sessions whose flows vanished unseen (a
 * switch that went away), and `dispose` gives the port back however an entry leaves.
 */
import { LRUCache } from 'lru-cache';
import type { Dpid } from '../sdk/index.js';
import { PortPool } from './ports.js';

export type SessionProto = 'tcp' | 'udp' | 'icmp';

export type Direction = 'out' | 'in';

export interface Session {
  id: number;
  proto: SessionProto;
  /** The switch where the connection's first packet entered. */
  dpid: Dpid;
  /** Switches holding the outbound flow, and the inbound one (TCP/UDP). */
  outAt: Set<Dpid>;
  inAt: Set<Dpid>;
  insideIp: string;
  /** TCP/UDP source port, or the ICMP echo id. */
  insidePort: number;
  outsideIp: string;
  outsidePort: number;
  remoteIp: string;
  /** TCP/UDP destination port (0 for ICMP). */
  remotePort: number;
  createdAt: number;
  /** Why it left (for the log and counters). */
  ended?: string;
}

export interface SessionTableOptions {
  max: number;
  ttlMs: number;
  echoTtlMs: number;
  portMin: number;
  portMax: number;
  now: () => number;
  /** An entry left the table other than by remove(): its flows should go too. */
  onExpire: (s: Session) => void;
}

const insideKey = (proto: string, ip: string, port: number, remoteIp: string, remotePort: number) => `${proto} ${ip}:${port} ${remoteIp}:${remotePort}`;
const poolKey = (proto: SessionProto, ip: string) => `${proto} ${ip}`;

export class SessionTable {
  readonly #byId: LRUCache<number, Session>;
  readonly #byInside = new Map<string, number>();
  /** Outside tuple (proto, outside ip:port, remote ip) -> id: for inbound ICMP echo replies. */
  readonly #byOutside = new Map<string, number>();
  readonly #pool: PortPool;
  #nextId = 1;
  #removing = false;

  constructor(readonly o: SessionTableOptions) {
    this.#pool = new PortPool(o.portMin, o.portMax);
    this.#byId = new LRUCache<number, Session>({
      // One more than the cap: admission is checked by the caller (refuse, never evict).
      max: o.max + 1,
      ttl: o.ttlMs,
      ttlAutopurge: false,
      perf: { now: o.now },
      dispose: (s, _id, reason) => {
        this.#forget(s);
        if (!this.#removing && reason !== 'set') o.onExpire(s);
      },
    });
  }

  get size(): number {
    return this.#byId.size;
  }

  full(): boolean {
    return this.#byId.size >= this.o.max;
  }

  findInside(proto: SessionProto, ip: string, port: number, remoteIp: string, remotePort: number): Session | undefined {
    const id = this.#byInside.get(insideKey(proto, ip, port, remoteIp, remotePort));
    return id === undefined ? undefined : this.#byId.get(id);
  }

  findOutside(proto: SessionProto, outsideIp: string, outsidePort: number, remoteIp: string, remotePort: number): Session | undefined {
    const id = this.#byOutside.get(insideKey(proto, outsideIp, outsidePort, remoteIp, remotePort));
    return id === undefined ? undefined : this.#byId.get(id);
  }

  get(id: number): Session | undefined {
    return this.#byId.get(id);
  }

  /** A new session, or 'exhausted' (no port) / 'full' (cap). */
  create(p: Omit<Session, 'id' | 'outsidePort' | 'createdAt' | 'outAt' | 'inAt'>): Session | 'full' | 'exhausted' {
    if (this.full()) return 'full';
    const outsidePort = this.#pool.allocate(poolKey(p.proto, p.outsideIp), p.insidePort);
    if (outsidePort === undefined) return 'exhausted';
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xff_ffff_ffff ? 1 : this.#nextId + 1;
    const s: Session = { ...p, id, outsidePort, createdAt: this.o.now(), outAt: new Set(), inAt: new Set() };
    this.#byId.set(id, s, { ttl: p.proto === 'icmp' ? this.o.echoTtlMs : this.o.ttlMs });
    this.#byInside.set(insideKey(s.proto, s.insideIp, s.insidePort, s.remoteIp, s.remotePort), id);
    this.#byOutside.set(insideKey(s.proto, s.outsideIp, s.outsidePort, s.remoteIp, s.remotePort), id);
    return s;
  }

  /**
   * Take back a session found in a switch's flows (adopt.ts): its id and outside port as they
   * are there. False when it clashes with a session held already (another id on its tuple or
   * port) or the table is full; true when it is held now (also when it was already: the
   * switches of `s`'s flows are added to it).
   */
  restore(s: Session): boolean {
    const have = this.#byId.get(s.id);
    if (have) {
      const same = have.insideIp === s.insideIp && have.insidePort === s.insidePort && have.outsidePort === s.outsidePort && have.remoteIp === s.remoteIp;
      if (same) {
        for (const d of s.outAt) have.outAt.add(d);
        for (const d of s.inAt) have.inAt.add(d);
      }
      return same;
    }
    if (this.full()) return false;
    if (this.#byInside.has(insideKey(s.proto, s.insideIp, s.insidePort, s.remoteIp, s.remotePort))) return false;
    if (this.#byOutside.has(insideKey(s.proto, s.outsideIp, s.outsidePort, s.remoteIp, s.remotePort))) return false;
    this.#pool.reserve(poolKey(s.proto, s.outsideIp), s.outsidePort);
    this.#byId.set(s.id, s, { ttl: this.o.ttlMs });
    this.#byInside.set(insideKey(s.proto, s.insideIp, s.insidePort, s.remoteIp, s.remotePort), s.id);
    this.#byOutside.set(insideKey(s.proto, s.outsideIp, s.outsidePort, s.remoteIp, s.remotePort), s.id);
    // New ids continue after the restored ones (ids are unique per run within 40 bits).
    if (s.id >= this.#nextId) this.#nextId = s.id >= 0xff_ffff_ffff ? 1 : s.id + 1;
    return true;
  }

  /** Keep an ICMP translation alive (its packets go through the controller). */
  touch(s: Session): void {
    this.#byId.set(s.id, s, { ttl: s.proto === 'icmp' ? this.o.echoTtlMs : this.o.ttlMs });
  }

  /** Remove a session whose flows are gone or going (no onExpire). */
  remove(id: number): Session | undefined {
    const s = this.#byId.get(id);
    if (!s) return undefined;
    this.#removing = true;
    try {
      this.#byId.delete(id);
    } finally {
      this.#removing = false;
    }
    return s;
  }

  /** Drop expired entries (their onExpire runs). */
  purge(): void {
    this.#byId.purgeStale();
  }

  list(): Session[] {
    return [...this.#byId.values()];
  }

  clear(): void {
    this.#removing = true;
    try {
      this.#byId.clear();
    } finally {
      this.#removing = false;
    }
  }

  portsInUse(proto: SessionProto, outsideIp: string): number {
    return this.#pool.inUse(poolKey(proto, outsideIp));
  }

  #forget(s: Session): void {
    this.#byInside.delete(insideKey(s.proto, s.insideIp, s.insidePort, s.remoteIp, s.remotePort));
    this.#byOutside.delete(insideKey(s.proto, s.outsideIp, s.outsidePort, s.remoteIp, s.remotePort));
    this.#pool.free(poolKey(s.proto, s.outsideIp), s.outsidePort);
  }
}
