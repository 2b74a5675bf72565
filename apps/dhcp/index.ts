/**
 * dhcp: a DHCP server (RFC 2131) in the controller for the subnets routing serves (a pool per
 * router interface) and for flat layer-2 subnets (a pool with its own server address). Client
 * messages come to the controller by a table-0 flow on every switch; answers leave by PACKET_OUT
 * out of the client's port. Rogue servers' replies are dropped at every switch, each port's DHCP
 * is rate-limited, pools added at run time and bound leases are kept in the state store.
 * Not in the default app list: see docs/DHCP.md.
 */
import type { App, AppContext, AppFactory, AppRoutes, SwitchView } from '../sdk/index.js';
import { HttpError, LruMap, Outbox } from '../sdk/index.js';
import { listLeases, listPools, mountRoutes, runCommand } from './admin.js';
import { baseFlows, KIND } from './flows.js';
import { LeaseTable } from './leases.js';
import { parseOptions } from './options.js';
import { forgetLease, restore } from './persist.js';
import { checkOverlap, parsePool } from './pools.js';
import { handlePacketIn } from './server.js';
import { zeroCounters } from './state.js';
import type { Bucket, DhcpCounters, DhcpState } from './state.js';

export type { DhcpOptions } from './options.js';
export type { DhcpCounters } from './state.js';

export interface DhcpApp extends App {
  readonly counters: () => DhcpCounters;
  readonly pools: () => ReturnType<typeof listPools>;
  readonly leases: () => ReturnType<typeof listLeases>;
}

export const createDhcpApp = (options: Readonly<Record<string, unknown>> = {}): DhcpApp => {
  let s!: DhcpState;

  const app: DhcpApp = {
    name: 'dhcp',

    init(ctx: AppContext) {
      const opts = parseOptions({ ...options, ...ctx.options });
      s = {
        ctx,
        opts,
        pools: [],
        leases: new LeaseTable(opts.maxLeases),
        buckets: new LruMap<string, Bucket>(opts.maxPorts),
        routing: ctx.app('routing'),
        topo: ctx.app('topology'),
        counters: zeroCounters(),
        env: { priority: opts.priority, cookie: (low) => ctx.cookie(low) },
      };
      opts.pools.forEach((body, i) => {
        try {
          const p = parsePool(body, (ip) => s.routing?.connected(ip));
          checkOverlap(s.pools, p);
          s.pools.push(p);
        } catch (err) {
          throw new RangeError(`dhcp option pools[${i}]: ${err instanceof HttpError ? err.message : String(err)}`);
        }
      });
      const restored = restore(s);
      if (restored.pools + restored.leases > 0) ctx.log.info(restored, 'dhcp pools and leases restored from the state store');
      ctx.log.info({ pools: s.pools.map((p) => `${p.id} via ${p.serverIp}`) }, 'dhcp');
    },

    desiredFlows() {
      return baseFlows(s.env, s.pools);
    },

    adoptFlow(_sw: SwitchView, flow) {
      // A port's block flow ends by its hard timeout.
      return (flow.cookie & 0xffff_ffff_ffffn) === BigInt(KIND.block);
    },

    packetIn(sw, ev) {
      const out = new Outbox();
      handlePacketIn(s, sw.dpid, ev, out);
      return out;
    },

    tick(now) {
      for (const l of s.leases.expire(now)) {
        if (l.state !== 'bound') continue;
        s.counters.expired++;
        forgetLease(s, l.ip);
        s.routing?.forgetAddress(l.ip);
      }
    },

    command(name, args) {
      return runCommand(s, name, args);
    },

    routes(r: AppRoutes) {
      mountRoutes(s, r);
    },

    stats() {
      return { ...s.counters, pools: s.pools.length, leases: s.leases.size, held: s.leases.heldCount() };
    },

    counters: () => ({ ...s.counters }),
    pools: () => listPools(s),
    leases: () => listLeases(s),
  };
  return app;
};

const factory: AppFactory = createDhcpApp;
export default factory;
