/**
 * The lease table: addresses offered (held briefly for the client's REQUEST, memory only) and
 * bound (kept in the durable store by the caller), by address and by client MAC; and addresses
 * set aside for a while (declined by a client, or found in use by someone else).
 */
export type LeaseState = 'offered' | 'bound';

export interface Lease {
  ip: string;
  mac: string;
  pool: string;
  state: LeaseState;
  /** Wall-clock ms. */
  expiresAt: number;
  hostname?: string;
}

export class LeaseTable {
  readonly #byIp = new Map<string, Lease>();
  readonly #byMac = new Map<string, Lease>();
  /** ip -> until (ms): not offered to anyone before then. */
  readonly #held = new Map<string, number>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.#byIp.size;
  }

  full(): boolean {
    return this.#byIp.size >= this.max;
  }

  byIp(ip: string): Lease | undefined {
    return this.#byIp.get(ip);
  }

  /** The client's lease or offer in `pool`. */
  byMac(pool: string, mac: string): Lease | undefined {
    return this.#byMac.get(`${pool}|${mac}`);
  }

  set(l: Lease): void {
    const old = this.byMac(l.pool, l.mac);
    if (old && old.ip !== l.ip) this.#byIp.delete(old.ip);
    const other = this.#byIp.get(l.ip);
    if (other && other.mac !== l.mac) this.#byMac.delete(`${other.pool}|${other.mac}`);
    this.#byIp.set(l.ip, l);
    this.#byMac.set(`${l.pool}|${l.mac}`, l);
  }

  delete(ip: string): Lease | undefined {
    const l = this.#byIp.get(ip);
    if (!l) return undefined;
    this.#byIp.delete(ip);
    if (this.#byMac.get(`${l.pool}|${l.mac}`) === l) this.#byMac.delete(`${l.pool}|${l.mac}`);
    return l;
  }

  hold(ip: string, until: number): void {
    this.#held.set(ip, until);
  }

  held(ip: string, now: number): boolean {
    const until = this.#held.get(ip);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#held.delete(ip);
    return false;
  }

  heldCount(): number {
    return this.#held.size;
  }

  /** Leases past their time, removed from the table (the caller forgets bound ones in the store). */
  expire(now: number): Lease[] {
    const gone: Lease[] = [];
    for (const l of this.#byIp.values()) if (l.expiresAt <= now) gone.push(l);
    for (const l of gone) this.delete(l.ip);
    for (const [ip, until] of this.#held) if (until <= now) this.#held.delete(ip);
    return gone;
  }

  list(): Lease[] {
    return [...this.#byIp.values()];
  }

  /** Drop every lease of a pool (the pool was deleted). */
  dropPool(pool: string): Lease[] {
    const gone = this.list().filter((l) => l.pool === pool);
    for (const l of gone) this.delete(l.ip);
    return gone;
  }
}
