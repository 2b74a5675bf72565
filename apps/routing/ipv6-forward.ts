/**
 * IPv6 packets that reached the controller: neighbour discovery for the router's addresses
 * (answer solicitations, learn from advertisements and solicitations), router solicitations,
 * echo to the router, and routing: longest prefix match, MTU check, resolution of the next hop
 * by neighbour solicitation (sharing the IPv4 resolutions and held packets), the flows and the
 * rewritten first packet, and the ICMPv6 errors (RFC 4443) when it cannot be delivered.
 */
import { ICMPV6_TYPE, IP_PROTO, isMulticastMac } from '../../protocol/packet/index.js';
import { output, packetOut } from '../sdk/index.js';
import type { Outbox } from '../sdk/index.js';
import type { RouterInterface } from './api.js';
import { KIND } from './flows.js';
import { deliverRouted, floodArp, locate, recordNeighbor, takeToken } from './neighbor-ops.js';
import { isLinkLocal6, isMulticast6, isReserved6, v6ToBig } from './ipv6-addr.js';
import { fibFlow6 } from './ipv6-flows.js';
import { echoReply6, icmp6Error, neighborAdvertisement, rewriteRouted6 } from './ipv6-frames.js';
import { answerRouterSolicitation } from './ipv6-ra.js';
import type { Lookup6 } from './ipv6-rib.js';
import { countAttempt } from './neighbors.js';
import type { HeldPacket, Neighbor } from './neighbors.js';
import type { RoutingCounters, RoutingState } from './state.js';

/** ICMPv6 destination unreachable codes (RFC 4443 3.1). */
export const UNREACH6 = { NO_ROUTE: 0, BEYOND_SCOPE: 2, ADDRESS: 3, PORT: 4 } as const;

export function handleIpv6(s: RoutingState, out: Outbox, p: HeldPacket): void {
  const f = p.frame;
  const m = f.icmpv6;
  if (m?.type === ICMPV6_TYPE.ROUTER_SOLICITATION) return answerRouterSolicitation(s, out, p);
  if (m?.type === ICMPV6_TYPE.NEIGHBOR_SOLICITATION || m?.type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) return neighborDiscovery(s, out, p);
  if (m?.type === ICMPV6_TYPE.ROUTER_ADVERTISEMENT || m?.type === ICMPV6_TYPE.REDIRECT) return void s.counters.dropped++;
  learn6(s, out, f.ipv6!.src, f.eth.src, p.dpid, p.inPort);
  routePacket6(s, out, p);
}

/** A host of a connected prefix (global address) seen on an edge port. */
export function learn6(s: RoutingState, out: Outbox, ip: string, mac: string, dpid: string, port: number): void {
  const n = v6ToBig(ip);
  const via = s.rib.v6.connected(n);
  if (!via || n === via.addr.ipBig || n === via.addr.netBig) return;
  for (const held of recordNeighbor(s, out, ip, mac, dpid, port)) routePacket6(s, out, held);
}

function neighborDiscovery(s: RoutingState, out: Outbox, p: HeldPacket): void {
  const f = p.frame;
  const ip = f.ipv6!;
  const m = f.icmpv6!;
  // RFC 4861 7.1: neighbour discovery messages arrive with hop limit 255, else they were routed.
  if (ip.hopLimit !== 255 || !m.target) return void s.counters.dropped++;
  if (m.type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) {
    if (m.targetLinkAddr === undefined || m.targetLinkAddr === f.eth.src) learn6(s, out, m.target, f.eth.src, p.dpid, p.inPort);
    return;
  }
  const unspecified = ip.src === '::';
  if (!unspecified && (m.sourceLinkAddr === undefined || m.sourceLinkAddr === f.eth.src)) learn6(s, out, ip.src, f.eth.src, p.dpid, p.inPort);
  const own = s.rib.v6.local(v6ToBig(m.target));
  if (!own) return;
  // A gateway answers its own prefix and link-local askers (a router port does the same).
  const src = v6ToBig(ip.src);
  if (!unspecified && !isLinkLocal6(src) && s.rib.v6.connected(src)?.iface !== own.iface) return void s.counters.dropped++;
  s.counters.naReplies++;
  const data = unspecified
    ? neighborAdvertisement(own.iface.mac, m.target, '33:33:00:00:00:01', 'ff02::1', false)
    : neighborAdvertisement(own.iface.mac, m.target, m.sourceLinkAddr ?? f.eth.src, ip.src, true);
  out.to(p.dpid, packetOut({ data, actions: [output(p.inPort)] }));
}

export function routePacket6(s: RoutingState, out: Outbox, p: HeldPacket): void {
  const f = p.frame;
  const ip = f.ipv6!;
  const dst = v6ToBig(ip.dst);
  const src = v6ToBig(ip.src);
  if (isMulticast6(dst) || isReserved6(dst) || isMulticastMac(f.eth.src)) return void s.counters.dropped++;
  const lk = s.rib.v6.lookup(dst);
  if (lk?.kind === 'local') return local6(s, out, p, lk.iface);
  // Link-local traffic stays on its link (RFC 4291 2.5.6); a router never forwards it.
  if (isLinkLocal6(dst)) return void s.counters.dropped++;
  if (isLinkLocal6(src)) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.BEYOND_SCOPE, 'netUnreachable');
  if (ip.hopLimit <= 1) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.TIME_EXCEEDED, 0, 'timeExceeded');
  if (!lk) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.NO_ROUTE, 'netUnreachable');
  if (lk.kind === 'connected' && dst === lk.addr.netBig) return void s.counters.dropped++;
  const mtu = lk.iface.mtu;
  if (mtu !== undefined && 40 + ip.payloadLength > mtu) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.PACKET_TOO_BIG, 0, 'packetTooBig', mtu);
  const target = lk.kind === 'connected' ? ip.dst : lk.route.nextHop;
  const nb = locate(s, target);
  if (nb) return forward6(s, out, p, lk, nb);
  if (s.nbrs.failed(target)) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.ADDRESS, 'hostUnreachable');
  let r = s.nbrs.resolution(target);
  if (!r) {
    r = s.nbrs.start(target, lk.iface, s.ctx.now());
    if (!r) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.ADDRESS, 'hostUnreachable');
    countAttempt(r, floodArp(s, out, lk.iface, target));
  }
  if (s.nbrs.hold(r, p)) s.counters.held++;
}

function forward6(s: RoutingState, out: Outbox, p: HeldPacket, lk: Exclude<Lookup6, { kind: 'local' }>, nb: Neighbor): void {
  const path = s.topo.path(p.dpid, nb.dpid);
  if (!path) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.ADDRESS, 'hostUnreachable');
  const srcMac = lk.iface.mac;
  const first = path.length > 0 ? path[0]!.src.port : nb.port;
  // OpenFlow 1.3 cannot match on a packet's length: towards an interface with an MTU, no
  // ingress flow is installed and every packet comes here to be checked (docs/ROUTING.md).
  if (first !== p.inPort && lk.iface.mtu === undefined) {
    const hop = { srcMac, dstMac: nb.mac, outPort: first };
    const flow = lk.kind === 'static' ? fibFlow6(s.flows, KIND.route, lk.route.net, lk.route.prefixLength, hop) : fibFlow6(s.flows, KIND.host, v6ToBig(p.frame.ipv6!.dst), 128, hop);
    out.to(p.dpid, flow);
    s.counters.flowsInstalled++;
  }
  deliverRouted(s, out, path, srcMac, nb, rewriteRouted6(p.data, p.frame, srcMac, nb.mac));
}

/** A packet for one of the router's own IPv6 addresses (global or link-local). */
function local6(s: RoutingState, out: Outbox, p: HeldPacket, iface: RouterInterface): void {
  const f = p.frame;
  const mac = s.rib.byMac(f.eth.dst) ? f.eth.dst : iface.mac;
  if (f.icmpv6?.type === ICMPV6_TYPE.ECHO_REQUEST) {
    s.counters.echoReplies++;
    out.to(p.dpid, packetOut({ data: echoReply6(p.data, f, mac), actions: [output(p.inPort)] }));
    return;
  }
  if (f.udp || f.tcp) return sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.PORT, 'portUnreachable', 0, iface);
  s.counters.dropped++;
}

/**
 * The router address an error about this packet comes from: the gateway of the sender's
 * prefix, else an address of the interface whose MAC it was sent to, else its link-local.
 */
function errorSource(s: RoutingState, p: HeldPacket, from?: RouterInterface): { mac: string; ip: string } | undefined {
  const f = p.frame;
  const conn = s.rib.v6.connected(v6ToBig(f.ipv6!.src));
  const iface = from ?? conn?.iface ?? s.rib.byMac(f.eth.dst) ?? s.rib.interfaces().find((i) => i.ipv6.length > 0);
  if (!iface) return undefined;
  const mac = s.rib.byMac(f.eth.dst) ? f.eth.dst : iface.mac;
  const ip = conn && conn.iface === iface ? conn.addr.ip : iface.ipv6[0]?.ip ?? iface.linkLocal;
  return { mac, ip };
}

/** An ICMPv6 error back to the sender, out of the port the packet came in on (RFC 4443 2.4 limits). */
export function sendIcmp6Error(s: RoutingState, out: Outbox, p: HeldPacket, type: number, code: number, counter: keyof RoutingCounters, rest = 0, from?: RouterInterface): void {
  const f = p.frame;
  const ip = f.ipv6!;
  const src = v6ToBig(ip.src);
  // Never about an ICMPv6 error, a non-first fragment, or a packet from no one in particular.
  const isError = f.icmpv6 !== undefined && f.icmpv6.type < 128;
  const laterFragment = ip.fragment !== undefined && ip.fragment.offset !== 0;
  if (isError || laterFragment || (ip.protocol === IP_PROTO.ICMPV6 && !f.icmpv6) || isMulticast6(src) || isReserved6(src) || isMulticastMac(f.eth.src)) {
    s.counters.dropped++;
    return;
  }
  if (!takeToken(s)) return void s.counters.icmpSuppressed++;
  const at = errorSource(s, p, from);
  if (!at) return void s.counters.dropped++;
  s.counters[counter]++;
  out.to(p.dpid, packetOut({ data: icmp6Error(p.data, f, at.mac, at.ip, type, code, rest), actions: [output(p.inPort)] }));
}
