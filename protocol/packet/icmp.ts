import { formatIpv4Num } from './addr.js';
import { checkBytes, checkInt, put16, put32, u16, u32 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { ICMP_TYPE, ICMP_UNREACH } from './constants.js';
import { short, type FrameState } from './frame-state.js';
import type { IcmpHeader } from './types.js';

export function decodeIcmp(d: Uint8Array, off: number, end: number, f: FrameState): void {
  // Every ICMP message has at least type, code, checksum and a 4-byte second word.
  if (off + 8 > end) return short(f, 'icmp', off, 8, end);
  const type = d[off]!;
  const code = d[off + 1]!;
  const m: IcmpHeader = { type, code, checksum: u16(d, off + 2) };
  switch (type) {
    case ICMP_TYPE.ECHO_REQUEST:
    case ICMP_TYPE.ECHO_REPLY:
      m.id = u16(d, off + 4);
      m.seq = u16(d, off + 6);
      break;
    case ICMP_TYPE.DEST_UNREACHABLE:
      if (code === ICMP_UNREACH.FRAG_NEEDED) m.mtu = u16(d, off + 6);
      m.original = d.subarray(off + 8, end);
      break;
    case ICMP_TYPE.REDIRECT:
      m.gateway = formatIpv4Num(u32(d, off + 4));
      m.original = d.subarray(off + 8, end);
      break;
    case ICMP_TYPE.PARAMETER_PROBLEM:
      m.pointer = d[off + 4]!;
      m.original = d.subarray(off + 8, end);
      break;
    case ICMP_TYPE.TIME_EXCEEDED:
      m.original = d.subarray(off + 8, end);
      break;
  }
  f.icmp = m;
  f.payloadOffset = off + 8;
}

function icmpMessage(type: number, code: number, word: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  out[0] = type;
  out[1] = code;
  put32(out, 4, word);
  out.set(body, 8);
  put16(out, 2, internetChecksum(out));
  return out;
}

export interface IcmpEchoSpec {
  type: 'request' | 'reply';
  id: number;
  seq: number;
  data?: Uint8Array;
}

/** An ICMP echo request or reply message (the IPv4 payload), checksum computed. */
export function buildIcmpEcho(e: IcmpEchoSpec): Uint8Array {
  if (e.type !== 'request' && e.type !== 'reply') throw new Error(`icmp echo type must be 'request' or 'reply', got ${String(e.type)}`);
  const id = checkInt('icmp echo id', e.id, 0, 0xffff);
  const seq = checkInt('icmp echo seq', e.seq, 0, 0xffff);
  const data = e.data ? checkBytes('icmp echo data', e.data) : new Uint8Array(0);
  return icmpMessage(e.type === 'request' ? ICMP_TYPE.ECHO_REQUEST : ICMP_TYPE.ECHO_REPLY, 0, ((id << 16) | seq) >>> 0, data);
}

const ERROR_TYPES: readonly number[] = [ICMP_TYPE.DEST_UNREACHABLE, ICMP_TYPE.REDIRECT, ICMP_TYPE.TIME_EXCEEDED, ICMP_TYPE.PARAMETER_PROBLEM];

/**
 * An ICMP error message quoting the offending datagram's IP header and the first 8 bytes of its
 * payload (RFC 792), or less if the datagram is shorter. `rest` is the second 32-bit word:
 * the next-hop MTU for fragmentation needed (put it in the low 16 bits), the pointer for a
 * parameter problem (high byte), the gateway for a redirect; 0 otherwise.
 */
export function buildIcmpError(type: number, code: number, originalIpPacket: Uint8Array, rest = 0): Uint8Array {
  if (!ERROR_TYPES.includes(type)) throw new Error(`icmp error type must be one of ${ERROR_TYPES.join(', ')}, got ${String(type)}`);
  checkInt('icmp code', code, 0, 255);
  checkInt('icmp rest', rest, 0, 0xffffffff);
  const orig = checkBytes('original IP packet', originalIpPacket);
  if (orig.length < 20 || orig[0]! >>> 4 !== 4 || (orig[0]! & 0x0f) < 5) {
    throw new Error('original IP packet must start with an IPv4 header (at least 20 bytes, version 4)');
  }
  const hl = (orig[0]! & 0x0f) * 4;
  if (orig.length < hl) throw new Error(`original IP packet is ${orig.length} bytes, shorter than its ${hl}-byte header`);
  return icmpMessage(type, code, rest, orig.subarray(0, Math.min(orig.length, hl + 8)));
}
