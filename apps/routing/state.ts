/** The routing app's shared state and counters, passed to the handler modules. */
import type { AppContext, Outbox } from '../sdk/index.js';
import type { TopologyService } from '../topology/api.js';
import type { FlowParams } from './flows.js';
import type { Neighbors } from './neighbors.js';
import type { RoutingOptions } from './options.js';
import type { Rib } from './rib.js';

export interface RoutingCounters {
  arpReplies: number;
  arpRequests: number;
  echoReplies: number;
  /** First packets of a flow sent by the controller (rewritten) after installing flows. */
  routed: number;
  flowsInstalled: number;
  held: number;
  resolved: number;
  resolutionsFailed: number;
  timeExceeded: number;
  netUnreachable: number;
  hostUnreachable: number;
  portUnreachable: number;
  /** ICMP errors not sent because of the rate limit. */
  icmpSuppressed: number;
  /** Packets to the router that were not routable (broadcast, fragments of errors...) and dropped. */
  dropped: number;
  flushes: number;
  /** IPv6: neighbour advertisements sent for router addresses, solicitations sent, router advertisements sent, packet too big sent. */
  naReplies: number;
  nsRequests: number;
  raSent: number;
  packetTooBig: number;
}

export const zeroCounters = (): RoutingCounters => ({
  arpReplies: 0,
  arpRequests: 0,
  echoReplies: 0,
  routed: 0,
  flowsInstalled: 0,
  held: 0,
  resolved: 0,
  resolutionsFailed: 0,
  timeExceeded: 0,
  netUnreachable: 0,
  hostUnreachable: 0,
  portUnreachable: 0,
  icmpSuppressed: 0,
  dropped: 0,
  flushes: 0,
  naReplies: 0,
  nsRequests: 0,
  raSent: 0,
  packetTooBig: 0,
});

export interface RoutingState {
  readonly ctx: AppContext;
  readonly opts: RoutingOptions;
  readonly rib: Rib;
  readonly nbrs: Neighbors;
  readonly topo: TopologyService;
  readonly flows: FlowParams;
  readonly counters: RoutingCounters;
  /** A flush of every forwarding flow is deferred into the current batch (one per batch). */
  flushDeferred: boolean;
  /** Token bucket of the ICMP error rate limit. */
  icmpTokens: number;
  icmpRefillAt: number;
  /** Static routes: when their next hop was last asked (retry and probe pacing). */
  readonly askedAt: Map<string, number>;
  /** Router advertisements: per interface (IPv4 address), when each port ("dpid|port") last got one. */
  readonly raSentAt: Map<string, Map<string, number>>;
}

/** Append every batch of `from` to `to`. */
export function merge(to: Outbox, from: Outbox): Outbox {
  for (const b of from.batches()) to.to(b.dpid, ...b.messages);
  return to;
}

