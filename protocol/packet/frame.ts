import { decodeArp } from './arp.js';
import { ETH_TYPE, IP_PROTO } from './constants.js';
import { decodeEthernet } from './ethernet.js';
import { FrameState } from './frame-state.js';
import { decodeIcmp } from './icmp.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6, ipv6End } from './ipv6.js';
import { decodeLldp } from './lldp.js';
import { decodeTcp } from './tcp.js';
import type { ParsedFrame, ParsedIpPacket } from './types.js';
import { decodeUdp } from './udp.js';

function decodeIpv4Layers(d: Uint8Array, off: number, f: FrameState): void {
  const end = decodeIpv4(d, off, f);
  if (end < 0) return;
  // Only the first fragment carries the upper-layer header. Read from the bytes (decodeIpv4
  // checked them) rather than through the header's getters: this function is inlined into
  // parseFrame, and V8's inlining budget is what keeps the whole UDP path in one compiled unit.
  if ((((d[off + 6]! << 8) | d[off + 7]!) & 0x1fff) !== 0) return;
  const l4 = off + ((d[off]! & 0x0f) << 2);
  const proto = d[off + 9]!;
  if (proto === IP_PROTO.UDP) return decodeUdp(d, l4, end, f);
  decodeIpv4Upper(d, l4, end, proto, f);
}

function decodeIpv4Upper(d: Uint8Array, l4: number, end: number, proto: number, f: FrameState): void {
  if (proto === IP_PROTO.TCP) decodeTcp(d, l4, end, f);
  else if (proto === IP_PROTO.ICMP) decodeIcmp(d, l4, end, f);
}

function decodeIpv6Layers(d: Uint8Array, off: number, f: FrameState): void {
  const l4 = decodeIpv6(d, off, f);
  if (l4 < 0) return;
  const end = ipv6End.value;
  switch (f.ipv6!.protocol) {
    case IP_PROTO.UDP:
      return decodeUdp(d, l4, end, f);
    case IP_PROTO.TCP:
      return decodeTcp(d, l4, end, f);
    case IP_PROTO.ICMPV6:
      return decodeIcmpv6(d, l4, end, f);
  }
}

function internal(f: FrameState, e: unknown): void {
  // Not expected: every decoder checks bounds first. Kept so a bug degrades to an error field.
  f.error = `internal decoder error: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Decode an Ethernet frame as far as it goes: VLAN tags, then ARP, IPv4 or IPv6 (with ICMP,
 * ICMPv6, TCP or UDP), or LLDP. Never throws: a short or malformed frame yields the layers
 * decoded so far and `error`. Address strings are formatted lazily from `data`, so read them
 * before reusing the buffer.
 */
export function parseFrame(data: Uint8Array): ParsedFrame {
  const f = new FrameState();
  try {
    decodeLayers(data, f);
  } catch (e) {
    internal(f, e);
  }
  return f;
}

function decodeLayers(data: Uint8Array, f: FrameState): void {
  const off = decodeEthernet(data, f);
  if (off < 0) return;
  f.payloadOffset = off;
  const type = f.eth.ethType;
  if (type === ETH_TYPE.IPV4) return decodeIpv4Layers(data, off, f);
  decodeOtherLayers(data, off, type, f);
}

function decodeOtherLayers(data: Uint8Array, off: number, type: number, f: FrameState): void {
  switch (type) {
    case ETH_TYPE.IPV6:
      return decodeIpv6Layers(data, off, f);
    case ETH_TYPE.ARP:
      return decodeArp(data, off, f);
    case ETH_TYPE.LLDP:
      return decodeLldp(data, off, f);
  }
}

/**
 * Decode a bare IPv4 or IPv6 packet (by its version nibble), e.g. the datagram an ICMP error
 * quotes. Same rules as parseFrame; the result has no `eth`.
 */
export function parseIpPacket(data: Uint8Array): ParsedIpPacket {
  const f = new FrameState();
  try {
    if (data.length < 1) {
      f.error = 'ip: empty packet';
    } else if (data[0]! >>> 4 === 4) {
      decodeIpv4Layers(data, 0, f);
    } else if (data[0]! >>> 4 === 6) {
      decodeIpv6Layers(data, 0, f);
    } else {
      f.error = `ip: version ${data[0]! >>> 4} at offset 0`;
    }
  } catch (e) {
    internal(f, e);
  }
  const { eth: _eth, ...rest } = f;
  return rest;
}
