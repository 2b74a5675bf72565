/**
 * IPv4 prefixes and the carving of a cluster range into per-host subnets: each host gets the
 * lowest free subnet of the configured length; its first address is the host's gateway.
 */
import { ipv4ToNumber, numberToIpv4 } from '../../protocol/packet/index.js';

export interface Cidr {
  readonly net: number;
  readonly prefix: number;
  readonly mask: number;
  /** "10.244.0.0/16" */
  readonly text: string;
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** "10.244.0.0/16" -> Cidr; host bits must be zero. */
export function parseCidr(s: unknown): Cidr {
  if (typeof s !== 'string') throw new RangeError(`expected a prefix like "10.244.0.0/16", got ${JSON.stringify(s)}`);
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s);
  if (!m || Number(m[2]) > 32) throw new RangeError(`expected a prefix like "10.244.0.0/16", got ${JSON.stringify(s)}`);
  const prefix = Number(m[2]);
  const net = ipv4ToNumber(m[1]!);
  const mask = maskOf(prefix);
  if ((net & ~mask) >>> 0 !== 0) throw new RangeError(`${s} has host bits set (the network is ${numberToIpv4((net & mask) >>> 0)}/${prefix})`);
  return { net, prefix, mask, text: s };
}

export const contains = (c: Cidr, ip: number): boolean => ((ip & c.mask) >>> 0) === c.net;

export const maskText = (c: Cidr): string => numberToIpv4(c.mask);

/** The gateway of a host subnet: its first address. */
export const gatewayOf = (c: Cidr): number => c.net + 1;

/** The gateway's MAC: 0a:58 and the four address bytes, unique per host subnet. */
export function gatewayMac(ip: number): string {
  const b = [0x0a, 0x58, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The lowest /prefix subnet of `cluster` not in `used` (network numbers), or undefined when full. */
export function allocate(cluster: Cidr, prefix: number, used: ReadonlySet<number>): Cidr | undefined {
  const size = 2 ** (32 - prefix);
  const count = 2 ** (prefix - cluster.prefix);
  for (let i = 0; i < count; i++) {
    const net = cluster.net + i * size;
    if (!used.has(net)) return { net, prefix, mask: maskOf(prefix), text: `${numberToIpv4(net)}/${prefix}` };
  }
  return undefined;
}
