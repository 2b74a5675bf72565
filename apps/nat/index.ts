/**
 * nat: masquerade, static 1:1 NAT and port forwarding on top of the routing app, translated in
 * table 0 before routing's FIB so translated packets are routed like any others. Two backends
 * (option `backend`): `openflow`, portable OpenFlow 1.3 (the first packet of a connection comes
 * to the controller, which installs a flow pair with set-field and idle timeouts; ICMP echo is
 * translated by the controller, see echo.ts), and `conntrack`, Open vSwitch's ct()/nat()
 * (no per-connection packet-in). Not in the default app list: see docs/NAT.md.
 */
import type { App, AppContext, AppFactory, AppRoutes, SwitchView } from '../sdk/index.js';
import type { RoutingApi } from '../routing/api.js';
import { HttpError, Outbox } from '../sdk/index.js';
import { baseFlows, listSessions, mountRoutes, reinstall, runCommand } from './admin.js';
import { deleteSession } from './flows.js';
import type { FlowEnv } from './flows.js';
import { parseOptions } from './options.js';
import type { NatOptions } from './options.js';
import { parseRule, ruleView, checkConflicts } from './rules.js';
import { restoreRules, syncRules } from './persist.js';
import { SessionTable } from './sessions.js';
import { zeroCounters } from './state.js';
import type { NatCounters, NatState } from './state.js';
import { handlePacketIn } from './translate.js';
import { directionOf, sessionFromFlow, sessionIdOf } from './adopt.js';

export type { NatOptions } from './options.js';
export type { NatCounters } from './state.js';

export interface NatApp extends App {
  readonly counters: () => NatCounters;
  readonly rules: () => Record<string, unknown>[];
  readonly sessions: () => ReturnType<typeof listSessions>;
}

export const createNatApp = (options: Readonly<Record<string, unknown>> = {}): NatApp => {
  let s!: NatState;
  /** Ids of the rules from the app options (configuration: a store change never removes them). */
  const optionIds = new Set<string>();

  const app: NatApp = {
    name: 'nat',

    init(ctx: AppContext) {
      const opts: NatOptions = parseOptions({ ...options, ...ctx.options });
      const routing: RoutingApi | undefined = ctx.app('routing');
      if (!routing) throw new Error('nat needs the routing app, loaded before it (apps: table-miss, topology, l2-learning, routing, nat)');
      // The router's interfaces are read each time: they change over REST.
      const env: FlowEnv = {
        opts,
        cookie: (low) => ctx.cookie(low),
        gatewayMac: (ip) => routing.connected(ip)?.mac,
        get routerIps() {
          return routing.interfaces().map((i) => i.ip);
        },
      };
      s = {
        ctx,
        opts,
        rules: [],
        nextRuleId: 1,
        nextSeq: 1,
        env,
        counters: zeroCounters(),
        sessions: new SessionTable({
          max: opts.maxSessions,
          ttlMs: opts.sessionTtlMs,
          echoTtlMs: opts.echoTtlMs,
          portMin: opts.portMin,
          portMax: opts.portMax,
          now: () => ctx.now(),
          onExpire: (x) => {
            s.counters.expired++;
            // Expiry runs inside the table's calls (a purge, an add that evicts): deferred.
            if (x.proto !== 'icmp') ctx.defer(new Outbox().toEach(new Set([...x.outAt, ...x.inAt]), deleteSession(env, x.id)));
          },
        }),
      };
      opts.rules.forEach((body, i) => {
        try {
          const rule = parseRule(body, String(s.nextRuleId));
          checkConflicts(s.rules, rule);
          s.rules.push(rule);
          s.nextRuleId++;
        } catch (err) {
          throw new RangeError(`nat option rules[${i}]: ${err instanceof HttpError ? err.message : String(err)}`);
        }
      });
      for (const r of s.rules) optionIds.add(r.id);
      const restored = restoreRules(ctx, s);
      if (restored > 0) ctx.log.info({ rules: restored }, 'nat rules restored from the state store');
      ctx.log.info({ backend: opts.backend, rules: s.rules.map(ruleView) }, 'nat');
    },

    switchUp() {
      // The rule flows come from desiredFlows, sessions from adoptFlow (reconciliation).
      return undefined;
    },

    desiredFlows() {
      return baseFlows(s);
    },

    adoptFlow(sw: SwitchView, flow) {
      // Portable backend: a session flow names its whole session; keep the flow and the session.
      if (s.opts.backend !== 'openflow') return false;
      const found = sessionFromFlow(flow, sw.dpid, s.ctx.now());
      if (!found) return false;
      const ok = s.sessions.restore(found);
      if (ok) s.counters.sessionsRestored++;
      return ok;
    },

    switchDown(sw: SwitchView) {
      // Its session flows are gone with it (or are adopted again at reconnection); a session
      // with flows on no switch left is forgotten.
      for (const x of s.sessions.list()) {
        if (x.proto === 'icmp') continue;
        x.outAt.delete(sw.dpid);
        x.inAt.delete(sw.dpid);
        if (x.outAt.size === 0 && x.inAt.size === 0) s.sessions.remove(x.id);
      }
    },

    packetIn(sw, ev) {
      const out = new Outbox();
      handlePacketIn(s, sw.dpid, ev, out);
      return out;
    },

    flowRemoved(sw, msg) {
      const id = sessionIdOf(msg.cookie);
      const x = id === undefined ? undefined : s.sessions.get(id);
      if (!x) return;
      const at = directionOf(msg.match, x) === 'in' ? x.inAt : x.outAt;
      at.delete(sw.dpid);
      // A direction idle everywhere ends the session (as one flow pair's removal would on one
      // switch); the other direction's flows, wherever they are, go with it.
      if (at.size > 0) return;
      s.sessions.remove(x.id);
      s.counters.flowRemoved++;
      return new Outbox().toEach(new Set([...x.outAt, ...x.inAt, sw.dpid]), deleteSession(s.env, x.id));
    },

    stateChanged(keys) {
      if (!syncRules(s.ctx, s, keys, optionIds)) return undefined;
      s.ctx.log.info({ rules: s.rules.map(ruleView) }, 'nat rules changed in the store: applied');
      return reinstall(s);
    },

    tick() {
      s.sessions.purge();
    },

    command(name, args) {
      return runCommand(s, name, args);
    },

    routes(r: AppRoutes) {
      mountRoutes(s, r);
    },

    stats() {
      return { ...s.counters, active: s.sessions.size, rules: s.rules.length };
    },

    counters: () => ({ ...s.counters }),
    rules: () => s.rules.map(ruleView),
    sessions: () => listSessions(s),
  };
  return app;
};

const factory: AppFactory = createNatApp;
export default factory;
