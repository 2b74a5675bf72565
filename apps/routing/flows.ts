/**
 * The routing app's flows, as pure builders. Table 0 catches what is addressed to the router
 * (ARP for a gateway address, frames to a router MAC) and carries routed frames across transit
 * switches; the routing table (option `table`) is the FIB: one flow per prefix, priority
 * growing with the prefix length, so the switch does the longest-prefix match.
 */
import type { FlowMod } from '../../protocol/index.js';
import { ETH_TYPE, numberToIpv4 } from '../../protocol/packet/index.js';
import { decNwTtl, flowAdd, flowDelete, gotoTable, output, setField, toController } from '../sdk/index.js';
import type { MatchFields } from '../sdk/index.js';
import type { RouterInterface, StaticRoute } from './rib.js';

/** Cookie low parts: what kind of flow (visible in dump-flows, used for targeted deletes). */
export const KIND = {
  /** Table 0: ARP for gateways and frames to router MACs. */
  trap: 1,
  /** Routing table: its miss flow, connected subnets and gateway addresses to the controller. */
  fib: 2,
  /** Routing table: a resolved host of a connected subnet (/32). */
  host: 3,
  /** Routing table: a static route's prefix. */
  route: 4,
  /** Table 0: a routed frame on a switch after its ingress, by (router MAC, destination MAC). */
  transit: 5,
} as const;

export const ALL_BITS = 0xffff_ffff_ffff_ffffn;

export interface FlowParams {
  table: number;
  priority: number;
  transitPriority: number;
  idleTimeoutSec: number;
  cookie: (kind: number) => bigint;
}

/**
 * Priority of a routing-table flow for a prefix length: longer prefixes win. Each prefix has two
 * levels: its "to the controller" guard (even) and, just above, its forwarding flow (odd). A
 * forwarding flow installed on one switch and later idled out leaves the guard behind, so a
 * shorter prefix's flow can never catch a longer prefix's traffic.
 */
export const fibPriority = (prefixLength: number, forward = false) => 100 + 2 * prefixLength + (forward ? 1 : 0);

/** The routing-table match of a prefix. */
export function prefixMatch(networkNum: number, prefixLength: number): MatchFields {
  if (prefixLength === 0) return { eth_type: ETH_TYPE.IPV4 };
  if (prefixLength === 32) return { eth_type: ETH_TYPE.IPV4, ipv4_dst: numberToIpv4(networkNum) };
  const mask = (0xffffffff << (32 - prefixLength)) >>> 0;
  return { eth_type: ETH_TYPE.IPV4, ipv4_dst: { value: numberToIpv4(networkNum), mask: numberToIpv4(mask) } };
}

/** Static routes in use get a guard on every switch (see fibPriority); unresolved ones none. */
export function routeGuards(p: FlowParams, routes: readonly StaticRoute[]): FlowMod[] {
  return routes
    .filter((r) => r.state !== 'unresolved')
    .map((r) => flowAdd({ table: p.table, priority: fibPriority(r.prefixLength), cookie: p.cookie(KIND.route), match: prefixMatch(r.networkNum, r.prefixLength), actions: [toController()] }));
}

/** What every switch gets at switch up (and again when the interfaces change). */
export function baseFlows(p: FlowParams, ifaces: readonly RouterInterface[]): FlowMod[] {
  const trap = p.cookie(KIND.trap);
  const fib = p.cookie(KIND.fib);
  const out: FlowMod[] = [flowAdd({ table: p.table, priority: 0, cookie: fib, actions: [toController()] })];
  const macs = [...new Set(ifaces.map((i) => i.mac))];
  for (const mac of macs) {
    out.push(
      flowAdd({ priority: p.priority + 1, cookie: trap, match: { eth_dst: mac, eth_type: ETH_TYPE.ARP }, actions: [toController()] }),
      flowAdd({ priority: p.priority + 1, cookie: trap, match: { eth_dst: mac, eth_type: ETH_TYPE.IPV4 }, instructions: [gotoTable(p.table)] }),
      // Anything else for the router (IPv6, say) is ours to drop, not l2-learning's to flood.
      flowAdd({ priority: p.priority, cookie: trap, match: { eth_dst: mac } }),
    );
  }
  for (const i of ifaces) {
    out.push(
      flowAdd({ priority: p.priority + 1, cookie: trap, match: { eth_type: ETH_TYPE.ARP, arp_tpa: i.ip }, actions: [toController()] }),
      flowAdd({ table: p.table, priority: fibPriority(32), cookie: fib, match: prefixMatch(i.ipNum, 32), actions: [toController()] }),
      // Hosts not resolved yet: to the controller, above any shorter static route.
      flowAdd({ table: p.table, priority: fibPriority(i.prefixLength), cookie: fib, match: prefixMatch(i.networkNum, i.prefixLength), actions: [toController()] }),
    );
  }
  return out;
}



export interface Hop {
  /** Router MAC of the egress interface (the new source). */
  srcMac: string;
  /** The host or next hop (the new destination). */
  dstMac: string;
  outPort: number;
}

/** The ingress switch's FIB entry: decrement TTL (first, so an expired packet reaches us intact), rewrite, output. */
export function fibFlow(p: FlowParams, kind: number, networkNum: number, prefixLength: number, hop: Hop): FlowMod {
  return flowAdd({
    table: p.table,
    priority: fibPriority(prefixLength, true),
    cookie: p.cookie(kind),
    idle: p.idleTimeoutSec,
    match: prefixMatch(networkNum, prefixLength),
    actions: [decNwTtl(), setField('eth_src', hop.srcMac), setField('eth_dst', hop.dstMac), output(hop.outPort)],
  });
}

/** A later switch on the path: the rewritten frame, by its (router MAC, destination MAC) pair. */
export function transitFlow(p: FlowParams, hop: Hop): FlowMod {
  return flowAdd({
    priority: p.transitPriority,
    cookie: p.cookie(KIND.transit),
    idle: p.idleTimeoutSec,
    match: { eth_dst: hop.dstMac, eth_src: hop.srcMac },
    actions: [output(hop.outPort)],
  });
}

/** Every flow of one kind, on every table. */
export const deleteKind = (p: FlowParams, kind: number): FlowMod => flowDelete({ cookie: p.cookie(kind), cookieMask: ALL_BITS });

/** The FIB flows of one host address. */
export const deleteHost = (p: FlowParams, ip: string): FlowMod =>
  flowDelete({ table: p.table, cookie: p.cookie(KIND.host), cookieMask: ALL_BITS, match: { eth_type: ETH_TYPE.IPV4, ipv4_dst: ip } });

/** The transit flows towards one MAC. */
export const deleteTransit = (p: FlowParams, mac: string): FlowMod =>
  flowDelete({ table: 0, cookie: p.cookie(KIND.transit), cookieMask: ALL_BITS, match: { eth_dst: mac } });
