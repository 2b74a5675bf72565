/**
 * routing: IPv4 routing between subnets in the switches' flow tables. The controller is the
 * gateway of every configured subnet (answers ARP and ping for the gateway addresses with a
 * virtual MAC), resolves hosts and static-route next hops with ARP, and installs, per
 * destination, a FIB flow at the ingress switch (TTL - 1, MACs rewritten) and transit flows
 * along the shortest path. It needs the topology app (paths, flood ports, host places) and
 * leaves same-subnet traffic to l2-learning. Interfaces may also hold IPv6 prefixes (dual
 * stack): neighbour discovery, router advertisements and IPv6 forwarding live in ipv6-*.ts.
 * Not in the default app list: see docs/ROUTING.md.
 */
import type { OfMessage } from '../../protocol/index.js';
import { ipv4ToNumber } from '../../protocol/packet/index.js';
import type { AppContext, AppFactory, AppRoutes, SwitchView } from '../sdk/index.js';
import { HttpError, Outbox } from '../sdk/index.js';
import type { L2LearningApi } from '../l2-learning/api.js';
import type { RoutingApi, RoutingProvider } from './api.js';
import { listNeighbors, listRoutes, mountRoutes, runCommand } from './admin.js';
import { KIND } from './flows.js';
import { handlePacketIn, learn } from './forward.js';
import { desired, invalidateNeighbors, onTopologyEvent } from './invalidate.js';
import { Neighbors } from './neighbors.js';
import { parseOptions } from './options.js';
import type { RoutingOptions } from './options.js';
import { restore } from './persist.js';
import { Rib } from './rib.js';
import { zeroCounters } from './state.js';
import type { RoutingCounters, RoutingState } from './state.js';
import { onTick } from './tick.js';
import { syncFromState } from './sync.js';

export type { RoutingOptions, InterfaceSpec, RouteSpec } from './options.js';
export type { RoutingCounters } from './state.js';
export { KIND } from './flows.js';

export type { RoutingApi, RouterInterface } from './api.js';

export interface RoutingApp extends RoutingProvider {
  readonly counters: () => RoutingCounters;
  readonly routesTable: () => ReturnType<typeof listRoutes>;
  readonly neighbors: () => ReturnType<typeof listNeighbors>;
}

/**
 * OpenFlow 1.3 switches (Open vSwitch included) do not send INVALID_TTL packet-ins unless the
 * controller asks for them with SET_ASYNC. The rest is Open vSwitch's default for a master:
 * packet-ins for table miss and action, every port status, every flow-removed reason.
 */
const ASYNC: OfMessage = { type: 'setAsync', xid: 0, packetInMask: [0b111, 0], portStatusMask: [0b111, 0b111], flowRemovedMask: [0b1111, 0] };

export const createRoutingApp = (options: Readonly<Record<string, unknown>> = {}): RoutingApp => {
  let s!: RoutingState;
  let opts: RoutingOptions;

  const api: RoutingApi = {
    interfaces: () => s.rib.interfaces(),
    connected: (ip) => s.rib.connected(ipv4ToNumber(ip)),
    // Called from another app's handler: the flow changes join that event's batch (ctx.defer).
    hostAddress: (ip, mac, dpid, port) => s.ctx.defer((out) => learn(s, out, ip, ipv4ToNumber(ip), mac, dpid, port)),
    forgetAddress: (ip) => {
      const old = s.nbrs.forget(ip);
      if (old) s.ctx.defer((out) => invalidateNeighbors(s, out, [old]));
    },
  };

  const app: RoutingApp = {
    name: 'routing',
    api,

    init(ctx: AppContext) {
      opts = parseOptions({ ...options, ...ctx.options });
      const topo = ctx.app('topology');
      if (!topo) throw new Error('routing needs the topology app, loaded before it (apps: table-miss, topology, l2-learning, routing)');
      const l2: L2LearningApi | undefined = ctx.app('l2-learning');
      if (!l2) ctx.log.warn({}, 'l2-learning is not loaded: traffic within a subnet will not be forwarded');
      const rib = new Rib(() => ctx.now());
      s = {
        ctx,
        opts,
        rib,
        topo,
        nbrs: new Neighbors(
          {
            ttlMs: opts.neighborTtlMs,
            failedTtlMs: opts.failedTtlMs,
            maxNeighbors: opts.maxNeighbors,
            maxQueuePerDest: opts.maxQueuePerDest,
            maxQueued: opts.maxQueued,
            maxResolving: opts.maxResolving,
            arpTimeoutMs: opts.arpTimeoutMs,
            arpRetries: opts.arpRetries,
          },
          () => ctx.now(),
        ),
        flows: { table: opts.table, priority: opts.priority, transitPriority: opts.transitPriority, idleTimeoutSec: opts.idleTimeoutSec, cookie: (k) => ctx.cookie(k) },
        counters: zeroCounters(),
        flushDeferred: false,
        icmpTokens: opts.icmpRatePerSec,
        icmpRefillAt: ctx.now(),
        askedAt: new Map(),
        raSentAt: new Map(),
      };
      const configError = (key: string, i: number, err: unknown) =>
        new RangeError(`routing option ${key}[${i}]: ${err instanceof HttpError ? err.message : String(err)}`);
      opts.interfaces.forEach((spec, i) => {
        try {
          rib.addInterface(spec);
        } catch (err) {
          throw configError('interfaces', i, err);
        }
      });
      opts.routes.forEach((spec, i) => {
        try {
          rib.addRoute(spec);
        } catch (err) {
          throw configError('routes', i, err);
        }
      });
      const restored = restore(ctx, rib);
      if (restored.interfaces + restored.routes > 0) ctx.log.info(restored, 'routing configuration restored from the state store');
      topo.subscribe((ev) => onTopologyEvent(s, ev));
      // An address being resolved, seen by the topology: in a cluster the ARP answer reaches the
      // master of the host's switch, and this instance hears of it through the shared topology
      // (alone, our own packet-in handler learns it anyway). Deferred into the event's batch.
      topo.subscribe((ev) => {
        if (ev.type !== 'hostAdded' && ev.type !== 'hostUpdated') return;
        const waiting = ev.host.ipv4.filter((ip) => s.nbrs.resolution(ip));
        if (waiting.length > 0) ctx.defer((out) => waiting.forEach((ip) => learn(s, out, ip, ipv4ToNumber(ip), ev.host.mac, ev.host.dpid, ev.host.port)));
      });
      ctx.log.info({ interfaces: rib.interfaces().map((i) => [i.address, ...i.ipv6.map((a) => a.address), i.mac].join(' ')), routes: rib.allRoutes().map((r) => `${r.prefix} via ${r.nextHop}`), table: opts.table }, 'routing');
    },

    switchUp(sw: SwitchView) {
      if (sw.nTables <= opts.table) s.ctx.log.error({ dpid: sw.dpid, nTables: sw.nTables, table: opts.table }, 'switch has too few tables for the routing table');
      // The base flows and route guards come from desiredFlows (reconciliation, docs/STATE.md).
      s.nbrs.retryAll(s.ctx.now());
      return [ASYNC];
    },

    desiredFlows() {
      return desired(s);
    },

    adoptFlow(_sw, flow) {
      // Resolved hosts, routes' forwarding flows and transit flows are learned and idle out on
      // their own; invalidation finds them by cookie kind and match, so they can stay.
      const kind = Number(flow.cookie & 0xffff_ffff_ffffn);
      return kind === KIND.host || kind === KIND.route || kind === KIND.transit;
    },

    packetIn(sw, ev) {
      const out = new Outbox();
      handlePacketIn(s, sw.dpid, ev, out);
      return out;
    },

    stateChanged(keys) {
      return syncFromState(s, keys);
    },

    tick(now) {
      const out = new Outbox();
      onTick(s, now, out);
      return out;
    },

    command(name, args) {
      return runCommand(s, name, args);
    },

    routes(r: AppRoutes) {
      mountRoutes(s, r);
    },

    stats() {
      return { ...s.counters, interfaces: s.rib.interfaces().length, routes: s.rib.allRoutes().length, neighbors: s.nbrs.size, resolving: s.nbrs.resolvingCount, held: s.nbrs.heldCount, heldDropped: s.nbrs.heldDropped };
    },

    counters: () => ({ ...s.counters }),
    routesTable: () => listRoutes(s),
    neighbors: () => listNeighbors(s),
  };
  return app;
};

const factory: AppFactory = createRoutingApp;
export default factory;
