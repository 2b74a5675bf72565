import { checkBytes, checkInt, put16, u16 } from './bytes.js';
import { checksumFor } from './checksum.js';
import { IP_PROTO } from './constants.js';
import { short, type FrameState } from './frame-state.js';

export function decodeUdp(d: Uint8Array, off: number, end: number, f: FrameState): void {
  if (off + 8 > end) return short(f, 'udp', off, 8, end);
  f.udp = { srcPort: u16(d, off), dstPort: u16(d, off + 2), length: u16(d, off + 4), checksum: u16(d, off + 6) };
  f.payloadOffset = off + 8;
}

export interface UdpSpec {
  srcPort: number;
  dstPort: number;
  /** The IP addresses of the enclosing packet (both IPv4 or both IPv6), for the pseudo-header. */
  src: string;
  dst: string;
}

/** A UDP datagram with its length and pseudo-header checksum (a computed 0 is sent as 0xffff). */
export function buildUdp(h: UdpSpec, payload: Uint8Array): Uint8Array {
  checkBytes('udp payload', payload);
  const len = 8 + payload.length;
  if (len > 0xffff) throw new Error(`udp datagram of ${len} bytes exceeds 65535`);
  const out = new Uint8Array(len);
  put16(out, 0, checkInt('udp srcPort', h.srcPort, 0, 0xffff));
  put16(out, 2, checkInt('udp dstPort', h.dstPort, 0, 0xffff));
  put16(out, 4, len);
  out.set(payload, 8);
  put16(out, 6, checksumFor(h.src, h.dst, IP_PROTO.UDP, out) || 0xffff);
  return out;
}
