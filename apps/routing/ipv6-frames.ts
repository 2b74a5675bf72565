/**
 * The IPv6 frames the router sends: neighbour advertisements and solicitations, router
 * advertisements, echo replies and ICMPv6 errors, and the rewrite of a routed IPv6 frame (MACs,
 * hop limit - 1; IPv6 has no header checksum) for the PACKET_OUT of a first packet.
 */
import {
  buildEthernet,
  buildIcmpv6Echo,
  buildIcmpv6Error,
  buildIpv6,
  buildNeighborAdvertisement,
  buildNeighborSolicitation,
  buildRouterAdvertisement,
  ETH_TYPE,
  IP_PROTO,
  ipv6MulticastMac,
  parseMac,
  solicitedNodeAddress,
} from '../../protocol/packet/index.js';
import type { ParsedFrame } from '../../protocol/packet/index.js';
import type { RouterInterface } from './api.js';
import { ipOffset } from './frames.js';

/** An ICMPv6 message in an IPv6 packet in an Ethernet frame. */
function frame(srcMac: string, dstMac: string, src: string, dst: string, icmp: Uint8Array, hopLimit = 255): Uint8Array {
  return buildEthernet({ dst: dstMac, src: srcMac, ethType: ETH_TYPE.IPV6 }, buildIpv6({ src, dst, nextHeader: IP_PROTO.ICMPV6, hopLimit }, icmp));
}

/** The IPv6 packet inside a frame (clipped to the bytes present). */
export function ipv6Packet(data: Uint8Array, f: ParsedFrame): Uint8Array {
  const off = ipOffset(f);
  return data.subarray(off, Math.min(data.length, off + 40 + (f.ipv6?.payloadLength ?? 0)));
}

/** "target is at mac": the answer to a solicitation, or (to ff02::1) to a DAD probe of a router address. */
export function neighborAdvertisement(mac: string, target: string, toMac: string, toIp: string, solicited: boolean): Uint8Array {
  return frame(mac, toMac, target, toIp, buildNeighborAdvertisement({ target, targetMac: mac, router: true, solicited, override: true, src: target, dst: toIp }));
}

/** "Who has target?" from `src` (a router address of the target's prefix), to its solicited-node group. */
export function neighborSolicitation(mac: string, src: string, target: string): Uint8Array {
  const group = solicitedNodeAddress(target);
  return frame(mac, ipv6MulticastMac(group), src, group, buildNeighborSolicitation({ target, sourceMac: mac, src, dst: group }));
}

/** The interface's router advertisement: its prefixes (autonomous when /64), MTU, default-router lifetime. */
export function routerAdvertisement(i: RouterInterface, dstIp = 'ff02::1', dstMac = ipv6MulticastMac(dstIp)): Uint8Array {
  const ra = buildRouterAdvertisement({
    routerLifetime: i.ra.routerLifetimeSec,
    sourceMac: i.mac,
    ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
    prefixes: i.ipv6.map((a) => ({
      prefix: a.network.split('/')[0]!,
      prefixLength: a.prefixLength,
      // SLAAC forms addresses from a 64-bit interface id: only a /64 can be autonomous.
      autonomous: a.prefixLength === 64,
      validLifetime: i.ra.validLifetimeSec,
      preferredLifetime: i.ra.preferredLifetimeSec,
    })),
    src: i.linkLocal,
    dst: dstIp,
  });
  return frame(i.mac, dstMac, i.linkLocal, dstIp, ra);
}

export function echoReply6(data: Uint8Array, f: ParsedFrame, routerMac: string): Uint8Array {
  const ip = f.ipv6!;
  const start = ipOffset(f) + 40 + 8;
  const end = Math.min(data.length, ipOffset(f) + 40 + ip.payloadLength);
  const body = buildIcmpv6Echo({ type: 'reply', id: f.icmpv6!.id ?? 0, seq: f.icmpv6!.seq ?? 0, data: data.slice(start, Math.max(start, end)), src: ip.dst, dst: ip.src });
  return frame(routerMac, f.eth.src, ip.dst, ip.src, body, 64);
}

export function icmp6Error(data: Uint8Array, f: ParsedFrame, routerMac: string, routerIp: string, type: number, code: number, rest = 0): Uint8Array {
  const body = buildIcmpv6Error({ type, code, rest, original: ipv6Packet(data, f), src: routerIp, dst: f.ipv6!.src });
  return frame(routerMac, f.eth.src, routerIp, f.ipv6!.src, body, 64);
}

/** What the forwarding flow does to a routed IPv6 frame: MACs rewritten, hop limit - 1. */
export function rewriteRouted6(data: Uint8Array, f: ParsedFrame, srcMac: string, dstMac: string): Uint8Array {
  const out = data.slice();
  out.set(parseMac(dstMac), 0);
  out.set(parseMac(srcMac), 6);
  const off = ipOffset(f);
  out[off + 7] = out[off + 7]! - 1;
  return out;
}
