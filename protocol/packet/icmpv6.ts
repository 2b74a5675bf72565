import { formatIpv6, formatMac, parseIpv6, parseMac } from './addr.js';
import { checkBytes, checkInt, put16, put32, u16, u32 } from './bytes.js';
import { checksumFor } from './checksum.js';
import { ICMPV6_TYPE, IP_PROTO, NDP_OPTION } from './constants.js';
import { bad, short, type FrameState } from './frame-state.js';
import type { Icmpv6Header, NdpPrefix } from './types.js';

/** Where each NDP message's options start, relative to the ICMPv6 header (RFC 4861 section 4). */
const OPTIONS_AT: Record<number, number> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };

export function decodeIcmpv6(d: Uint8Array, off: number, end: number, f: FrameState): void {
  if (off + 8 > end) return short(f, 'icmpv6', off, 8, end);
  const type = d[off]!;
  const m: Icmpv6Header = { type, code: d[off + 1]!, checksum: u16(d, off + 2) };
  f.icmpv6 = m;
  f.payloadOffset = off + 8;
  switch (type) {
    case ICMPV6_TYPE.ECHO_REQUEST:
    case ICMPV6_TYPE.ECHO_REPLY:
      m.id = u16(d, off + 4);
      m.seq = u16(d, off + 6);
      return;
    case ICMPV6_TYPE.PACKET_TOO_BIG:
      m.mtu = u32(d, off + 4);
      m.original = d.subarray(off + 8, end);
      return;
    case ICMPV6_TYPE.PARAMETER_PROBLEM:
      m.pointer = u32(d, off + 4);
      m.original = d.subarray(off + 8, end);
      return;
    case ICMPV6_TYPE.DEST_UNREACHABLE:
    case ICMPV6_TYPE.TIME_EXCEEDED:
      m.original = d.subarray(off + 8, end);
      return;
  }
  const optAt = OPTIONS_AT[type];
  if (optAt === undefined) return;
  if (off + optAt > end) return short(f, `icmpv6 type ${type}`, off, optAt, end);
  if (type === ICMPV6_TYPE.ROUTER_ADVERTISEMENT) {
    m.curHopLimit = d[off + 4]!;
    m.managed = (d[off + 5]! & 0x80) !== 0;
    m.otherConfig = (d[off + 5]! & 0x40) !== 0;
    m.routerLifetime = u16(d, off + 6);
    m.reachableTime = u32(d, off + 8);
    m.retransTimer = u32(d, off + 12);
  } else if (type !== ICMPV6_TYPE.ROUTER_SOLICITATION) {
    m.target = formatIpv6(d, off + 8);
    if (type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) {
      m.router = (d[off + 4]! & 0x80) !== 0;
      m.solicited = (d[off + 4]! & 0x40) !== 0;
      m.override = (d[off + 4]! & 0x20) !== 0;
    } else if (type === ICMPV6_TYPE.REDIRECT) {
      m.destination = formatIpv6(d, off + 24);
    }
  }
  decodeNdpOptions(d, off + optAt, end, m, f);
}

function decodeNdpOptions(d: Uint8Array, o: number, end: number, m: Icmpv6Header, f: FrameState): void {
  while (o < end) {
    if (o + 2 > end) return short(f, 'ndp option', o, 2, end);
    const type = d[o]!;
    const len = d[o + 1]! * 8;
    // A zero length would never advance; RFC 4861 says to drop such packets.
    if (len === 0) return bad(f, o, `ndp option type ${type} with length 0 at offset ${o}`);
    if (o + len > end) return short(f, 'ndp option', o, len, end);
    if ((type === NDP_OPTION.SOURCE_LINK_ADDR || type === NDP_OPTION.TARGET_LINK_ADDR) && len >= 8) {
      const mac = formatMac(d, o + 2);
      if (type === NDP_OPTION.SOURCE_LINK_ADDR) m.sourceLinkAddr = mac;
      else m.targetLinkAddr = mac;
    } else if (type === NDP_OPTION.MTU && len >= 8) {
      m.linkMtu = u32(d, o + 4);
    } else if (type === NDP_OPTION.PREFIX_INFO && len >= 32) {
      const p: NdpPrefix = {
        prefix: formatIpv6(d, o + 16),
        prefixLength: d[o + 2]!,
        onLink: (d[o + 3]! & 0x80) !== 0,
        autonomous: (d[o + 3]! & 0x40) !== 0,
        validLifetime: u32(d, o + 4),
        preferredLifetime: u32(d, o + 8),
      };
      (m.prefixes ??= []).push(p);
    }
    o += len;
  }
  f.payloadOffset = end;
}

export interface Icmpv6Spec {
  type: number;
  code?: number;
  /** Everything after the checksum field: the 4-byte second word onwards. */
  body: Uint8Array;
  /** The enclosing IPv6 packet's addresses, for the pseudo-header checksum. */
  src: string;
  dst: string;
}

/** Any ICMPv6 message with its pseudo-header checksum computed. */
export function buildIcmpv6(m: Icmpv6Spec): Uint8Array {
  checkBytes('icmpv6 body', m.body);
  const out = new Uint8Array(4 + m.body.length);
  out[0] = checkInt('icmpv6 type', m.type, 0, 255);
  out[1] = checkInt('icmpv6 code', m.code ?? 0, 0, 255);
  out.set(m.body, 4);
  parseIpv6(m.src);
  parseIpv6(m.dst);
  put16(out, 2, checksumFor(m.src, m.dst, IP_PROTO.ICMPV6, out));
  return out;
}

export function buildIcmpv6Echo(e: { type: 'request' | 'reply'; id: number; seq: number; data?: Uint8Array; src: string; dst: string }): Uint8Array {
  if (e.type !== 'request' && e.type !== 'reply') throw new Error(`icmpv6 echo type must be 'request' or 'reply', got ${String(e.type)}`);
  const data = e.data ? checkBytes('icmpv6 echo data', e.data) : new Uint8Array(0);
  const body = new Uint8Array(4 + data.length);
  put16(body, 0, checkInt('icmpv6 echo id', e.id, 0, 0xffff));
  put16(body, 2, checkInt('icmpv6 echo seq', e.seq, 0, 0xffff));
  body.set(data, 4);
  return buildIcmpv6({ type: e.type === 'request' ? ICMPV6_TYPE.ECHO_REQUEST : ICMPV6_TYPE.ECHO_REPLY, body, src: e.src, dst: e.dst });
}

/** target address + an optional link-layer address option, after a 4-byte flags word. */
function ndpBody(flags: number, target: string, optType: number, mac: string | undefined): Uint8Array {
  const body = new Uint8Array(20 + (mac === undefined ? 0 : 8));
  put32(body, 0, flags);
  body.set(parseIpv6(target), 4);
  if (mac !== undefined) {
    body[20] = optType;
    body[21] = 1;
    body.set(parseMac(mac), 22);
  }
  return body;
}

/**
 * A neighbour solicitation for `target`. Send it from `src` (or :: for duplicate address
 * detection, which must not carry sourceMac) to solicitedNodeAddress(target), hop limit 255.
 */
export function buildNeighborSolicitation(n: { target: string; sourceMac?: string; src: string; dst: string }): Uint8Array {
  const body = ndpBody(0, n.target, NDP_OPTION.SOURCE_LINK_ADDR, n.sourceMac);
  return buildIcmpv6({ type: ICMPV6_TYPE.NEIGHBOR_SOLICITATION, body, src: n.src, dst: n.dst });
}

export interface NeighborAdvertisementSpec {
  target: string;
  targetMac?: string;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  src: string;
  dst: string;
}

/** A neighbour advertisement (the IPv6 payload; send with hop limit 255). */
export function buildNeighborAdvertisement(n: NeighborAdvertisementSpec): Uint8Array {
  const flags = ((n.router ? 0x80 : 0) | (n.solicited ? 0x40 : 0) | (n.override ? 0x20 : 0)) << 24;
  const body = ndpBody(flags >>> 0, n.target, NDP_OPTION.TARGET_LINK_ADDR, n.targetMac);
  return buildIcmpv6({ type: ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT, body, src: n.src, dst: n.dst });
}

const V6_ERRORS: readonly number[] = [ICMPV6_TYPE.DEST_UNREACHABLE, ICMPV6_TYPE.PACKET_TOO_BIG, ICMPV6_TYPE.TIME_EXCEEDED, ICMPV6_TYPE.PARAMETER_PROBLEM];

/**
 * An ICMPv6 error quoting as much of the offending packet as keeps the whole error packet
 * within the IPv6 minimum MTU of 1280 bytes (RFC 4443 section 2.4). `rest` is the MTU for
 * packet too big, the pointer for parameter problem, else 0.
 */
export function buildIcmpv6Error(e: { type: number; code: number; original: Uint8Array; rest?: number; src: string; dst: string }): Uint8Array {
  if (!V6_ERRORS.includes(e.type)) throw new Error(`icmpv6 error type must be one of ${V6_ERRORS.join(', ')}, got ${String(e.type)}`);
  const orig = checkBytes('original packet', e.original);
  const quoted = orig.subarray(0, Math.min(orig.length, 1280 - 40 - 8));
  const body = new Uint8Array(4 + quoted.length);
  put32(body, 0, checkInt('icmpv6 rest', e.rest ?? 0, 0, 0xffffffff));
  body.set(quoted, 4);
  return buildIcmpv6({ type: e.type, code: e.code, body, src: e.src, dst: e.dst });
}
