/**
 * The router's clock work, run on the host tick: ARP attempts that timed out are repeated or
 * given up (held packets then get ICMP host unreachable and routes via that next hop become
 * unresolved), unresolved next hops are asked again every `routeRetryMs`, and resolved ones
 * that have been quiet for `routeProbeMs` are probed.
 */
import { ICMP_TYPE, ICMP_UNREACH, ICMPV6_TYPE } from '../../protocol/packet/index.js';
import type { Outbox } from '../sdk/index.js';
import { sendIcmpError } from './forward.js';
import { floodArp } from './neighbor-ops.js';
import { flushRoutes } from './invalidate.js';
import { countAttempt } from './neighbors.js';
import type { StaticRoute } from './rib.js';
import type { StaticRoute6 } from './ipv6-rib.js';
import { sendIcmp6Error, UNREACH6 } from './ipv6-forward.js';
import { onRaTick } from './ipv6-ra.js';
import type { RoutingState } from './state.js';

export function onTick(s: RoutingState, now: number, out: Outbox): void {
  const { retry, failed } = s.nbrs.due(now);
  for (const r of retry) countAttempt(r, floodArp(s, out, r.iface, r.ip));
  let flush = false;
  for (const r of failed) {
    s.counters.resolutionsFailed++;
    for (const p of r.held) {
      if (p.frame.ipv6) sendIcmp6Error(s, out, p, ICMPV6_TYPE.DEST_UNREACHABLE, UNREACH6.ADDRESS, 'hostUnreachable');
      else sendIcmpError(s, out, p, ICMP_TYPE.DEST_UNREACHABLE, ICMP_UNREACH.HOST, 'hostUnreachable');
    }
    for (const route of s.rib.allRoutes()) {
      if (route.nextHop === r.ip && s.rib.setState(route, 'unresolved')) {
        s.ctx.log.warn({ prefix: route.prefix, nextHop: route.nextHop }, 'next hop does not answer ARP or neighbour solicitation: route unresolved');
        flush = true;
      }
    }
  }
  if (flush) flushRoutes(s, out);
  for (const route of s.rib.allRoutes()) if (due(s, route, now)) askNextHop(s, out, route, now);
  onRaTick(s, now, out);
}

function due(s: RoutingState, route: StaticRoute | StaticRoute6, now: number): boolean {
  if (s.nbrs.resolution(route.nextHop)) return false;
  const asked = s.askedAt.get(route.prefix) ?? -Infinity;
  if (route.state === 'resolving') return asked === -Infinity;
  if (route.state === 'unresolved') return now - Math.max(asked, route.since) >= s.opts.routeRetryMs;
  const n = s.nbrs.get(route.nextHop);
  return (!n || now - n.seen >= s.opts.routeProbeMs) && now - asked >= s.opts.routeProbeMs;
}

/** Ask for a route's next hop (no packet held: the answer only updates the route). */
export function askNextHop(s: RoutingState, out: Outbox, route: StaticRoute | StaticRoute6, now: number): void {
  const iface = route.family === 6 ? s.rib.v6.connected(route.nextHopBig)?.iface : s.rib.connected(route.nextHopNum);
  if (!iface) return;
  s.askedAt.set(route.prefix, now);
  const r = s.nbrs.start(route.nextHop, iface, now);
  if (r) countAttempt(r, floodArp(s, out, iface, route.nextHop));
}
