/**
 * l2-learning: MAC learning and forwarding. With the topology app loaded (before this one),
 * hosts are learned on edge ports only, a known destination gets flows along the whole
 * shortest path, and everything else is flooded on the loop-free flood tree. Without it, each
 * switch learns and floods on its own, like the classic learning switch. See docs/L2.md.
 */
import type { AppContext, AppFactory, Dpid, PacketInEvent, SwitchView } from '../sdk/index.js';
import { Outbox, toDpid } from '../sdk/index.js';
import type { FlowStats, PortStatus } from '../../protocol/index.js';
import { OFPPC, OFPPR, OFPPS } from '../../protocol/index.js';
import type { L2LearningApi, L2LearningProvider, MacRow } from './api.js';
import { adoptPathFlow } from './adopt.js';
import { handlePacketIn } from './forward.js';
import { invalidatePort, invalidateSwitch, onTopologyEvent } from './invalidate.js';
import { MacTables } from './mac-table.js';
import type { MacEntry } from './mac-table.js';
import { parseOptions } from './options.js';
import { RouteTracker } from './routes.js';
import { zeroCounters } from './state.js';
import type { L2State, L2Stats } from './state.js';

export type { L2Stats } from './state.js';
export type { L2Options } from './options.js';

/** Cookie low parts: which kind of flow (visible in dump-flows). */
export const PAIR_COOKIE = 1;
export const TRANSIT_COOKIE = 2;
/** Options that cannot change at run time (setOptions). */
const FIXED = ['table', 'priority', 'maxTrackedDestinations'] as const;
/** Expired MACs are purged at most this often (they are invisible to lookups anyway). */
const PURGE_INTERVAL_MS = 10_000;

export type { L2LearningApi, MacRow } from './api.js';

export interface L2LearningApp extends L2LearningProvider {
  /** Counters and sizes, for REST and metrics. */
  stats(): L2Stats;
}

export const createL2LearningApp = (options: Readonly<Record<string, unknown>> = {}): L2LearningApp => {
  let opts = parseOptions(options);
  // Shared with the MAC tables: setOptions changes the caps and TTL in place.
  const limits = { maxMacsPerSwitch: opts.maxMacsPerSwitch, maxMacsPerPort: opts.maxMacsPerPort, ttlMs: opts.macTtlMs };
  let s!: L2State;
  let lastPurge = -Infinity;

  const api: L2LearningApi = {
    get mode() {
      return s?.topo ? 'topology' : 'standalone';
    },

    macTable(dpid: Dpid) {
      const rows: MacRow[] = [];
      const table = s.macs.peek(toDpid(dpid));
      for (const [mac, e] of table?.entries() ?? ([] as [string, MacEntry][])) rows.push({ mac, port: e.port, firstSeen: e.firstSeen, lastSeen: e.lastSeen });
      return rows.sort((a, b) => a.mac.localeCompare(b.mac));
    },
  };

  const app: L2LearningApp = {
    name: 'l2-learning',
    receiveTableMiss: true,
    // Without the topology app each switch learns on its own; the topology app, which would
    // make paths span switches, is not switch-local, so it is never loaded into workers.
    switchLocal: true,

    init(ctx: AppContext) {
      const topo = ctx.app('topology');
      s = {
        ctx,
        opts,
        flows: {
          table: opts.table,
          priority: opts.priority,
          idleTimeoutSec: opts.idleTimeoutSec,
          pairCookie: ctx.cookie(PAIR_COOKIE),
          transitCookie: ctx.cookie(TRANSIT_COOKIE),
          cookieBase: ctx.cookieBase,
          cookieMask: ctx.cookieMask,
        },
        macs: new MacTables(limits, () => ctx.now()),
        routes: new RouteTracker(opts.maxTrackedDestinations),
        counters: zeroCounters(),
        topo,
      };
      // The listener runs inside the topology app's handlers: its deletes are deferred into
      // the batch of the event at hand, sharing its barrier with any adds (docs/L2.md).
      topo?.subscribe((ev) => onTopologyEvent(s, ev));
      ctx.log.info({ mode: topo ? 'topology' : 'standalone', ...opts }, topo ? 'forwarding on shortest paths' : 'no topology app: per-switch learning with OFPP_FLOOD (loops are unsafe)');
    },

    switchUp(sw: SwitchView) {
      // Paths the switch still holds are adopted (adoptFlow), not wiped: traffic on them keeps
      // flowing across a weft restart or a reconnect. MACs are learned again from packet-ins.
      s.macs.dropSwitch(sw.dpid);
      return undefined;
    },

    adoptFlow(sw: SwitchView, flow: FlowStats) {
      return adoptPathFlow(s, sw.dpid, flow);
    },

    switchDown(sw: SwitchView) {
      const out = new Outbox();
      invalidateSwitch(s, out, sw.dpid);
      return out;
    },

    portStatus(sw: SwitchView, msg: PortStatus) {
      // With topology, its port and link events (deferred already) say what changed.
      if (s.topo) return;
      const p = msg.desc;
      const down = msg.reason === OFPPR.DELETE || (p.config & OFPPC.PORT_DOWN) !== 0 || (p.state & OFPPS.LINK_DOWN) !== 0;
      if (!down) return;
      const out = new Outbox();
      invalidatePort(s, out, sw.dpid, p.portNo, true);
      return out;
    },

    packetIn(sw: SwitchView, ev: PacketInEvent) {
      const out = new Outbox();
      handlePacketIn(s, sw, ev, out);
      return out.size > 0 ? out : undefined;
    },

    tick(now: number) {
      if (now - lastPurge >= PURGE_INTERVAL_MS) {
        lastPurge = now;
        s.macs.purgeStale();
      }
    },

    setOptions(next) {
      const o = parseOptions(next);
      // Flows already installed and adopted are found by table and priority: those stay.
      for (const k of FIXED) if (o[k] !== opts[k]) throw new RangeError(`l2-learning option ${k}: cannot change while weft runs (installed flows use it); change it in the config and restart`);
      opts = o;
      s.opts = o;
      s.flows.idleTimeoutSec = o.idleTimeoutSec;
      Object.assign(limits, { maxMacsPerSwitch: o.maxMacsPerSwitch, maxMacsPerPort: o.maxMacsPerPort, ttlMs: o.macTtlMs });
      s.ctx.log.info({ ...o }, 'options changed');
    },

    command(name: string, args: unknown) {
      if (name === 'stats') return app.stats();
      if (name === 'macs') return api.macTable(String((args as { dpid?: unknown } | undefined)?.dpid));
      throw new Error(`l2-learning: unknown command ${name} (known: stats, macs)`);
    },

    stats(): L2Stats {
      return { ...s.counters, macs: s.macs.size, trackedDestinations: s.routes.size, trackingEvictions: s.routes.evicted };
    },

    api,
  };
  return app;
};

const factory: AppFactory = createL2LearningApp;
export default factory;
