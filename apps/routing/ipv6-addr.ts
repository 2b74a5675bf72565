/**
 * IPv6 addresses as 128-bit bigints for the router's prefix arithmetic (masking, longest prefix
 * match), the EUI-64 link-local address of a router MAC, and address classes.
 */
import { formatIpv6, parseIpv6, parseMac } from '../../protocol/packet/index.js';

export const ALL_ONES_128 = (1n << 128n) - 1n;

export function v6ToBig(ip: string): bigint {
  let n = 0n;
  for (const b of parseIpv6(ip)) n = (n << 8n) | BigInt(b);
  return n;
}

export function bigToV6(n: bigint): string {
  const b = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    b[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return formatIpv6(b);
}

export const mask128 = (len: number): bigint => (len === 0 ? 0n : (ALL_ONES_128 << BigInt(128 - len)) & ALL_ONES_128);

/** fe80::/64 with the EUI-64 interface id of a MAC (RFC 4291 appendix A: U/L bit flipped, ff:fe inserted). */
export function linkLocalOf(mac: string): string {
  const m = parseMac(mac);
  const b = new Uint8Array(16);
  b[0] = 0xfe;
  b[1] = 0x80;
  b.set([m[0]! ^ 0x02, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!], 8);
  return formatIpv6(b);
}

const LINK_LOCAL_NET = v6ToBig('fe80::');
const LINK_LOCAL_MASK = mask128(10);

export const isLinkLocal6 = (n: bigint): boolean => (n & LINK_LOCAL_MASK) === LINK_LOCAL_NET;
export const isMulticast6 = (n: bigint): boolean => n >> 120n === 0xffn;
/** Unspecified (::), loopback (::1), IPv4-mapped and the like: nothing a router forwards to or from. */
export const isReserved6 = (n: bigint): boolean => n >> 32n === 0n || n >> 32n === 0xffffn;
