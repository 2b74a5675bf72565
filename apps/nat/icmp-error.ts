/**
 * ICMP errors about masqueraded traffic (portable backend). A router beyond the NAT that drops
 * one of our translated packets (TTL exceeded: traceroute; fragmentation needed: path MTU
 * discovery; unreachable) sends its ICMP error to the outside address, quoting the packet as it
 * left us: source outside-ip:outside-port. The inside host can match the error to its socket
 * only if it sees its own packet quoted, so the controller finds the session from the quoted
 * header and puts back the inside address and port (or echo id) in the quote, and the inside
 * address as the destination, fixing every checksum. OpenFlow cannot rewrite inside an ICMP
 * payload, so these errors come to the controller (rare: one packet-in per error).
 */
import { internetChecksum, numberToIpv4, parseIpv4 } from '../../protocol/packet/index.js';
import type { SessionProto } from './sessions.js';

const ETH_LEN = 14;
/** Destination unreachable, time exceeded, parameter problem. */
export const ICMP_ERROR_TYPES: readonly number[] = Object.freeze([3, 11, 12]);

/** The quoted packet's tuple, as it left the NAT (src = outside address). */
export interface QuotedTuple {
  proto: SessionProto;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

interface Layout {
  /** Offsets in the frame: outer IP, ICMP message, quoted IP header, quoted L4 header, end of the ICMP message. */
  ip: number;
  icmp: number;
  qip: number;
  ql4: number;
  end: number;
  proto: SessionProto;
}

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

function layout(frame: Uint8Array): Layout | undefined {
  if (frame.length < ETH_LEN + 20 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const ip = ETH_LEN;
  const ihl = (frame[ip]! & 0x0f) * 4;
  const end = ip + u16(frame, ip + 2);
  const icmp = ip + ihl;
  if (ihl < 20 || frame[ip + 9] !== 1 || end > frame.length || icmp + 8 + 20 + 8 > end) return undefined;
  if (!ICMP_ERROR_TYPES.includes(frame[icmp]!)) return undefined;
  const qip = icmp + 8;
  const qihl = (frame[qip]! & 0x0f) * 4;
  const ql4 = qip + qihl;
  if (frame[qip]! >> 4 !== 4 || qihl < 20 || ql4 + 8 > end) return undefined;
  const p = frame[qip + 9];
  // An ICMP quote: only our echo requests are translated (their id is the "port").
  const proto: SessionProto | undefined = p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 && frame[ql4] === 8 ? 'icmp' : undefined;
  return proto && { ip, icmp, qip, ql4, end, proto };
}

/** The tuple an ICMP error quotes, or undefined when the frame is not an error about TCP, UDP or an echo request. */
export function quotedTuple(frame: Uint8Array): QuotedTuple | undefined {
  const l = layout(frame);
  if (!l) return undefined;
  const src = numberToIpv4(((frame[l.qip + 12]! << 24) | (frame[l.qip + 13]! << 16) | (frame[l.qip + 14]! << 8) | frame[l.qip + 15]!) >>> 0);
  const dst = numberToIpv4(((frame[l.qip + 16]! << 24) | (frame[l.qip + 17]! << 16) | (frame[l.qip + 18]! << 8) | frame[l.qip + 19]!) >>> 0);
  if (l.proto === 'icmp') return { proto: 'icmp', src, srcPort: u16(frame, l.ql4 + 4), dst, dstPort: 0 };
  return { proto: l.proto, src, srcPort: u16(frame, l.ql4), dst, dstPort: u16(frame, l.ql4 + 2) };
}

/** RFC 1624: a one's complement checksum after one 16-bit word changed from `old` to `now`. */
function adjust(sum: number, old: number, now: number): number {
  let s = (~sum & 0xffff) + (~old & 0xffff) + now;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function setU16(d: Uint8Array, o: number, v: number): void {
  d[o] = v >> 8;
  d[o + 1] = v & 0xff;
}

/** Recompute the checksum at `at` over [from, to). */
function recompute(d: Uint8Array, at: number, from: number, to: number): void {
  setU16(d, at, 0);
  setU16(d, at, internetChecksum(d.subarray(from, to)));
}

/**
 * Which way an error crosses the NAT. `in`: from outside, to the outside address, quoting a
 * packet we sent out (its source was ours): the destination and the quoted source become the
 * inside host's. `out`: from an inside host, quoting a packet we let in (its destination was
 * translated): the source and the quoted destination become the outside address and port.
 */
export type Crossing = 'in' | 'out';

/**
 * A copy of the error frame with the translation of `crossing` undone in the outer header and
 * in the quote: `to` is the address and port (echo id) to put back. The outer IP, quoted IP and
 * ICMP checksums are recomputed, and the quoted TCP/UDP/echo checksum is adjusted (RFC 1624)
 * when the quote holds it. Undefined when the frame is not such an error.
 */
export function rewriteIcmpError(frame: Uint8Array, crossing: Crossing, to: { ip: string; port: number }): Uint8Array | undefined {
  const l = layout(frame);
  if (!l) return undefined;
  const d = frame.slice();
  const outerAt = l.ip + (crossing === 'in' ? 16 : 12);
  const quotedAt = l.qip + (crossing === 'in' ? 12 : 16);
  const oldIp = [u16(d, quotedAt), u16(d, quotedAt + 2)];
  const ipBytes = parseIpv4(to.ip);
  const newIp = [(ipBytes[0]! << 8) | ipBytes[1]!, (ipBytes[2]! << 8) | ipBytes[3]!];
  d.set(ipBytes, outerAt);
  recompute(d, l.ip + 10, l.ip, l.icmp);
  d.set(ipBytes, quotedAt);
  recompute(d, l.qip + 10, l.qip, l.ql4);
  // The quoted port (or echo id) and, if the quote reaches it, its checksum. TCP and UDP
  // checksums cover the addresses (pseudo-header); the echo checksum does not.
  const portAt = l.proto === 'icmp' ? l.ql4 + 4 : l.ql4 + (crossing === 'in' ? 0 : 2);
  const sumAt = l.proto === 'udp' ? l.ql4 + 6 : l.proto === 'tcp' ? l.ql4 + 16 : l.ql4 + 2;
  const oldPort = u16(d, portAt);
  setU16(d, portAt, to.port);
  const udpNoSum = l.proto === 'udp' && u16(d, sumAt) === 0;
  if (sumAt + 2 <= l.end && !udpNoSum) {
    let sum = adjust(u16(d, sumAt), oldPort, to.port);
    if (l.proto !== 'icmp') for (let i = 0; i < 2; i++) sum = adjust(sum, oldIp[i]!, newIp[i]!);
    setU16(d, sumAt, sum);
  }
  recompute(d, l.icmp + 2, l.icmp, l.end);
  return d;
}
