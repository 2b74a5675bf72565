/**
 * The IPv6 side of the router's configuration: the IPv6 prefixes of the interfaces (with their
 * router-advertisement settings and MTU), static IPv6 routes, and the lookups. Validation throws
 * HttpErrors naming the field, as rib.ts does for IPv4.
 */
import { HttpError } from '../sdk/index.js';
import { isIpv6, parseCidr } from '../../protocol/packet/index.js';
import type { RaConfig, RouterInterface, RouterIpv6 } from './api.js';
import { bigToV6, isLinkLocal6, isMulticast6, isReserved6, mask128, v6ToBig } from './ipv6-addr.js';
import type { RaSpec } from './options.js';
import type { RouteState } from './rib.js';

export interface StaticRoute6 {
  readonly family: 6;
  /** "2001:db8:9::/48" */
  readonly prefix: string;
  readonly net: bigint;
  readonly mask: bigint;
  readonly prefixLength: number;
  readonly nextHop: string;
  readonly nextHopBig: bigint;
  state: RouteState;
  since: number;
}

export type Lookup6 =
  | { kind: 'local'; iface: RouterInterface; addr: RouterIpv6 | undefined }
  | { kind: 'connected'; iface: RouterInterface; addr: RouterIpv6 }
  | { kind: 'static'; route: StaticRoute6; iface: RouterInterface; addr: RouterIpv6 };

const bad = (field: string, message: string) => HttpError.badRequest(`${field}: ${message}`, field);

export const DEFAULT_RA: RaConfig = { enabled: true, intervalSec: 30, validLifetimeSec: 86_400, preferredLifetimeSec: 14_400, routerLifetimeSec: 1_800 };

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(field, `${JSON.stringify(v)} is not an integer in ${min}-${max}`);
  return v;
}

/** The ra object of an interface spec, defaults filled in. */
export function parseRa(spec: RaSpec | undefined): RaConfig {
  if (spec === undefined) return { ...DEFAULT_RA };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw bad('ra', 'expected an object { enabled?, intervalSec?, validLifetimeSec?, preferredLifetimeSec?, routerLifetimeSec? }');
  for (const k of Object.keys(spec)) if (!(k in DEFAULT_RA)) throw bad(`ra.${k}`, `unknown (known: ${Object.keys(DEFAULT_RA).join(', ')})`);
  if (spec.enabled !== undefined && typeof spec.enabled !== 'boolean') throw bad('ra.enabled', 'expected true or false');
  const ra: RaConfig = {
    enabled: spec.enabled ?? DEFAULT_RA.enabled,
    intervalSec: spec.intervalSec === undefined ? DEFAULT_RA.intervalSec : int('ra.intervalSec', spec.intervalSec, 1, 1800),
    validLifetimeSec: spec.validLifetimeSec === undefined ? DEFAULT_RA.validLifetimeSec : int('ra.validLifetimeSec', spec.validLifetimeSec, 1, 0xffffffff),
    preferredLifetimeSec: spec.preferredLifetimeSec === undefined ? DEFAULT_RA.preferredLifetimeSec : int('ra.preferredLifetimeSec', spec.preferredLifetimeSec, 0, 0xffffffff),
    routerLifetimeSec: spec.routerLifetimeSec === undefined ? DEFAULT_RA.routerLifetimeSec : int('ra.routerLifetimeSec', spec.routerLifetimeSec, 0, 9000),
  };
  if (ra.preferredLifetimeSec > ra.validLifetimeSec) throw bad('ra.preferredLifetimeSec', `${ra.preferredLifetimeSec} exceeds ra.validLifetimeSec ${ra.validLifetimeSec}`);
  if (ra.routerLifetimeSec !== 0 && ra.routerLifetimeSec < ra.intervalSec) throw bad('ra.routerLifetimeSec', `${ra.routerLifetimeSec} s is shorter than ra.intervalSec ${ra.intervalSec} s: hosts would drop the default route between advertisements`);
  return ra;
}

export function parseMtu(v: unknown): number | undefined {
  return v === undefined ? undefined : int('mtu', v, 1280, 65_535);
}

/** Validate an interface's IPv6 addresses against each other and the other interfaces'. */
export function parseIpv6Addresses(list: unknown, others: readonly RouterInterface[]): RouterIpv6[] {
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) throw bad('ipv6', 'expected a list of addresses with prefix length, e.g. ["2001:db8:1::1/64"]');
  const out: RouterIpv6[] = [];
  for (const text of list as string[]) {
    if (!text.includes('/')) throw bad('ipv6', `"${text}" has no prefix length (write it as address/length, e.g. 2001:db8:1::1/64)`);
    let c;
    try {
      c = parseCidr(text);
    } catch (err) {
      throw bad('ipv6', (err as Error).message);
    }
    if (c.family !== 6) throw bad('ipv6', `"${text}" is not an IPv6 address (the IPv4 one goes in "address")`);
    if (c.prefixLength < 1 || c.prefixLength > 127) throw bad('ipv6', `prefix length /${c.prefixLength} of ${text} is out of range (1-127)`);
    const ipBig = v6ToBig(c.address);
    if (isLinkLocal6(ipBig)) throw bad('ipv6', `${c.address} is link-local: the router's link-local address comes from its MAC`);
    if (isMulticast6(ipBig) || isReserved6(ipBig)) throw bad('ipv6', `${c.address} is not a global or unique-local unicast address`);
    const maskBig = mask128(c.prefixLength);
    const netBig = ipBig & maskBig;
    if (netBig === ipBig) throw bad('ipv6', `${c.address} is the subnet-router anycast address of ${c.network}/${c.prefixLength}: a gateway needs a host address`);
    const addr: RouterIpv6 = { address: `${c.address}/${c.prefixLength}`, ip: c.address, prefixLength: c.prefixLength, network: `${c.network}/${c.prefixLength}`, ipBig, netBig, maskBig };
    for (const o of [...others.flatMap((i) => i.ipv6.map((a) => ({ a, owner: i.address }))), ...out.map((a) => ({ a, owner: 'this interface' }))]) {
      const m = o.a.maskBig & maskBig;
      if ((o.a.netBig & m) === (netBig & m)) throw bad('ipv6', `prefix ${addr.network} overlaps ${o.a.network} of ${o.owner}`);
    }
    out.push(addr);
  }
  return out;
}

export class Rib6 {
  readonly #routes: StaticRoute6[] = [];

  constructor(
    private readonly ifaces: () => readonly RouterInterface[],
    private readonly now: () => number,
  ) {}

  routes(): readonly StaticRoute6[] {
    return this.#routes;
  }

  /** The interface and prefix holding this address. */
  connected(n: bigint): { iface: RouterInterface; addr: RouterIpv6 } | undefined {
    for (const iface of this.ifaces()) for (const addr of iface.ipv6) if ((n & addr.maskBig) === addr.netBig) return { iface, addr };
    return undefined;
  }

  /** The interface owning this address: a gateway address, or a router link-local. */
  local(n: bigint): { iface: RouterInterface; addr: RouterIpv6 | undefined } | undefined {
    for (const iface of this.ifaces()) {
      if (iface.ipv6.length === 0) continue;
      const addr = iface.ipv6.find((a) => a.ipBig === n);
      if (addr) return { iface, addr };
      if (v6ToBig(iface.linkLocal) === n) return { iface, addr: undefined };
    }
    return undefined;
  }

  /** Longest prefix match; unresolved static routes are skipped. */
  lookup(n: bigint): Lookup6 | undefined {
    const local = this.local(n);
    if (local) return { kind: 'local', ...local };
    let best: Lookup6 | undefined;
    let bestLen = -1;
    const conn = this.connected(n);
    if (conn) {
      best = { kind: 'connected', ...conn };
      bestLen = conn.addr.prefixLength;
    }
    for (const r of this.#routes) {
      if (r.state === 'unresolved' || r.prefixLength <= bestLen || (n & r.mask) !== r.net) continue;
      const via = this.connected(r.nextHopBig);
      if (!via) continue;
      best = { kind: 'static', route: r, ...via };
      bestLen = r.prefixLength;
    }
    return best;
  }

  /** Routes whose next hop lies in one of this interface's prefixes. */
  routesVia(iface: RouterInterface): StaticRoute6[] {
    return this.#routes.filter((r) => iface.ipv6.some((a) => (r.nextHopBig & a.maskBig) === a.netBig));
  }

  addRoute(spec: { prefix: string; nextHop: string }): StaticRoute6 {
    let c;
    try {
      c = parseCidr(spec.prefix.includes('/') ? spec.prefix : `${spec.prefix}/128`, { strict: true });
    } catch (err) {
      throw bad('prefix', (err as Error).message);
    }
    if (c.family !== 6) throw bad('prefix', `"${spec.prefix}" is not IPv6`);
    if (!isIpv6(spec.nextHop)) throw bad('nextHop', `${JSON.stringify(spec.nextHop)} is not an IPv6 address (an IPv6 prefix needs an IPv6 next hop)`);
    const nh = v6ToBig(spec.nextHop);
    if (isLinkLocal6(nh)) throw bad('nextHop', `${spec.nextHop} is link-local: give the next hop's address in a connected prefix`);
    const via = this.connected(nh);
    if (!via) throw bad('nextHop', `${spec.nextHop} is not in any connected IPv6 prefix (${this.ifaces().flatMap((i) => i.ipv6.map((a) => a.network)).join(', ') || 'none configured'})`);
    if (nh === via.addr.ipBig) throw bad('nextHop', `${spec.nextHop} is the router's own address on ${via.addr.network}`);
    if (nh === via.addr.netBig) throw bad('nextHop', `${spec.nextHop} is the subnet-router anycast address of ${via.addr.network}`);
    const net = v6ToBig(c.network);
    const mask = mask128(c.prefixLength);
    for (const i of this.ifaces()) {
      for (const a of i.ipv6) {
        if (c.prefixLength >= a.prefixLength && (net & a.maskBig) === a.netBig) throw bad('prefix', `${c.network}/${c.prefixLength} lies inside connected prefix ${a.network} (interface ${i.address})`);
      }
    }
    const prefix = `${c.network}/${c.prefixLength}`;
    if (this.#routes.some((r) => r.prefix === prefix)) throw HttpError.conflict(`a route for ${prefix} exists: delete it first`);
    const route: StaticRoute6 = { family: 6, prefix, net, mask, prefixLength: c.prefixLength, nextHop: bigToV6(nh), nextHopBig: nh, state: 'resolving', since: this.now() };
    this.#routes.push(route);
    return route;
  }

  /** The route with this prefix, or undefined when the text is no IPv6 prefix of a route. */
  removeRoute(prefix: string): StaticRoute6 | undefined {
    let key: string;
    try {
      const c = parseCidr(prefix.includes('/') ? prefix : `${prefix}/128`);
      if (c.family !== 6) return undefined;
      key = `${c.network}/${c.prefixLength}`;
    } catch {
      return undefined;
    }
    const i = this.#routes.findIndex((r) => r.prefix === key);
    return i < 0 ? undefined : this.#routes.splice(i, 1)[0];
  }
}
