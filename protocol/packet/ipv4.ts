import { formatIpv4Num, ipv4ToNumber } from './addr.js';
import { INSPECT, checkBytes, checkInt, headerWithOptions, put16, put32, u16, u32 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { bad, short, type FrameState } from './frame-state.js';
import type { Ipv4Header } from './types.js';

/**
 * The fields every consumer reads are copied out; the rest, like the address strings, are
 * read from the frame's bytes on access (fewer stores and a smaller object on the hot path).
 */
class Ipv4 implements Ipv4Header {
  readonly #d: Uint8Array;
  readonly #o: number;
  #src: string | undefined = undefined;
  #dst: string | undefined = undefined;
  readonly headerLength: number;
  readonly totalLength: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly srcNum: number;
  readonly dstNum: number;
  constructor(d: Uint8Array, o: number) {
    this.#d = d;
    this.#o = o;
    this.headerLength = (d[o]! & 0x0f) * 4;
    this.totalLength = u16(d, o + 2);
    this.ttl = d[o + 8]!;
    this.protocol = d[o + 9]!;
    this.srcNum = u32(d, o + 12);
    this.dstNum = u32(d, o + 16);
  }
  get dscp(): number {
    return this.#d[this.#o + 1]! >>> 2;
  }
  get ecn(): number {
    return this.#d[this.#o + 1]! & 3;
  }
  get id(): number {
    return u16(this.#d, this.#o + 4);
  }
  get df(): boolean {
    return (this.#d[this.#o + 6]! & 0x40) !== 0;
  }
  get mf(): boolean {
    return (this.#d[this.#o + 6]! & 0x20) !== 0;
  }
  get fragOffset(): number {
    return u16(this.#d, this.#o + 6) & 0x1fff;
  }
  get checksum(): number {
    return u16(this.#d, this.#o + 10);
  }
  get src(): string {
    return (this.#src ??= formatIpv4Num(this.srcNum));
  }
  get dst(): string {
    return (this.#dst ??= formatIpv4Num(this.dstNum));
  }
  toJSON(): object {
    const { headerLength, dscp, ecn, totalLength, id, df, mf, fragOffset, ttl, protocol, checksum } = this;
    return { headerLength, dscp, ecn, totalLength, id, df, mf, fragOffset, ttl, protocol, checksum, src: this.src, dst: this.dst };
  }
  [INSPECT](): object {
    return this.toJSON();
  }
}

/**
 * Decode the IPv4 header at `off` into f.ipv4. Returns the end of the datagram within `d`
 * (its total length, clipped to the bytes present), or -1 when the header itself is unusable.
 */
export function decodeIpv4(d: Uint8Array, off: number, f: FrameState): number {
  const len = d.length;
  const vi = off + 20 <= len ? d[off]! : 0;
  const hl = (vi & 0x0f) * 4;
  // One test for the usual case; every failure is sorted out (and reported) out of line.
  if (vi >>> 4 !== 4 || hl < 20 || off + hl > len) return ipv4Unusable(d, off, f);
  const ip = new Ipv4(d, off);
  f.ipv4 = ip;
  f.payloadOffset = off + hl;
  const total = ip.totalLength;
  if (total < hl) return ipv4BadTotal(f, off, hl, total);
  let end = off + total;
  if (end > len) {
    f.truncated = true;
    end = len;
  }
  return end;
}

function ipv4Unusable(d: Uint8Array, off: number, f: FrameState): number {
  const len = d.length;
  if (off + 20 > len) {
    short(f, 'ipv4', off, 20, len);
    return -1;
  }
  const vi = d[off]!;
  if (vi >>> 4 !== 4) {
    bad(f, off, `ipv4: version ${vi >>> 4} at offset ${off}`);
    return -1;
  }
  const hl = (vi & 0x0f) * 4;
  if (hl < 20) {
    bad(f, off, `ipv4: header length ${hl} < 20 at offset ${off}`);
    return -1;
  }
  short(f, 'ipv4 options', off, hl, len);
  return -1;
}

function ipv4BadTotal(f: FrameState, off: number, hl: number, total: number): number {
  bad(f, off + hl, `ipv4: total length ${total} < header length ${hl}`);
  return -1;
}

export interface Ipv4Spec {
  src: string;
  dst: string;
  protocol: number;
  /** Default 64. */
  ttl?: number;
  id?: number;
  dscp?: number;
  ecn?: number;
  df?: boolean;
  mf?: boolean;
  /** In 8-byte units. */
  fragOffset?: number;
  /** Raw options, padded with zeros (end of options) to a multiple of 4; at most 40 bytes. */
  options?: Uint8Array;
}

/** An IPv4 datagram: header (lengths and header checksum computed) followed by `payload`. */
export function buildIpv4(h: Ipv4Spec, payload: Uint8Array): Uint8Array {
  checkBytes('ipv4 payload', payload);
  const { opts, hl } = headerWithOptions('ipv4', h.options);
  const total = hl + payload.length;
  if (total > 0xffff) throw new Error(`ipv4 datagram of ${total} bytes exceeds 65535`);
  const out = new Uint8Array(total);
  out[0] = 0x40 | (hl / 4);
  out[1] = (checkInt('ipv4 dscp', h.dscp ?? 0, 0, 63) << 2) | checkInt('ipv4 ecn', h.ecn ?? 0, 0, 3);
  put16(out, 2, total);
  put16(out, 4, checkInt('ipv4 id', h.id ?? 0, 0, 0xffff));
  const frag = checkInt('ipv4 fragOffset', h.fragOffset ?? 0, 0, 0x1fff);
  put16(out, 6, (h.df ? 0x4000 : 0) | (h.mf ? 0x2000 : 0) | frag);
  out[8] = checkInt('ipv4 ttl', h.ttl ?? 64, 0, 255);
  out[9] = checkInt('ipv4 protocol', h.protocol, 0, 255);
  put32(out, 12, ipv4ToNumber(h.src));
  put32(out, 16, ipv4ToNumber(h.dst));
  if (opts) out.set(opts, 20);
  put16(out, 10, internetChecksum(out, 0, hl));
  out.set(payload, hl);
  return out;
}
