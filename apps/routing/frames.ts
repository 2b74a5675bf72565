/**
 * The frames the router itself sends (ARP requests and replies, ICMP echo replies and errors)
 * and the rewrite of a routed frame for the PACKET_OUT of its first packets. Pure functions of
 * bytes; protocol/packet builds every header and checksum.
 */
import {
  arpReplyFrame,
  arpRequestFrame,
  buildEthernet,
  buildIcmpEcho,
  buildIcmpError,
  buildIpv4,
  ETH_TYPE,
  IP_PROTO,
  parseMac,
} from '../../protocol/packet/index.js';
import type { ParsedFrame } from '../../protocol/packet/index.js';

/** Offset of the IPv4 header in a frame (after Ethernet and any VLAN tags). */
export const ipOffset = (f: ParsedFrame): number => 14 + 4 * f.eth.vlans.length;

/** The IPv4 datagram inside a frame (clipped to the bytes present). */
export function ipDatagram(data: Uint8Array, f: ParsedFrame): Uint8Array {
  const off = ipOffset(f);
  return data.subarray(off, Math.min(data.length, off + (f.ipv4?.totalLength ?? 0)));
}

export function arpRequest(routerMac: string, routerIp: string, target: string): Uint8Array {
  return arpRequestFrame({ sha: routerMac, spa: routerIp, tpa: target, pad: true });
}

export function arpReply(routerMac: string, routerIp: string, toMac: string, toIp: string): Uint8Array {
  return arpReplyFrame({ sha: routerMac, spa: routerIp, tha: toMac, tpa: toIp, pad: true });
}

/** An IPv4 packet from the router to a host, in an Ethernet frame. */
function fromRouter(routerMac: string, toMac: string, src: string, dst: string, protocol: number, payload: Uint8Array): Uint8Array {
  return buildEthernet({ dst: toMac, src: routerMac, ethType: ETH_TYPE.IPV4, pad: true }, buildIpv4({ src, dst, protocol, ttl: 64 }, payload));
}

/** The echo reply to an echo request addressed to one of the router's addresses. */
export function echoReply(data: Uint8Array, f: ParsedFrame, routerMac: string): Uint8Array {
  const ip = f.ipv4!;
  const icmpStart = ipOffset(f) + ip.headerLength;
  const end = Math.min(data.length, ipOffset(f) + ip.totalLength);
  const body = buildIcmpEcho({ type: 'reply', id: f.icmp!.id ?? 0, seq: f.icmp!.seq ?? 0, data: data.slice(icmpStart + 8, end) });
  return fromRouter(routerMac, f.eth.src, ip.dst, ip.src, IP_PROTO.ICMP, body);
}

/** An ICMP error about `data` (type/code), from `routerIp` back to the packet's sender. */
export function icmpError(data: Uint8Array, f: ParsedFrame, routerMac: string, routerIp: string, type: number, code: number): Uint8Array {
  const body = buildIcmpError(type, code, ipDatagram(data, f));
  return fromRouter(routerMac, f.eth.src, routerIp, f.ipv4!.src, IP_PROTO.ICMP, body);
}

/**
 * What the ingress flow does to a routed frame (eth src/dst rewritten, TTL - 1, header checksum
 * updated), applied here for the first packets the controller sends itself. Assumes TTL > 1.
 */
export function rewriteRouted(data: Uint8Array, f: ParsedFrame, srcMac: string, dstMac: string): Uint8Array {
  const out = data.slice();
  out.set(parseMac(dstMac), 0);
  out.set(parseMac(srcMac), 6);
  const off = ipOffset(f);
  out[off + 8] = out[off + 8]! - 1;
  // RFC 1624 incremental update: the TTL sits in the high byte of its 16-bit word.
  const sum = ((out[off + 10]! << 8) | out[off + 11]!) + 0x0100;
  const folded = (sum & 0xffff) + (sum >>> 16);
  out[off + 10] = (folded >>> 8) & 0xff;
  out[off + 11] = folded & 0xff;
  return out;
}
