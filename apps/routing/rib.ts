/**
 * The router's configuration and its lookup: interfaces (gateway address, subnet, virtual MAC)
 * and static routes (prefix -> next hop, with the next hop's resolution state). Every change is
 * validated here, for the config file, commands and REST alike; problems are HttpErrors naming
 * the field (400), the duplicate (409) or the missing entry (404).
 */
import { HttpError } from '../sdk/index.js';
import { formatCidr, ipv4ToNumber, isIpv4, isMac, isMulticastMac, normalizeMac, numberToIpv4, parseCidr, ZERO_MAC } from '../../protocol/packet/index.js';
import type { InterfaceSpec, RouteSpec } from './options.js';
import type { RouterInterface } from './api.js';
import { linkLocalOf } from './ipv6-addr.js';
import { parseIpv6Addresses, parseMtu, parseRa, Rib6 } from './ipv6-rib.js';
import type { StaticRoute6 } from './ipv6-rib.js';

export type { RouterInterface } from './api.js';

export type RouteState = 'resolving' | 'resolved' | 'unresolved';

export interface StaticRoute {
  readonly family: 4;
  /** "10.0.9.0/24" */
  readonly prefix: string;
  readonly networkNum: number;
  readonly mask: number;
  readonly prefixLength: number;
  readonly nextHop: string;
  readonly nextHopNum: number;
  state: RouteState;
  /** When the state last changed (ctx.now()). */
  since: number;
}

export type Lookup =
  | { kind: 'local'; iface: RouterInterface }
  | { kind: 'connected'; iface: RouterInterface }
  | { kind: 'static'; route: StaticRoute; iface: RouterInterface };

const bad = (field: string, message: string) => HttpError.badRequest(`${field}: ${message}`, field);

/** The default virtual MAC of a gateway: locally administered 0e:00 + the address bytes. */
export function defaultMac(ipNum: number): string {
  const b = [0x0e, 0x00, ipNum >>> 24, (ipNum >>> 16) & 0xff, (ipNum >>> 8) & 0xff, ipNum & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function isUnicastIpv4(n: number): boolean {
  const first = n >>> 24;
  return first !== 0 && first !== 127 && first < 224;
}

const overlaps = (aNet: number, aMask: number, bNet: number, bMask: number) => {
  const m = (aMask & bMask) >>> 0;
  return ((aNet & m) >>> 0) === ((bNet & m) >>> 0);
};

export class Rib {
  readonly #ifaces: RouterInterface[] = [];
  readonly #routes: StaticRoute[] = [];
  /** IPv6 routes and lookups over the same interfaces. */
  readonly v6: Rib6;

  constructor(private readonly now: () => number) {
    this.v6 = new Rib6(() => this.#ifaces, now);
  }

  interfaces(): readonly RouterInterface[] {
    return this.#ifaces;
  }

  routes(): readonly StaticRoute[] {
    return this.#routes;
  }

  /** IPv4 and IPv6 static routes (what the next-hop bookkeeping walks). */
  allRoutes(): readonly (StaticRoute | StaticRoute6)[] {
    return [...this.#routes, ...this.v6.routes()];
  }

  /** Validate and add an interface; returns it. */
  addInterface(spec: InterfaceSpec): RouterInterface {
    if (typeof spec?.address !== 'string') throw bad('address', 'required, a string like "10.0.1.1/24"');
    if (!spec.address.includes('/')) throw bad('address', `"${spec.address}" has no prefix length (write it as address/length, e.g. 10.0.1.1/24)`);
    let c;
    try {
      c = parseCidr(spec.address);
    } catch (err) {
      throw bad('address', (err as Error).message);
    }
    if (c.family !== 4) throw bad('address', `"${spec.address}" is not IPv4 (IPv6 addresses go in "ipv6": { "address": "10.0.1.1/24", "ipv6": ["${spec.address}"] })`);
    if (c.prefixLength < 1 || c.prefixLength > 30) throw bad('address', `prefix length /${c.prefixLength} is out of range (1-30: the subnet needs room for hosts)`);
    const ipNum = ipv4ToNumber(c.address);
    if (!isUnicastIpv4(ipNum)) throw bad('address', `${c.address} is not a unicast address`);
    const broadcastNum = (c.networkNum | ~c.mask) >>> 0;
    if (ipNum === c.networkNum) throw bad('address', `${c.address} is the network address of ${c.network}/${c.prefixLength}: a gateway needs a host address`);
    if (ipNum === broadcastNum) throw bad('address', `${c.address} is the broadcast address of ${c.network}/${c.prefixLength}: a gateway needs a host address`);
    let mac = defaultMac(ipNum);
    if (spec.mac !== undefined) {
      if (typeof spec.mac !== 'string' || !isMac(spec.mac)) throw bad('mac', `${JSON.stringify(spec.mac)} is not a MAC address`);
      mac = normalizeMac(spec.mac);
      if (isMulticastMac(mac) || mac === ZERO_MAC) throw bad('mac', `${mac} is not a unicast MAC address`);
    }
    for (const i of this.#ifaces) {
      if (overlaps(i.networkNum, i.mask, c.networkNum, c.mask)) {
        throw bad('address', `subnet ${c.network}/${c.prefixLength} overlaps interface ${i.address} (subnet ${i.network})`);
      }
    }
    for (const r of this.#routes) {
      if (r.networkNum === c.networkNum && r.prefixLength === c.prefixLength) throw bad('address', `subnet ${c.network}/${c.prefixLength} is the prefix of static route ${r.prefix}`);
    }
    const ipv6 = parseIpv6Addresses(spec.ipv6, this.#ifaces);
    for (const a of ipv6) {
      const r = this.v6.routes().find((x) => x.net === a.netBig && x.prefixLength === a.prefixLength);
      if (r) throw bad('ipv6', `prefix ${a.network} is the prefix of static route ${r.prefix}`);
    }
    const mtu = parseMtu(spec.mtu);
    const ra = parseRa(spec.ra);
    const iface: RouterInterface = {
      address: `${c.address}/${c.prefixLength}`,
      ip: c.address,
      ipNum,
      prefixLength: c.prefixLength,
      mask: c.mask,
      networkNum: c.networkNum,
      network: `${c.network}/${c.prefixLength}`,
      broadcastNum,
      mac,
      ipv6,
      linkLocal: linkLocalOf(mac),
      mtu,
      ra,
    };
    this.#ifaces.push(iface);
    return iface;
  }

  /** Remove the interface with this gateway address (with or without /len). */
  removeInterface(address: string): RouterInterface {
    const ip = typeof address === 'string' ? address.split('/')[0]! : '';
    const i = this.#ifaces.findIndex((x) => x.ip === ip || x.address === address);
    if (i < 0) throw HttpError.notFound(`no interface ${address}`);
    const iface = this.#ifaces[i]!;
    const users = this.#routes.filter((r) => ((r.nextHopNum & iface.mask) >>> 0) === iface.networkNum);
    const users6 = this.v6.routesVia(iface);
    if (users.length + users6.length > 0) throw HttpError.conflict(`interface ${iface.address} is the way to the next hop of ${[...users, ...users6].map((r) => `${r.prefix} via ${r.nextHop}`).join(', ')}: delete those routes first`);
    this.#ifaces.splice(i, 1);
    return iface;
  }

  /** Validate and add a static route (state 'resolving'). */
  addRoute(spec: RouteSpec): StaticRoute | StaticRoute6 {
    if (typeof spec?.prefix !== 'string') throw bad('prefix', 'required, a string like "10.0.9.0/24" or "2001:db8:9::/48"');
    if (typeof spec.nextHop !== 'string') throw bad('nextHop', 'required, an IPv4 or IPv6 address');
    if (spec.prefix.includes(':')) return this.v6.addRoute(spec);
    let c;
    try {
      c = parseCidr(spec.prefix.includes('/') ? spec.prefix : `${spec.prefix}/32`, { strict: true });
    } catch (err) {
      throw bad('prefix', (err as Error).message);
    }
    if (c.family !== 4) throw bad('prefix', `"${spec.prefix}" is not IPv4`);
    if (!isIpv4(spec.nextHop)) throw bad('nextHop', `${JSON.stringify(spec.nextHop)} is not an IPv4 address`);
    const nh = ipv4ToNumber(spec.nextHop);
    const iface = this.connected(nh);
    if (!iface) throw bad('nextHop', `${spec.nextHop} is not in any connected subnet (${this.#ifaces.map((i) => i.network).join(', ') || 'none configured'})`);
    if (nh === iface.ipNum) throw bad('nextHop', `${spec.nextHop} is the router's own address on ${iface.network}`);
    if (nh === iface.networkNum || nh === iface.broadcastNum) throw bad('nextHop', `${spec.nextHop} is the network or broadcast address of ${iface.network}`);
    for (const i of this.#ifaces) {
      if (c.prefixLength >= i.prefixLength && ((c.networkNum & i.mask) >>> 0) === i.networkNum) {
        throw bad('prefix', `${c.network}/${c.prefixLength} lies inside connected subnet ${i.network} (interface ${i.address})`);
      }
    }
    const prefix = formatCidr(c.network, c.prefixLength);
    if (this.#routes.some((r) => r.prefix === prefix)) throw HttpError.conflict(`a route for ${prefix} exists: delete it first`);
    const route: StaticRoute = { family: 4, prefix, networkNum: c.networkNum, mask: c.mask, prefixLength: c.prefixLength, nextHop: numberToIpv4(nh), nextHopNum: nh, state: 'resolving', since: this.now() };
    this.#routes.push(route);
    return route;
  }

  removeRoute(prefix: string): StaticRoute | StaticRoute6 {
    if (typeof prefix === 'string' && prefix.includes(':')) {
      const r6 = this.v6.removeRoute(prefix);
      if (!r6) throw HttpError.notFound(`no route for ${prefix}`);
      return r6;
    }
    let key = prefix;
    try {
      const c = parseCidr(prefix.includes('/') ? prefix : `${prefix}/32`);
      key = formatCidr(c.address, c.prefixLength);
    } catch {
      // Not a prefix: it cannot name a route either.
    }
    const i = this.#routes.findIndex((r) => r.prefix === key);
    if (i < 0) throw HttpError.notFound(`no route for ${prefix}`);
    return this.#routes.splice(i, 1)[0]!;
  }

  setState(route: StaticRoute | StaticRoute6, state: RouteState): boolean {
    if (route.state === state) return false;
    route.state = state;
    route.since = this.now();
    return true;
  }

  /** The connected interface whose subnet holds this address. */
  connected(ipNum: number): RouterInterface | undefined {
    return this.#ifaces.find((i) => ((ipNum & i.mask) >>> 0) === i.networkNum);
  }

  /** The interface with this gateway address. */
  local(ipNum: number): RouterInterface | undefined {
    return this.#ifaces.find((i) => i.ipNum === ipNum);
  }

  byMac(mac: string): RouterInterface | undefined {
    return this.#ifaces.find((i) => i.mac === mac);
  }

  /** Longest prefix match; unresolved static routes are unusable and skipped. */
  lookup(dstNum: number): Lookup | undefined {
    const local = this.local(dstNum);
    if (local) return { kind: 'local', iface: local };
    let best: Lookup | undefined;
    let bestLen = -1;
    const conn = this.connected(dstNum);
    if (conn) {
      best = { kind: 'connected', iface: conn };
      bestLen = conn.prefixLength;
    }
    for (const r of this.#routes) {
      if (r.state === 'unresolved' || r.prefixLength <= bestLen || ((dstNum & r.mask) >>> 0) !== r.networkNum) continue;
      const iface = this.connected(r.nextHopNum);
      if (!iface) continue;
      best = { kind: 'static', route: r, iface };
      bestLen = r.prefixLength;
    }
    return best;
  }
}

