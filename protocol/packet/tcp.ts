import { checkBytes, checkInt, headerWithOptions, put16, put32, u16, u32 } from './bytes.js';
import { checksumFor } from './checksum.js';
import { IP_PROTO } from './constants.js';
import { bad, short, type FrameState } from './frame-state.js';

export function decodeTcp(d: Uint8Array, off: number, end: number, f: FrameState): void {
  if (off + 20 > end) return short(f, 'tcp', off, 20, end);
  const w = u16(d, off + 12);
  const hl = (w >>> 12) * 4;
  f.tcp = {
    srcPort: u16(d, off),
    dstPort: u16(d, off + 2),
    seq: u32(d, off + 4),
    ack: u32(d, off + 8),
    headerLength: hl,
    flags: w & 0x1ff,
    window: u16(d, off + 14),
    checksum: u16(d, off + 16),
    urgentPointer: u16(d, off + 18),
  };
  if (hl < 20) return bad(f, off + 20, `tcp: data offset ${hl} < 20 at offset ${off}`);
  if (off + hl > end) return short(f, 'tcp options', off, hl, end);
  f.payloadOffset = off + hl;
}

export interface TcpSpec {
  srcPort: number;
  dstPort: number;
  seq: number;
  /** Default 0. */
  ack?: number;
  /** TCP_FLAGS bits. */
  flags: number;
  window: number;
  urgentPointer?: number;
  /** Raw options, zero-padded to a multiple of 4; at most 40 bytes. */
  options?: Uint8Array;
  /** The IP addresses of the enclosing packet, for the pseudo-header checksum. */
  src: string;
  dst: string;
}

/** A TCP segment with data offset and pseudo-header checksum computed. */
export function buildTcp(h: TcpSpec, payload: Uint8Array): Uint8Array {
  checkBytes('tcp payload', payload);
  const { opts, hl } = headerWithOptions('tcp', h.options);
  const out = new Uint8Array(hl + payload.length);
  put16(out, 0, checkInt('tcp srcPort', h.srcPort, 0, 0xffff));
  put16(out, 2, checkInt('tcp dstPort', h.dstPort, 0, 0xffff));
  put32(out, 4, checkInt('tcp seq', h.seq, 0, 0xffffffff));
  put32(out, 8, checkInt('tcp ack', h.ack ?? 0, 0, 0xffffffff));
  put16(out, 12, ((hl / 4) << 12) | checkInt('tcp flags', h.flags, 0, 0x1ff));
  put16(out, 14, checkInt('tcp window', h.window, 0, 0xffff));
  put16(out, 18, checkInt('tcp urgentPointer', h.urgentPointer ?? 0, 0, 0xffff));
  if (opts) out.set(opts, 20);
  out.set(payload, hl);
  put16(out, 16, checksumFor(h.src, h.dst, IP_PROTO.TCP, out));
  return out;
}
