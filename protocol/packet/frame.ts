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
  const ip = f.ipv4!;
  // Only the first fragment carries the upper-layer header.
  if (ip.fragOffset !== 0) return;
  const l4 = off + ip.headerLength;
  switch (ip.protocol) {
    case IP_PROTO.UDP:
      return decodeUdp(d, l4, end, f);
    case IP_PROTO.TCP:
      return decodeTcp(d, l4, end, f);
    case IP_PROTO.ICMP:
      return decodeIcmp(d, l4, end, f);
  }
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
    const off = decodeEthernet(data, f);
    if (off < 0) return f;
    f.payloadOffset = off;
    switch (f.eth.ethType) {
      case ETH_TYPE.IPV4:
        decodeIpv4Layers(data, off, f);
        break;
      case ETH_TYPE.IPV6:
        decodeIpv6Layers(data, off, f);
        break;
      case ETH_TYPE.ARP:
        decodeArp(data, off, f);
        break;
      case ETH_TYPE.LLDP:
        decodeLldp(data, off, f);
        break;
    }
  } catch (e) {
    internal(f, e);
  }
  return f;
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
