/**
 * What a switch's set-field and dec_nw_ttl actions do to the frame bytes, for the fake network:
 * each output of a trace carries the packet's fields (and TTL) at that moment; here they are
 * written into a copy of the frame (Ethernet addresses, IPv4 addresses and TTL, the IPv6 hop
 * limit, TCP/UDP ports),
 * with the IPv4 header checksum recomputed and the TCP/UDP checksum too when an address or a
 * port changed (a UDP checksum of 0, "none", stays 0), as Open vSwitch does. VLAN fields are
 * not rewritten.
 */
import { OFPP } from '../../protocol/index.js';
import { formatMac, internetChecksum, parseIpv4, parseMac, transportChecksum } from '../../protocol/packet/index.js';
import type { PacketFields } from './flow-table.js';
import type { TraceOutput, TraceResult } from './pipeline.js';

const VLAN_TPIDS = [0x8100, 0x88a8, 0x9100];

/** Offset of the IPv4 header, or -1 when the frame does not carry IPv4. */
function ipv4Offset(d: Uint8Array): number {
  let off = 12;
  while (off + 2 <= d.length && VLAN_TPIDS.includes((d[off]! << 8) | d[off + 1]!)) off += 4;
  if (off + 2 > d.length || ((d[off]! << 8) | d[off + 1]!) !== 0x0800) return -1;
  off += 2;
  return off + 20 <= d.length && d[off]! >>> 4 === 4 ? off : -1;
}

/** Offset of the IPv6 header, or -1 when the frame does not carry IPv6. */
function ipv6Offset(d: Uint8Array): number {
  let off = 12;
  while (off + 2 <= d.length && VLAN_TPIDS.includes((d[off]! << 8) | d[off + 1]!)) off += 4;
  if (off + 2 > d.length || ((d[off]! << 8) | d[off + 1]!) !== 0x86dd) return -1;
  off += 2;
  return off + 40 <= d.length && d[off]! >>> 4 === 6 ? off : -1;
}

/** The IPv4 TTL or IPv6 hop limit of a frame (what dec_nw_ttl looks at), if it carries IP. */
export function nwTtlOf(d: Uint8Array): number | undefined {
  const off = ipv4Offset(d);
  if (off >= 0) return d[off + 8];
  const off6 = ipv6Offset(d);
  return off6 < 0 ? undefined : d[off6 + 7];
}

const ipText = (d: Uint8Array, o: number) => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;

/** The frame as it leaves with these fields; the same array when nothing changed. */
export function rewriteFrame(data: Uint8Array, fields: PacketFields, nwTtl?: number): Uint8Array {
  let out: Uint8Array | undefined;
  const copy = () => (out ??= data.slice());
  if (data.length >= 14) {
    if (fields.eth_dst && fields.eth_dst !== formatMac(data, 0)) copy().set(parseMac(fields.eth_dst), 0);
    if (fields.eth_src && fields.eth_src !== formatMac(data, 6)) copy().set(parseMac(fields.eth_src), 6);
  }
  const off6 = ipv6Offset(data);
  if (off6 >= 0 && nwTtl !== undefined && nwTtl !== data[off6 + 7]) copy()[off6 + 7] = nwTtl;
  const off = ipv4Offset(data);
  if (off >= 0) {
    let addrChanged = false;
    if (fields.ipv4_src && fields.ipv4_src !== ipText(data, off + 12)) {
      copy().set(parseIpv4(fields.ipv4_src), off + 12);
      addrChanged = true;
    }
    if (fields.ipv4_dst && fields.ipv4_dst !== ipText(data, off + 16)) {
      copy().set(parseIpv4(fields.ipv4_dst), off + 16);
      addrChanged = true;
    }
    let ipChanged = addrChanged;
    if (nwTtl !== undefined && nwTtl !== data[off + 8]) {
      copy()[off + 8] = nwTtl;
      ipChanged = true;
    }
    const portsChanged = rewritePorts(data, off, fields, copy);
    if (ipChanged) {
      const o = out!;
      const hl = (o[off]! & 0x0f) * 4;
      o[off + 10] = 0;
      o[off + 11] = 0;
      const sum = internetChecksum(o.subarray(off, off + hl));
      o[off + 10] = sum >> 8;
      o[off + 11] = sum & 0xff;
    }
    // The TCP/UDP checksum covers the addresses (pseudo-header) and the ports, not the TTL.
    if (addrChanged || portsChanged) fixTransportChecksum(out!, off);
  }
  return out ?? data;
}

/** Where a first fragment's TCP/UDP header starts and its protocol, or undefined. */
function transportAt(d: Uint8Array, off: number): { at: number; proto: number; end: number } | undefined {
  const proto = d[off + 9]!;
  const fragOffset = ((d[off + 6]! & 0x1f) << 8) | d[off + 7]!;
  if ((proto !== 6 && proto !== 17) || fragOffset !== 0) return undefined;
  const at = off + (d[off]! & 0x0f) * 4;
  const end = Math.min(d.length, off + ((d[off + 2]! << 8) | d[off + 3]!));
  return at + (proto === 6 ? 20 : 8) <= end ? { at, proto, end } : undefined;
}

/** Write set-field TCP/UDP ports into the frame (through `copy`); whether any changed. */
function rewritePorts(data: Uint8Array, off: number, fields: PacketFields, copy: () => Uint8Array): boolean {
  const t = transportAt(data, off);
  if (!t) return false;
  const [src, dst] = t.proto === 6 ? [fields.tcp_src, fields.tcp_dst] : [fields.udp_src, fields.udp_dst];
  let changed = false;
  for (const [value, at] of [[src, t.at], [dst, t.at + 2]] as const) {
    if (typeof value !== 'number' || value === ((data[at]! << 8) | data[at + 1]!)) continue;
    const o = copy();
    o[at] = value >> 8;
    o[at + 1] = value & 0xff;
    changed = true;
  }
  return changed;
}

/** Recompute the TCP/UDP checksum after an address or port changed (UDP's "no checksum" stays). */
function fixTransportChecksum(o: Uint8Array, off: number): void {
  const t = transportAt(o, off);
  if (!t) return;
  const sumAt = t.at + (t.proto === 6 ? 16 : 6);
  if (t.proto === 17 && o[sumAt] === 0 && o[sumAt + 1] === 0) return;
  o[sumAt] = 0;
  o[sumAt + 1] = 0;
  let sum = transportChecksum(o.subarray(off + 12, off + 16), o.subarray(off + 16, off + 20), t.proto, o.subarray(t.at, t.end));
  if (t.proto === 17 && sum === 0) sum = 0xffff;
  o[sumAt] = sum >> 8;
  o[sumAt + 1] = sum & 0xff;
}

/** The output action that sent a packet out of `port` (an explicit one first, else a flood). */
function outputFor(res: TraceResult, port: number): TraceOutput | undefined {
  return res.outputs.find((o) => o.port === port) ?? res.outputs.find((o) => o.port === OFPP.FLOOD || o.port === OFPP.ALL || o.port === OFPP.IN_PORT);
}

/** Every (port, bytes) a trace sends out, with each output's rewrites applied. */
export function framesOut(res: TraceResult, data: Uint8Array): { port: number; data: Uint8Array }[] {
  return res.ports.map((port) => {
    const o = outputFor(res, port);
    return { port, data: o ? rewriteFrame(data, o.fields, o.nwTtl) : data };
  });
}
