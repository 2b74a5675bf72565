/**
 * What both address families share: recording a neighbour sighting (and the resolution and
 * routes waiting for it), locating a neighbour, asking for one (ARP or neighbour solicitation
 * out of every edge port), and the ICMP error rate limit. forward.ts (IPv4) and ipv6-forward.ts
 * both import this (forward.ts hands IPv6 packets to ipv6-forward.ts, never the other way).
 */
import { OFPP } from '../../protocol/index.js';
import { isMulticastMac } from '../../protocol/packet/index.js';
import type { Dpid, Outbox } from '../sdk/index.js';
import { output, packetOut } from '../sdk/index.js';
import type { Link } from '../topology/api.js';
import { transitFlow } from './flows.js';
import type { RouterInterface } from './api.js';
import { arpRequest } from './frames.js';
import { flushRoutes, invalidateNeighbors } from './invalidate.js';
import { v6ToBig } from './ipv6-addr.js';
import { neighborSolicitation } from './ipv6-frames.js';
import type { HeldPacket, Neighbor } from './neighbors.js';
import type { RoutingState } from './state.js';

/**
 * learn() or learn6() once the address is known to be a host of a connected subnet or prefix:
 * record it, update the routes it is the next hop of, and return the packets that were held
 * for it (the caller routes them: they are of the address's family).
 */
export function recordNeighbor(s: RoutingState, out: Outbox, ip: string, mac: string, dpid: Dpid, port: number): HeldPacket[] {
  if (isMulticastMac(mac) || s.rib.byMac(mac) || !s.topo.isEdgePort(dpid, port)) return [];
  const old = s.nbrs.get(ip);
  const res = s.nbrs.learn({ ip, mac, dpid, port, seen: s.ctx.now() });
  if (res === 'changed' && old) invalidateNeighbors(s, out, [old]);
  const done = s.nbrs.complete(ip);
  const routes = s.rib.allRoutes().filter((r) => r.nextHop === ip);
  let usable = false;
  for (const r of routes) {
    const was = r.state;
    if (s.rib.setState(r, 'resolved') && was === 'unresolved') usable = true;
  }
  // A route back from unresolved had no guard: a shorter prefix's flows installed meanwhile may
  // shadow it. A resolving route's guard was there all along, and its forwarding flows (adopted
  // after a restart) stay.
  if (usable) flushRoutes(s, out);
  if (!done) return [];
  s.counters.resolved++;
  return done.held;
}

/** Where a neighbour is now: our entry, or the topology's if it saw the MAC more recently. */
export function locate(s: RoutingState, ip: string): Neighbor | undefined {
  const mine = s.nbrs.get(ip);
  if (mine) {
    const h = s.topo.host(mine.mac);
    return h && h.lastSeen > mine.seen ? { ...mine, dpid: h.dpid, port: h.port } : mine;
  }
  const h = s.topo.hostByIp(ip);
  return h ? { ip, mac: h.mac, dpid: h.dpid, port: h.port, seen: h.lastSeen } : undefined;
}

export function takeToken(s: RoutingState): boolean {
  const rate = s.opts.icmpRatePerSec;
  const now = s.ctx.now();
  const elapsed = now - s.icmpRefillAt;
  if (elapsed > 0) {
    s.icmpTokens = Math.min(rate, s.icmpTokens + (elapsed * rate) / 1000);
    s.icmpRefillAt = now;
  }
  if (s.icmpTokens < 1) return false;
  s.icmpTokens -= 1;
  return true;
}

/**
 * "Who has target?" from the gateway, out of every floodable edge port of every switch (none
 * crosses a link): ARP for IPv4, a neighbour solicitation from the router address of the
 * target's prefix for IPv6. Returns how many ports it went out of (an attempt that reached none
 * does not count against the target: countAttempt).
 */
export function floodArp(s: RoutingState, out: Outbox, iface: RouterInterface, target: string): number {
  let data: Uint8Array;
  if (target.includes(':')) {
    const via = s.rib.v6.connected(v6ToBig(target));
    if (!via) return 0;
    data = neighborSolicitation(iface.mac, via.addr.ip, target);
    s.counters.nsRequests++;
  } else {
    data = arpRequest(iface.mac, iface.ip, target);
    s.counters.arpRequests++;
  }
  let reached = 0;
  for (const dpid of s.topo.switches()) {
    const ports = s.topo.floodPorts(dpid, OFPP.CONTROLLER).filter((port) => s.topo.isEdgePort(dpid, port));
    if (ports.length > 0) out.to(dpid, packetOut({ data, actions: ports.map((port) => output(port)) }));
    reached += ports.length;
  }
  return reached;
}

/**
 * The rest of a routed packet's way, both families: a transit flow on every switch of the path
 * after the first (rewritten MACs, out towards the neighbour), and the packet itself, already
 * rewritten, sent at the neighbour's own switch and port. Sent at the first switch instead, it
 * could reach the next switch before that switch's transit flow (FLOW_MODs to different
 * switches are not ordered) and miss there.
 */
export function deliverRouted(s: RoutingState, out: Outbox, path: readonly Link[], srcMac: string, nb: Neighbor, rewritten: Uint8Array): void {
  path.forEach((link, i) => {
    const outPort = i + 1 < path.length ? path[i + 1]!.src.port : nb.port;
    out.to(link.dst.dpid, transitFlow(s.flows, { srcMac, dstMac: nb.mac, outPort }));
    s.counters.flowsInstalled++;
  });
  s.counters.routed++;
  out.to(nb.dpid, packetOut({ data: rewritten, actions: [output(nb.port)] }));
}
