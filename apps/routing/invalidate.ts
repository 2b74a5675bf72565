/**
 * Keeping flows true to the network. Targeted deletes where the cause names a host (a
 * neighbour changed MAC or place: its /32 FIB flows and the transit flows to its MAC, and every
 * static route's flows if it is a next hop); a flush of every forwarding flow (FIB hosts,
 * routes, transit; all switches) where it names a link, port or switch, since any path may have
 * used it. Flushed traffic comes back to the controller and gets fresh shortest paths.
 *
 * Topology events arrive inside the topology app's handlers: deletes are deferred (ctx.defer)
 * into the batch of the event at hand, so the host's delete-barrier-add ordering keeps them
 * ahead of any new flow. Flushes are deferred as a function, so many events make one flush.
 */
import { Outbox } from '../sdk/index.js';
import type { TopologyEvent } from '../topology/api.js';
import type { FlowMod } from '../../protocol/index.js';
import { baseFlows, deleteHost, deleteKind, deleteTransit, KIND, routeGuards } from './flows.js';
import { baseFlows6, deleteHost6, routeGuards6 } from './ipv6-flows.js';
import type { Neighbor } from './neighbors.js';
import type { RoutingState } from './state.js';

const dpids = (s: RoutingState) => s.ctx.switches().map((sw) => sw.dpid);

export function flushKind(s: RoutingState, out: Outbox, ...kinds: number[]): void {
  for (const d of dpids(s)) out.to(d, ...kinds.map((k) => deleteKind(s.flows, k)));
}

/** The static routes' guards, both families. */
export const allGuards = (s: RoutingState): FlowMod[] => [...routeGuards(s.flows, s.rib.routes()), ...routeGuards6(s.flows, s.rib.v6.routes())];

/** What every switch should hold: base flows of both families and the route guards. */
export const desired = (s: RoutingState): FlowMod[] => [...baseFlows(s.flows, s.rib.interfaces()), ...baseFlows6(s.flows, s.rib.interfaces()), ...allGuards(s)];

/** Every static route's flows everywhere, replaced by the guards of the routes in use. */
export function flushRoutes(s: RoutingState, out: Outbox): void {
  const guards = allGuards(s);
  for (const d of dpids(s)) out.to(d, deleteKind(s.flows, KIND.route), ...guards);
}

/** Every forwarding flow everywhere (not the trap and FIB base flows; route guards come back). */
export function flushForwarding(s: RoutingState, out: Outbox): void {
  s.counters.flushes++;
  flushKind(s, out, KIND.host, KIND.transit);
  flushRoutes(s, out);
}

/** Flows that lead to these neighbours as they were. */
export function invalidateNeighbors(s: RoutingState, out: Outbox, gone: readonly Neighbor[]): void {
  if (gone.length === 0) return;
  const nextHop = gone.some((n) => s.rib.allRoutes().some((r) => r.nextHop === n.ip));
  const macs = [...new Set(gone.map((n) => n.mac))];
  for (const d of dpids(s)) out.to(d, ...gone.map((n) => (n.ip.includes(':') ? deleteHost6 : deleteHost)(s.flows, n.ip)), ...macs.map((m) => deleteTransit(s.flows, m)));
  if (nextHop) flushRoutes(s, out);
}

/** Every forwarding flow, flushed once with the current batch however many events ask. */
function deferFlush(s: RoutingState): void {
  if (s.flushDeferred) return;
  s.flushDeferred = true;
  s.ctx.defer((out) => {
    s.flushDeferred = false;
    flushForwarding(s, out);
  });
}

export function onTopologyEvent(s: RoutingState, ev: TopologyEvent): void {
  const out = new Outbox();
  switch (ev.type) {
    case 'hostMoved': {
      // Our entries for the MAC, at the old place: their flows go; the entries follow the host.
      const before = s.nbrs.all().filter((n) => n.mac === ev.host.mac && (n.dpid !== ev.host.dpid || n.port !== ev.host.port));
      s.nbrs.moveMac(ev.host.mac, ev.host.dpid, ev.host.port);
      invalidateNeighbors(s, out, before);
      break;
    }
    case 'linkAdded': {
      // A port we thought was a host's carries a link: what we learned there was a copy.
      const gone = [...s.nbrs.forgetAt(ev.link.src.dpid, ev.link.src.port), ...s.nbrs.forgetAt(ev.link.dst.dpid, ev.link.dst.port)];
      invalidateNeighbors(s, out, gone);
      break;
    }
    case 'hostRemoved': {
      // Forgotten by a loop hold (docs/TOPOLOGY.md): the place may have been a copy's.
      if (!ev.wrongPlace) break;
      const gone = s.nbrs.all().filter((n) => n.mac === ev.host.mac && n.dpid === ev.host.dpid && n.port === ev.host.port);
      for (const n of gone) s.nbrs.forget(n.ip);
      invalidateNeighbors(s, out, gone);
      break;
    }
    case 'linkRemoved':
      deferFlush(s);
      break;
    case 'portRemoved':
    case 'portModified':
      if (ev.type === 'portModified' && ev.live) break;
      s.nbrs.forgetAt(ev.dpid, ev.port);
      deferFlush(s);
      break;
    case 'switchRemoved':
      s.nbrs.forgetAt(ev.dpid);
      deferFlush(s);
      break;
    default:
      break;
  }
  if (out.size > 0) s.ctx.defer(out);
}
