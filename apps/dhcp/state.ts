/** The dhcp app's shared state and counters, passed to its handler modules. */
import type { AppContext } from '../sdk/index.js';
import type { LruMap } from '../sdk/index.js';
import type { RoutingApi } from '../routing/api.js';
import type { TopologyService } from '../topology/api.js';
import type { FlowEnv } from './flows.js';
import type { LeaseTable } from './leases.js';
import type { DhcpOptions } from './options.js';
import type { Pool } from './pools.js';

export interface DhcpCounters {
  discovers: number;
  offers: number;
  requests: number;
  acks: number;
  naks: number;
  releases: number;
  declines: number;
  informs: number;
  /** REQUESTs of a bound client to extend its lease: unicast (renew) and broadcast (rebind). */
  renews: number;
  rebinds: number;
  /** DISCOVERs answered by no one: no free address in the pool (or the lease cap). */
  exhausted: number;
  /** Addresses skipped because the topology knows another host using them. */
  inUse: number;
  /** DHCP packet-ins over a port's rate, ignored; ports given a temporary drop flow. */
  rateLimited: number;
  portsBlocked: number;
  /** Messages that are not valid DHCP requests, and requests no pool serves. */
  malformed: number;
  noPool: number;
  arpReplies: number;
  expired: number;
}

export const zeroCounters = (): DhcpCounters => ({
  discovers: 0, offers: 0, requests: 0, acks: 0, naks: 0, releases: 0, declines: 0, informs: 0, renews: 0, rebinds: 0,
  exhausted: 0, inUse: 0, rateLimited: 0, portsBlocked: 0, malformed: 0, noPool: 0, arpReplies: 0, expired: 0,
});

export interface Bucket {
  tokens: number;
  at: number;
  /** Until when the port's block flow holds (ms). */
  blockedUntil: number;
}

export interface DhcpState {
  readonly ctx: AppContext;
  readonly opts: DhcpOptions;
  pools: Pool[];
  readonly leases: LeaseTable;
  readonly buckets: LruMap<string, Bucket>;
  readonly routing: RoutingApi | undefined;
  readonly topo: TopologyService | undefined;
  readonly counters: DhcpCounters;
  readonly env: FlowEnv;
}
