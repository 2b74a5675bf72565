/**
 * What the router does with a packet that reached the controller: answer ARP and ping for its
 * own addresses, learn neighbours, and route everything else: find the next hop by longest
 * prefix match, resolve its MAC (holding the packet meanwhile), install the ingress FIB flow and
 * the transit flows along the shortest path, and send the packet itself rewritten.
 */
import { OFPR } from '../../protocol/index.js';
import { ARP_OP, ICMP_TYPE, ICMP_UNREACH, ICMPV6_TYPE, isMulticastMac } from '../../protocol/packet/index.js';
import type { ParsedFrame } from '../../protocol/packet/index.js';
import type { Dpid, PacketInEvent } from '../sdk/index.js';
import { output, Outbox, packetOut } from '../sdk/index.js';
import { arpReply, echoReply, icmpError, rewriteRouted } from './frames.js';
import { fibFlow, KIND } from './flows.js';
import { countAttempt } from './neighbors.js';
import type { HeldPacket, Neighbor } from './neighbors.js';
import type { Lookup, RouterInterface, StaticRoute } from './rib.js';
import type { RoutingCounters, RoutingState } from './state.js';
import { handleIpv6, routePacket6, sendIcmp6Error } from './ipv6-forward.js';
import { deliverRouted, floodArp, locate, recordNeighbor, takeToken } from './neighbor-ops.js';

export function handlePacketIn(s: RoutingState, dpid: Dpid, ev: PacketInEvent, out: Outbox): void {
  const f = ev.frame;
  // VLAN-tagged frames are not routed: the flows match untagged frames only.
  if (f.eth.vlans.length > 0 || ev.data.length < 14) return void s.counters.dropped++;
  const p: HeldPacket = { dpid, inPort: ev.inPort, data: ev.data, frame: f };
  if (ev.reason === OFPR.INVALID_TTL) {
    // Our FIB flow's dec_nw_ttl found TTL <= 1 (it runs first, so the frame is as received).
    if (f.ipv4) sendIcmpError(s, out, p, ICMP_TYPE.TIME_EXCEEDED, 0, 'timeExceeded');
    else if (f.ipv6) sendIcmp6Error(s, out, p, ICMPV6_TYPE.TIME_EXCEEDED, 0, 'timeExceeded');
    return;
  }
  if (f.arp) return handleArp(s, out, p);
  if (f.ipv6) return handleIpv6(s, out, p);
  if (!f.ipv4) return void s.counters.dropped++;
  learn(s, out, f.ipv4.src, f.ipv4.srcNum, f.eth.src, dpid, ev.inPort);
  routePacket(s, out, p);
}

function handleArp(s: RoutingState, out: Outbox, p: HeldPacket): void {
  const a = p.frame.arp!;
  // Only what a host says about itself (not a proxy's answer for someone else).
  if (a.sha === p.frame.eth.src && a.spaNum !== 0) learn(s, out, a.spa, a.spaNum, a.sha, p.dpid, p.inPort);
  if (a.op !== ARP_OP.REQUEST) return;
  const iface = s.rib.local(a.tpaNum);
  // A gateway answers its own subnet (and address probes from 0.0.0.0), like a router port.
  if (!iface || (a.spaNum !== 0 && s.rib.connected(a.spaNum) !== iface)) return;
  s.counters.arpReplies++;
  out.to(p.dpid, packetOut({ data: arpReply(iface.mac, iface.ip, a.sha, a.spa), actions: [output(p.inPort)] }));
}

/** A neighbour seen on an edge port: record it, and finish a resolution waiting for it. */
export function learn(s: RoutingState, out: Outbox, ip: string, ipNum: number, mac: string, dpid: Dpid, port: number): void {
  const iface = s.rib.connected(ipNum);
  if (!iface || ipNum === iface.ipNum || ipNum === iface.networkNum || ipNum === iface.broadcastNum) return;
  for (const held of recordNeighbor(s, out, ip, mac, dpid, port)) routePacket(s, out, held);
}

export function routePacket(s: RoutingState, out: Outbox, p: HeldPacket): void {
  if (p.frame.ipv6) return routePacket6(s, out, p);
  const ip = p.frame.ipv4!;
  const dst = ip.dstNum;
  if (dst >= 0xe0000000 || isMulticastMac(p.frame.eth.src)) return void s.counters.dropped++;
  const lk = s.rib.lookup(dst);
  if (lk?.kind === 'local') return local(s, out, p, lk.iface);
  const conn = s.rib.connected(dst);
  if (conn && (dst === conn.broadcastNum || dst === conn.networkNum)) return void s.counters.dropped++;
  if (ip.ttl <= 1) return sendIcmpError(s, out, p, ICMP_TYPE.TIME_EXCEEDED, 0, 'timeExceeded');
  if (!lk) return sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.NET, 'netUnreachable');
  const target = lk.kind === 'connected' ? ip.dst : lk.route.nextHop;
  const nb = locate(s, target);
  if (nb) return forward(s, out, p, lk, nb);
  if (s.nbrs.failed(target)) return sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.HOST, 'hostUnreachable');
  let r = s.nbrs.resolution(target);
  if (!r) {
    r = s.nbrs.start(target, lk.iface, s.ctx.now());
    if (!r) return sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.HOST, 'hostUnreachable');
    countAttempt(r, floodArp(s, out, lk.iface, target));
  }
  if (s.nbrs.hold(r, p)) s.counters.held++;
}

function forward(s: RoutingState, out: Outbox, p: HeldPacket, lk: Exclude<Lookup, { kind: 'local' }>, nb: Neighbor): void {
  const path = s.topo.path(p.dpid, nb.dpid);
  if (!path) return sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.HOST, 'hostUnreachable');
  const srcMac = lk.iface.mac;
  const first = path.length > 0 ? path[0]!.src.port : nb.port;
  // A flow cannot send a packet back out of the port it came in on; such a packet only gets
  // the PACKET_OUT (a hairpin through the router is rare: two subnets behind one port).
  if (first !== p.inPort) {
    const route: StaticRoute | undefined = lk.kind === 'static' ? lk.route : undefined;
    const flow = route
      ? fibFlow(s.flows, KIND.route, route.networkNum, route.prefixLength, { srcMac, dstMac: nb.mac, outPort: first })
      : fibFlow(s.flows, KIND.host, p.frame.ipv4!.dstNum, 32, { srcMac, dstMac: nb.mac, outPort: first });
    out.to(p.dpid, flow);
    s.counters.flowsInstalled++;
  }
  deliverRouted(s, out, path, srcMac, nb, rewriteRouted(p.data, p.frame, srcMac, nb.mac));
}

/** A packet for one of the router's own addresses. */
function local(s: RoutingState, out: Outbox, p: HeldPacket, iface: RouterInterface): void {
  const f = p.frame;
  const mac = s.rib.byMac(f.eth.dst) ? f.eth.dst : iface.mac;
  if (f.icmp?.type === ICMP_TYPE.ECHO_REQUEST) {
    s.counters.echoReplies++;
    out.to(p.dpid, packetOut({ data: echoReply(p.data, f, mac), actions: [output(p.inPort)] }));
    return;
  }
  // No service listens on the router: what a host would say about a closed port.
  if (f.udp || f.tcp) return sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.PORT, 'portUnreachable', iface);
  s.counters.dropped++;
}

const ICMP_QUERIES: readonly number[] = [ICMP_TYPE.ECHO_REQUEST, ICMP_TYPE.ECHO_REPLY, 13, 14];

/** The interface a packet entered the router through: its source's subnet, else the MAC it was sent to. */
function ingressIface(s: RoutingState, f: ParsedFrame): RouterInterface | undefined {
  return s.rib.connected(f.ipv4!.srcNum) ?? s.rib.byMac(f.eth.dst) ?? s.rib.interfaces()[0];
}

/** An ICMP error back to the sender, out of the port the packet came in on (RFC 1812 4.3.2.7 limits). */
export function sendIcmpError(s: RoutingState, out: Outbox, p: HeldPacket, type: number, code: number, counter: keyof RoutingCounters, from?: RouterInterface): void {
  const f = p.frame;
  const ip = f.ipv4!;
  // Never about an ICMP error, a non-first fragment, or a packet from no one in particular.
  if ((f.icmp && !ICMP_QUERIES.includes(f.icmp.type)) || ip.fragOffset !== 0 || ip.srcNum === 0 || ip.srcNum >= 0xe0000000 || isMulticastMac(f.eth.src)) {
    s.counters.dropped++;
    return;
  }
  if (!takeToken(s)) return void s.counters.icmpSuppressed++;
  const iface = from ?? ingressIface(s, f);
  if (!iface) return void s.counters.dropped++;
  const mac = s.rib.byMac(f.eth.dst) ? f.eth.dst : iface.mac;
  s.counters[counter]++;
  out.to(p.dpid, packetOut({ data: icmpError(p.data, f, mac, iface.ip, type, code), actions: [output(p.inPort)] }));
}

