import { formatIpv6, parseIpv6 } from './addr.js';
import { EMPTY, INSPECT, checkBytes, checkInt, put16, u16, u32 } from './bytes.js';
import { IP_PROTO } from './constants.js';
import { bad, short, type FrameState } from './frame-state.js';
import type { Ipv6Fragment, Ipv6Header } from './types.js';

class Ipv6 implements Ipv6Header {
  readonly #d: Uint8Array;
  readonly #o: number;
  #src: string | undefined = undefined;
  #dst: string | undefined = undefined;
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  protocol: number;
  extHeaders: readonly number[] = EMPTY;
  fragment: Ipv6Fragment | undefined = undefined;
  constructor(d: Uint8Array, o: number) {
    this.#d = d;
    this.#o = o;
    const w = u32(d, o);
    this.trafficClass = (w >>> 20) & 0xff;
    this.flowLabel = w & 0xfffff;
    this.payloadLength = u16(d, o + 4);
    this.nextHeader = d[o + 6]!;
    this.protocol = this.nextHeader;
    this.hopLimit = d[o + 7]!;
  }
  get src(): string {
    return (this.#src ??= formatIpv6(this.#d, this.#o + 8));
  }
  get dst(): string {
    return (this.#dst ??= formatIpv6(this.#d, this.#o + 24));
  }
  get srcBytes(): Uint8Array {
    return this.#d.subarray(this.#o + 8, this.#o + 24);
  }
  get dstBytes(): Uint8Array {
    return this.#d.subarray(this.#o + 24, this.#o + 40);
  }
  toJSON(): object {
    const { trafficClass, flowLabel, payloadLength, nextHeader, hopLimit, protocol, extHeaders, fragment } = this;
    return { trafficClass, flowLabel, payloadLength, nextHeader, hopLimit, protocol, extHeaders, fragment, src: this.src, dst: this.dst };
  }
  [INSPECT](): object {
    return this.toJSON();
  }
}

/** Out-parameter of decodeIpv6 (decoding is synchronous, so one shared slot is safe). */
export const ipv6End = { value: 0 };

function isExtension(nh: number): boolean {
  return nh === IP_PROTO.HOPOPT || nh === IP_PROTO.IPV6_ROUTE || nh === IP_PROTO.IPV6_FRAG || nh === IP_PROTO.IPV6_OPTS || nh === IP_PROTO.AH;
}

/**
 * Decode the fixed header and skip extension headers. Returns the offset of the upper-layer
 * header, or -1 when decoding must stop (error, or a non-first fragment whose upper-layer
 * header is elsewhere); `ipv6End.value` receives the end of the packet within `d`.
 */
export function decodeIpv6(d: Uint8Array, off: number, f: FrameState): number {
  const len = d.length;
  if (off + 40 > len) {
    short(f, 'ipv6', off, 40, len);
    return -1;
  }
  if (d[off]! >>> 4 !== 6) {
    bad(f, off, `ipv6: version ${d[off]! >>> 4} at offset ${off}`);
    return -1;
  }
  const ip = new Ipv6(d, off);
  f.ipv6 = ip;
  let end = off + 40 + ip.payloadLength;
  if (end > len) {
    f.truncated = true;
    end = len;
  }
  ipv6End.value = end;
  let o = off + 40;
  f.payloadOffset = o;
  let nh = ip.nextHeader;
  let exts: number[] | undefined;
  // Every extension header is at least 8 bytes long, so this loop ends.
  while (isExtension(nh)) {
    if (nh === IP_PROTO.IPV6_FRAG) {
      if (o + 8 > end) {
        short(f, 'ipv6 fragment header', o, 8, end);
        return -1;
      }
      const w = u16(d, o + 2);
      ip.fragment = { id: u32(d, o + 4), offset: w >>> 3, more: (w & 1) === 1 };
      (exts ??= []).push(nh);
      ip.extHeaders = exts;
      nh = d[o]!;
      o += 8;
      ip.protocol = nh;
      f.payloadOffset = o;
      if (ip.fragment.offset !== 0) return -1;
      continue;
    }
    if (o + 2 > end) {
      short(f, 'ipv6 extension header', o, 2, end);
      return -1;
    }
    // AH counts its length in 4-byte units minus 2 (RFC 4302); the others in 8-byte units minus 1.
    const hlen = nh === IP_PROTO.AH ? (d[o + 1]! + 2) * 4 : (d[o + 1]! + 1) * 8;
    if (o + hlen > end) {
      short(f, 'ipv6 extension header', o, hlen, end);
      return -1;
    }
    (exts ??= []).push(nh);
    ip.extHeaders = exts;
    nh = d[o]!;
    o += hlen;
    ip.protocol = nh;
    f.payloadOffset = o;
  }
  return o;
}

export interface Ipv6Spec {
  src: string;
  dst: string;
  nextHeader: number;
  /** Default 64 (neighbour discovery needs 255). */
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
}

/** An IPv6 packet: the 40-byte header (payload length computed) followed by `payload`. */
export function buildIpv6(h: Ipv6Spec, payload: Uint8Array): Uint8Array {
  checkBytes('ipv6 payload', payload);
  if (payload.length > 0xffff) throw new Error(`ipv6 payload of ${payload.length} bytes exceeds 65535 (jumbograms are not supported)`);
  const tc = checkInt('ipv6 trafficClass', h.trafficClass ?? 0, 0, 255);
  const fl = checkInt('ipv6 flowLabel', h.flowLabel ?? 0, 0, 0xfffff);
  const out = new Uint8Array(40 + payload.length);
  out[0] = 0x60 | (tc >>> 4);
  out[1] = ((tc & 0x0f) << 4) | (fl >>> 16);
  put16(out, 2, fl & 0xffff);
  put16(out, 4, payload.length);
  out[6] = checkInt('ipv6 nextHeader', h.nextHeader, 0, 255);
  out[7] = checkInt('ipv6 hopLimit', h.hopLimit ?? 64, 0, 255);
  out.set(parseIpv6(h.src), 8);
  out.set(parseIpv6(h.dst), 24);
  out.set(payload, 40);
  return out;
}
