/**
 * DHCP pools: one per subnet, either the subnet of a routing interface (`interface`: its gateway
 * address; the router answers for it and is the clients' router) or a flat layer-2 subnet
 * without routing (`subnet` and `serverIp`: weft answers ARP for the server address). Validated
 * here for the options, REST and the state store alike; problems are HttpErrors naming the field.
 */
import { ipv4ToNumber, isMac, normalizeMac, numberToIpv4 } from '../../protocol/packet/index.js';
import { HttpError } from '../sdk/index.js';
import type { RouterInterface } from '../routing/api.js';

export interface Reservation {
  mac: string;
  ip: string;
}

/** Where a pool's clients are: a switch (every port) or one port of it. */
export interface Attachment {
  dpid: string;
  port?: number;
}

export interface PoolSpec {
  interface?: string;
  subnet?: string;
  serverIp?: string;
  serverMac?: string;
  range?: [string, string];
  leaseSec?: number;
  router?: string;
  dns?: string[];
  domain?: string;
  reservations?: Reservation[];
  attach?: Attachment[];
}

export interface Pool {
  /** "10.0.1.0/24": the pool's id in REST and the store. */
  readonly id: string;
  readonly spec: PoolSpec;
  readonly networkNum: number;
  readonly prefixLength: number;
  readonly mask: string;
  readonly broadcast: string;
  readonly serverIp: string;
  readonly serverMac: string;
  /** Whether weft answers ARP for the server address (flat pools; routing answers its gateways). */
  readonly answersArp: boolean;
  readonly first: number;
  readonly last: number;
  readonly leaseSec: number;
  readonly router: string | undefined;
  readonly dns: string[];
  readonly domain: string | undefined;
  readonly reservations: ReadonlyMap<string, string>;
  readonly attach: readonly Attachment[];
}

const bad = (field: string, message: string) => HttpError.badRequest(`${field}: ${message}`, field);
const IP_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const KEYS = ['interface', 'subnet', 'serverIp', 'serverMac', 'range', 'leaseSec', 'router', 'dns', 'domain', 'reservations', 'attach'];

function ipField(field: string, v: unknown): string {
  if (typeof v !== 'string' || !IP_RE.test(v)) throw bad(field, `expected an IPv4 address, got ${JSON.stringify(v)}`);
  return v;
}

const maskOf = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
const defaultMac = (ip: string) => `0e:00:${ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`;

/**
 * Check a pool spec. `iface` finds the routing interface of an `interface` pool (undefined:
 * routing is not loaded or has no such interface).
 */
export function parsePool(body: unknown, iface: (ip: string) => RouterInterface | undefined): Pool {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('pool', 'expected an object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KEYS.includes(k)) throw bad(k, `unknown field (known: ${KEYS.join(', ')})`);
  let networkNum: number;
  let prefixLength: number;
  let serverIp: string;
  let serverMac: string;
  let router: string | undefined;
  let answersArp: boolean;
  if (b.interface !== undefined) {
    if (b.subnet !== undefined || b.serverIp !== undefined || b.serverMac !== undefined) throw bad('interface', 'an interface pool takes its subnet and server from the routing interface (no subnet, serverIp, serverMac)');
    const ip = ipField('interface', b.interface);
    const i = iface(ip);
    if (!i || i.ip !== ip) throw bad('interface', `${ip} is not a routing interface's gateway address (is the routing app loaded before dhcp, with that interface?)`);
    ({ networkNum, prefixLength } = i);
    serverIp = i.ip;
    serverMac = i.mac;
    router = b.router === undefined ? i.ip : ipField('router', b.router);
    answersArp = false;
  } else {
    if (typeof b.subnet !== 'string' || !/^[\d.]+\/\d{1,2}$/.test(b.subnet)) throw bad('subnet', `expected "a.b.c.d/len" (or give interface), got ${JSON.stringify(b.subnet)}`);
    const [net, len] = b.subnet.split('/');
    prefixLength = Number(len);
    if (prefixLength < 8 || prefixLength > 30) throw bad('subnet', `prefix length ${prefixLength} is out of 8-30`);
    networkNum = (ipv4ToNumber(ipField('subnet', net)) & maskOf(prefixLength)) >>> 0;
    if (numberToIpv4(networkNum) !== net) throw bad('subnet', `${b.subnet} has host bits set`);
    serverIp = ipField('serverIp', b.serverIp);
    if (b.serverMac !== undefined && (typeof b.serverMac !== 'string' || !isMac(b.serverMac) || (parseInt(b.serverMac.slice(0, 2), 16) & 1) === 1)) throw bad('serverMac', `expected a unicast MAC, got ${JSON.stringify(b.serverMac)}`);
    serverMac = b.serverMac === undefined ? defaultMac(serverIp) : normalizeMac(b.serverMac as string);
    router = b.router === undefined ? undefined : ipField('router', b.router);
    answersArp = true;
  }
  const mask = maskOf(prefixLength);
  const broadcastNum = (networkNum | ~mask) >>> 0;
  const inside = (n: number) => n > networkNum && n < broadcastNum;
  const serverNum = ipv4ToNumber(serverIp);
  if (!inside(serverNum)) throw bad('serverIp', `${serverIp} is not a host address of ${numberToIpv4(networkNum)}/${prefixLength}`);
  let first = networkNum + 1;
  let last = broadcastNum - 1;
  if (b.range !== undefined) {
    if (!Array.isArray(b.range) || b.range.length !== 2) throw bad('range', 'expected [first, last]');
    first = ipv4ToNumber(ipField('range', b.range[0]));
    last = ipv4ToNumber(ipField('range', b.range[1]));
    if (!inside(first) || !inside(last) || first > last) throw bad('range', `[${b.range.join(', ')}] is not an ascending range of host addresses of the subnet`);
  }
  const leaseSec = b.leaseSec === undefined ? 3600 : b.leaseSec;
  if (typeof leaseSec !== 'number' || !Number.isInteger(leaseSec) || leaseSec < 10 || leaseSec > 7 * 86400 * 52) throw bad('leaseSec', `expected an integer in 10-${7 * 86400 * 52}, got ${JSON.stringify(leaseSec)}`);
  if (router !== undefined && !inside(ipv4ToNumber(router))) throw bad('router', `${router} is not in the subnet`);
  const dns = b.dns === undefined ? [] : Array.isArray(b.dns) ? b.dns.map((d, i) => ipField(`dns[${i}]`, d)) : (() => { throw bad('dns', 'expected a list of addresses'); })();
  if (b.domain !== undefined && (typeof b.domain !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(b.domain))) throw bad('domain', `expected a domain name, got ${JSON.stringify(b.domain)}`);
  const reservations = new Map<string, string>();
  if (b.reservations !== undefined) {
    if (!Array.isArray(b.reservations)) throw bad('reservations', 'expected a list of {mac, ip}');
    const taken = new Set<string>();
    b.reservations.forEach((r: unknown, i) => {
      const o = (r ?? {}) as Record<string, unknown>;
      if (typeof o.mac !== 'string' || !isMac(o.mac)) throw bad(`reservations[${i}].mac`, `expected a MAC, got ${JSON.stringify(o.mac)}`);
      const ip = ipField(`reservations[${i}].ip`, o.ip);
      const n = ipv4ToNumber(ip);
      if (!inside(n) || n === serverNum) throw bad(`reservations[${i}].ip`, `${ip} is not a free host address of the subnet`);
      const mac = normalizeMac(o.mac);
      if (reservations.has(mac) || taken.has(ip)) throw bad(`reservations[${i}]`, `${mac} or ${ip} is reserved twice`);
      reservations.set(mac, ip);
      taken.add(ip);
    });
  }
  const attach: Attachment[] = [];
  if (b.attach !== undefined) {
    if (!Array.isArray(b.attach)) throw bad('attach', 'expected a list of {dpid, port?}');
    b.attach.forEach((a: unknown, i) => {
      const o = (a ?? {}) as Record<string, unknown>;
      if (typeof o.dpid !== 'string' || !/^(0x)?[0-9a-fA-F:]{1,23}$/.test(o.dpid)) throw bad(`attach[${i}].dpid`, `expected a datapath id in hex, got ${JSON.stringify(o.dpid)}`);
      if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 0xffffff00)) throw bad(`attach[${i}].port`, `expected a port number, got ${JSON.stringify(o.port)}`);
      const dpid = o.dpid.replace(/^0x/, '').replace(/:/g, '').toLowerCase().padStart(16, '0');
      attach.push(o.port === undefined ? { dpid } : { dpid, port: o.port });
    });
  }
  const spec = JSON.parse(JSON.stringify(b)) as PoolSpec;
  return {
    id: `${numberToIpv4(networkNum)}/${prefixLength}`,
    spec,
    networkNum,
    prefixLength,
    mask: numberToIpv4(mask),
    broadcast: numberToIpv4(broadcastNum),
    serverIp,
    serverMac,
    answersArp,
    first,
    last,
    leaseSec,
    router,
    dns,
    domain: b.domain as string | undefined,
    reservations,
    attach,
  };
}

export const inPool = (p: Pool, ipNum: number): boolean => (ipNum & maskOf(p.prefixLength)) >>> 0 === p.networkNum;

/** Whether the pool serves a client on (dpid, port): no attachments means everywhere. */
export function servesPort(p: Pool, dpid: string, port: number): boolean {
  return p.attach.length === 0 || p.attach.some((a) => a.dpid === dpid && (a.port === undefined || a.port === port));
}

export function checkOverlap(pools: readonly Pool[], p: Pool): void {
  for (const q of pools) {
    const len = Math.min(q.prefixLength, p.prefixLength);
    if (((q.networkNum ^ p.networkNum) & maskOf(len)) === 0) throw HttpError.conflict(`pool ${p.id} overlaps pool ${q.id}`);
  }
}

export function poolView(p: Pool) {
  return {
    id: p.id,
    ...(p.spec.interface ? { interface: p.spec.interface } : { subnet: p.id }),
    serverIp: p.serverIp,
    serverMac: p.serverMac,
    range: [numberToIpv4(p.first), numberToIpv4(p.last)],
    leaseSec: p.leaseSec,
    ...(p.router ? { router: p.router } : {}),
    dns: p.dns,
    ...(p.domain ? { domain: p.domain } : {}),
    reservations: [...p.reservations].map(([mac, ip]) => ({ mac, ip })),
    attach: p.attach,
  };
}
