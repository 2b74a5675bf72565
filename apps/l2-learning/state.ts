/**
 * The state l2-learning's parts share, and its counters. Messages produced outside a handler's
 * return value (the topology listener) go through ctx.defer() into the batch of the event at
 * hand, so they share its ordering: deletes, barrier, adds (see docs/L2.md, "Invalidation").
 */
import type { AppContext, Dpid, Outbox } from '../sdk/index.js';
import type { TopologyService } from '../topology/api.js';
import type { FlowParams } from './flows.js';
import type { MacTables } from './mac-table.js';
import type { L2Options } from './options.js';
import type { RouteTracker } from './routes.js';
import type { OfMessage } from '../../protocol/index.js';

/** What stats() returns (all numbers: exported as metrics): cumulative counters, then sizes. */
export type L2Stats = {
  /** MACs learned at a new location (first sighting, or after expiry). */
  macsLearned: number;
  /** Learnings refused because the switch's table was full. */
  refusedSwitchCap: number;
  /** Learnings refused because the port had too many MACs. */
  refusedPortCap: number;
  /** Learnings refused because the topology refuses the MAC there (pinned elsewhere, moved too often, its caps). */
  refusedByTopology: number;
  /** Forwarding flows sent (one per switch of each installed path). */
  flowsInstalled: number;
  /** Frames flooded (packet-outs on the flood tree, or OFPP_FLOOD without topology). */
  floods: number;
  /** Hosts seen at a new port or switch (ours or the topology app's hostMoved). */
  moves: number;
  /** Flow deletes sent to invalidate moved hosts and dead links or ports. */
  flowDeletes: number;
  /** Packet-ins ignored: LLDP, multicast source, 802.1D link-local destination, runt frame. */
  ignored: number;
  /** Frames dropped because the destination is on the port they came in on. */
  sameSegment: number;
  /** Path flows found on a switch at its switch up or an audit and kept (a previous run's, say). */
  adoptedFlows: number;
  /** Currently learned MACs (all switches; expired ones not yet purged included). */
  macs: number;
  /** Destinations whose installed path is tracked. */
  trackedDestinations: number;
  /** Paths dropped from tracking to stay in bounds (link-down then relies on out_port deletes). */
  trackingEvictions: number;
};

export type Counters = Omit<L2Stats, 'macs' | 'trackedDestinations' | 'trackingEvictions'>;

export function zeroCounters(): Counters {
  return { macsLearned: 0, refusedSwitchCap: 0, refusedPortCap: 0, refusedByTopology: 0, flowsInstalled: 0, floods: 0, moves: 0, flowDeletes: 0, ignored: 0, sameSegment: 0, adoptedFlows: 0 };
}

export interface L2State {
  readonly ctx: AppContext;
  opts: L2Options;
  readonly flows: FlowParams;
  readonly macs: MacTables;
  readonly routes: RouteTracker;
  readonly counters: Counters;
  readonly topo: TopologyService | undefined;
}

/** Queue messages for a switch in an outbox, counting deletes. */
export function queueDeletes(s: L2State, out: Outbox, dpid: Dpid, ...msgs: OfMessage[]): void {
  s.counters.flowDeletes += msgs.length;
  out.to(dpid, ...msgs);
}
