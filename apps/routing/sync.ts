/**
 * Interfaces and static routes written through REST on another cluster instance (docs/CLUSTER.md,
 * "App configuration"): the store delivers the changed keys of ctx.state (App.stateChanged),
 * and the routing table is brought in line with them. Idempotent: the instance that made the
 * change sees its own keys come back and finds nothing to do. Interfaces and routes of the app
 * options are configuration and stay.
 */
import { Outbox } from '../sdk/index.js';
import { desired, flushRoutes } from './invalidate.js';
import type { InterfaceSpec, RouteSpec } from './options.js';
import type { RoutingState } from './state.js';
import { askNextHop } from './tick.js';

const IFACES = 'interfaces/';
const ROUTES = 'routes/';

export function syncFromState(s: RoutingState, keys: readonly string[]): Outbox | undefined {
  let ifaces = false;
  let routes = false;
  const out = new Outbox();
  for (const key of keys) {
    try {
      if (key.startsWith(IFACES)) ifaces = syncInterface(s, key.slice(IFACES.length), s.ctx.state.get(key) as InterfaceSpec | undefined) || ifaces;
      else if (key.startsWith(ROUTES)) routes = syncRoute(s, out, key.slice(ROUTES.length), s.ctx.state.get(key) as RouteSpec | undefined) || routes;
    } catch (err) {
      s.ctx.log.warn({ key, err: (err as Error).message }, 'routing configuration from the store not applied');
    }
  }
  if (!ifaces && !routes) return undefined;
  s.ctx.log.info({ interfaces: s.rib.interfaces().map((i) => i.address), routes: s.rib.allRoutes().map((r) => `${r.prefix} via ${r.nextHop}`) }, 'routing configuration changed in the store: applied');
  if (ifaces) {
    // As after a REST change here: every switch gets the new base flows, every own flow replaced.
    const flows = desired(s);
    for (const sw of s.ctx.switches()) out.to(sw.dpid, s.ctx.deleteOwnFlows(), ...flows);
  } else flushRoutes(s, out);
  return out;
}

const inOptions = (s: RoutingState, ip: string) => s.opts.interfaces.some((i) => i.address.split('/')[0] === ip);

function syncInterface(s: RoutingState, ip: string, spec: InterfaceSpec | undefined): boolean {
  const cur = s.rib.interfaces().find((i) => i.ip === ip);
  if (spec === undefined) {
    if (!cur || inOptions(s, ip)) return false;
    s.rib.removeInterface(cur.address);
    return true;
  }
  if (cur && cur.address === spec.address && (spec.mac === undefined || cur.mac === spec.mac.toLowerCase())) return false;
  if (cur) s.rib.removeInterface(cur.address);
  s.rib.addInterface(spec);
  return true;
}

function syncRoute(s: RoutingState, out: Outbox, prefix: string, spec: RouteSpec | undefined): boolean {
  const cur = s.rib.allRoutes().find((r) => r.prefix === prefix);
  if (spec === undefined) {
    if (!cur || s.opts.routes.some((r) => r.prefix === prefix)) return false;
    s.rib.removeRoute(prefix);
    s.askedAt.delete(prefix);
    return true;
  }
  if (cur && cur.nextHop === spec.nextHop) return false;
  if (cur) s.rib.removeRoute(prefix);
  const route = s.rib.addRoute(spec);
  if (s.nbrs.get(route.nextHop)) s.rib.setState(route, 'resolved');
  else askNextHop(s, out, route, s.ctx.now());
  return true;
}
