/**
 * The routing app's IPv6 flows. Table 0: neighbour solicitations for a router address and
 * router solicitations go to the controller, IPv6 frames to a router MAC go to the routing
 * table. Routing table: the router's own addresses and link-local traffic to the controller,
 * each connected prefix's guard (hosts not resolved yet), static-route guards, and the /128
 * host and route forwarding flows (dec_ttl first: OVS decrements the IPv6 hop limit too).
 * Priorities are those of IPv4 (fibPriority): the eth_type keeps the families apart.
 */
import type { FlowMod } from '../../protocol/index.js';
import { ETH_TYPE, ICMPV6_TYPE, IP_PROTO } from '../../protocol/packet/index.js';
import { decNwTtl, flowAdd, flowDelete, gotoTable, output, setField, toController } from '../sdk/index.js';
import type { MatchFields } from '../sdk/index.js';
import type { RouterInterface } from './api.js';
import { ALL_BITS, fibPriority, KIND } from './flows.js';
import type { FlowParams, Hop } from './flows.js';
import { bigToV6, mask128 } from './ipv6-addr.js';
import type { StaticRoute6 } from './ipv6-rib.js';

export function prefixMatch6(net: bigint, prefixLength: number): MatchFields {
  if (prefixLength === 0) return { eth_type: ETH_TYPE.IPV6 };
  if (prefixLength === 128) return { eth_type: ETH_TYPE.IPV6, ipv6_dst: bigToV6(net) };
  return { eth_type: ETH_TYPE.IPV6, ipv6_dst: { value: bigToV6(net), mask: bigToV6(mask128(prefixLength)) } };
}

const nd = (type: number): MatchFields => ({ eth_type: ETH_TYPE.IPV6, ip_proto: IP_PROTO.ICMPV6, icmpv6_type: type });

/** What every switch gets for the interfaces' IPv6 side (none without IPv6 addresses). */
export function baseFlows6(p: FlowParams, ifaces: readonly RouterInterface[]): FlowMod[] {
  const v6 = ifaces.filter((i) => i.ipv6.length > 0);
  if (v6.length === 0) return [];
  const trap = p.cookie(KIND.trap);
  const fib = p.cookie(KIND.fib);
  const out: FlowMod[] = [
    // Router solicitations (to ff02::2): only a router answers them, nothing to flood.
    flowAdd({ priority: p.priority + 1, cookie: trap, match: nd(ICMPV6_TYPE.ROUTER_SOLICITATION), actions: [toController()] }),
    // Link-local traffic to the router (NUD, echo to fe80::..., NA answers): never routed.
    flowAdd({ table: p.table, priority: fibPriority(128), cookie: fib, match: prefixMatch6(0xfe80n << 112n, 10), actions: [toController()] }),
  ];
  for (const mac of new Set(v6.map((i) => i.mac))) {
    out.push(flowAdd({ priority: p.priority + 1, cookie: trap, match: { eth_dst: mac, eth_type: ETH_TYPE.IPV6 }, instructions: [gotoTable(p.table)] }));
  }
  for (const i of v6) {
    for (const target of [i.linkLocal, ...i.ipv6.map((a) => a.ip)]) {
      // Multicast solicitations for a router address (l2-learning would flood them).
      out.push(flowAdd({ priority: p.priority + 1, cookie: trap, match: { ...nd(ICMPV6_TYPE.NEIGHBOR_SOLICITATION), ipv6_nd_target: target }, actions: [toController()] }));
    }
    for (const a of i.ipv6) {
      out.push(
        flowAdd({ table: p.table, priority: fibPriority(128), cookie: fib, match: prefixMatch6(a.ipBig, 128), actions: [toController()] }),
        flowAdd({ table: p.table, priority: fibPriority(a.prefixLength), cookie: fib, match: prefixMatch6(a.netBig, a.prefixLength), actions: [toController()] }),
      );
    }
  }
  return out;
}

export function routeGuards6(p: FlowParams, routes: readonly StaticRoute6[]): FlowMod[] {
  return routes
    .filter((r) => r.state !== 'unresolved')
    .map((r) => flowAdd({ table: p.table, priority: fibPriority(r.prefixLength), cookie: p.cookie(KIND.route), match: prefixMatch6(r.net, r.prefixLength), actions: [toController()] }));
}

/** The ingress switch's forwarding flow for a host (/128) or a route's prefix. */
export function fibFlow6(p: FlowParams, kind: number, net: bigint, prefixLength: number, hop: Hop): FlowMod {
  return flowAdd({
    table: p.table,
    priority: fibPriority(prefixLength, true),
    cookie: p.cookie(kind),
    idle: p.idleTimeoutSec,
    match: prefixMatch6(net, prefixLength),
    actions: [decNwTtl(), setField('eth_src', hop.srcMac), setField('eth_dst', hop.dstMac), output(hop.outPort)],
  });
}

export const deleteHost6 = (p: FlowParams, ip: string): FlowMod =>
  flowDelete({ table: p.table, cookie: p.cookie(KIND.host), cookieMask: ALL_BITS, match: { eth_type: ETH_TYPE.IPV6, ipv6_dst: ip } });
