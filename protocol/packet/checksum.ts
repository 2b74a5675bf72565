import { parseIp } from './addr.js';

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit big-endian words. Sums are kept unfolded (plain numbers stay exact far beyond any
 * frame size) and folded once at the end.
 */

/** Add the 16-bit words of data[start, end) to `sum`; an odd last byte is padded with zero. */
export function onesSum(data: Uint8Array, start = 0, end = data.length, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8;
  return sum;
}

/** Fold an unfolded sum to 16 bits and complement it: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/**
 * The checksum of data[start, end). Over a region whose checksum field is already filled in
 * correctly the result is 0, which is how to verify one.
 */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length): number {
  return finishChecksum(onesSum(data, start, end));
}

/**
 * The sum of the TCP/UDP/ICMPv6 pseudo-header. IPv4 (RFC 793/768) and IPv6 (RFC 8200 section
 * 8.1) lay it out differently, but with 16-bit words the sums are the same: addresses, the
 * upper-layer length (32 bits on IPv6; its high word is zero below 64 KiB, and added anyway),
 * and the protocol number.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  let sum = onesSum(src) + onesSum(dst);
  sum += Math.floor(length / 0x10000) + (length & 0xffff);
  return sum + protocol;
}

/** The checksum of an upper-layer segment (its checksum field zeroed) over the pseudo-header. */
export function transportChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): number {
  return finishChecksum(onesSum(segment, 0, segment.length, pseudoHeaderSum(src, dst, protocol, segment.length)));
}

/**
 * transportChecksum with the addresses as text (both IPv4 or both IPv6): what the TCP, UDP and
 * ICMPv6 builders use.
 */
export function checksumFor(src: string, dst: string, protocol: number, segment: Uint8Array): number {
  const s = parseIp(src);
  const d = parseIp(dst);
  if (s.length !== d.length) throw new Error(`source ${JSON.stringify(src)} and destination ${JSON.stringify(dst)} are of different IP families`);
  return transportChecksum(s, d, protocol, segment);
}
