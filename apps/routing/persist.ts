/**
 * Interfaces and static routes added at run time are kept in ctx.state (interfaces/<gateway ip>,
 * routes/<prefix>) and restored at init, after the ones in the app options. Options stay
 * configuration: one deleted at run time comes back at the next start (docs/STATE.md).
 */
import type { AppContext } from '../sdk/index.js';
import type { InterfaceSpec, RouteSpec } from './options.js';
import type { Rib } from './rib.js';

export const ifaceKey = (ip: string): string => `interfaces/${ip}`;
export const routeKey = (prefix: string): string => `routes/${prefix}`;

/** Add the persisted interfaces and routes; one that conflicts with the options is skipped with a warning. */
export function restore(ctx: AppContext, rib: Rib): { interfaces: number; routes: number } {
  let interfaces = 0;
  let routes = 0;
  for (const [key, spec] of ctx.state.entries('interfaces/')) {
    const s = spec as InterfaceSpec;
    const same = rib.interfaces().find((i) => i.address === s.address);
    if (same && same.mac === s.mac) continue;
    try {
      rib.addInterface(s);
      interfaces++;
    } catch (err) {
      ctx.log.warn({ key, spec, err: (err as Error).message }, 'persisted interface skipped: it conflicts with the configuration');
    }
  }
  for (const [key, spec] of ctx.state.entries('routes/')) {
    const s = spec as RouteSpec;
    if (rib.routes().some((r) => r.prefix === s.prefix && r.nextHop === s.nextHop)) continue;
    try {
      rib.addRoute(s);
      routes++;
    } catch (err) {
      ctx.log.warn({ key, spec, err: (err as Error).message }, 'persisted route skipped: it conflicts with the configuration');
    }
  }
  return { interfaces, routes };
}
