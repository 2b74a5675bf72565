/**
 * Operator changes and views: interfaces and static routes (add, delete, list), neighbours and
 * stats, offered as commands (`command(name, args)`) and as REST routes under
 * /api/v1/apps/routing. Both go through the same functions; the Rib validates and throws
 * HttpErrors (400 naming the field, 404, 409) that REST sends as they are.
 */
import type { AppRoutes } from '../sdk/index.js';
import { HttpError, Outbox, saved } from '../sdk/index.js';
import { ifaceKey, routeKey } from './persist.js';
import { desired, flushRoutes } from './invalidate.js';
import type { StaticRoute6 } from './ipv6-rib.js';
import type { InterfaceSpec, RouteSpec } from './options.js';
import type { RouterInterface, StaticRoute } from './rib.js';
import type { RoutingState } from './state.js';
import { askNextHop } from './tick.js';
import { farewell } from './ipv6-ra.js';

export const interfaceView = (i: RouterInterface) => ({
  address: i.address,
  ip: i.ip,
  network: i.network,
  mac: i.mac,
  ...(i.ipv6.length > 0 ? { ipv6: i.ipv6.map((a) => a.address), linkLocal: i.linkLocal, ra: i.ra } : {}),
  ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
});

/** What is stored for an interface added at run time (persist.ts): its spec. */
const ifaceSpec = (i: RouterInterface): InterfaceSpec => ({
  address: i.address,
  mac: i.mac,
  ...(i.ipv6.length > 0 ? { ipv6: i.ipv6.map((a) => a.address), ra: { ...i.ra } } : {}),
  ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
});

export const routeView = (s: RoutingState, r: StaticRoute | StaticRoute6) => {
  const n = r.state === 'resolved' ? s.nbrs.get(r.nextHop) : undefined;
  return { prefix: r.prefix, nextHop: r.nextHop, type: 'static' as const, state: r.state, since: new Date(r.since).toISOString(), ...(n ? { mac: n.mac } : {}) };
};

/** The routing table: connected subnets and static routes, IPv4 then IPv6, longest prefix first. */
export function listRoutes(s: RoutingState) {
  const connected = s.rib.interfaces().flatMap((i) => [
    { prefix: i.network, type: 'connected' as const, interface: i.address, state: 'resolved' as const },
    ...i.ipv6.map((a) => ({ prefix: a.network, type: 'connected' as const, interface: a.address, state: 'resolved' as const })),
  ]);
  const statics = s.rib.allRoutes().map((r) => routeView(s, r));
  const len = (p: string) => Number(p.split('/')[1]);
  const v6 = (p: string) => (p.includes(':') ? 1 : 0);
  return [...connected, ...statics].sort((a, b) => v6(a.prefix) - v6(b.prefix) || len(b.prefix) - len(a.prefix));
}

/** Interfaces changed: every switch gets the new base flows; every own flow is replaced. */
function reinstall(s: RoutingState): Outbox {
  const out = new Outbox();
  const flows = desired(s);
  for (const sw of s.ctx.switches()) out.to(sw.dpid, s.ctx.deleteOwnFlows(), ...flows);
  return out;
}

/** Add an interface; resolves once it is saved in the state store. */
export function addInterface(s: RoutingState, spec: InterfaceSpec) {
  const iface = s.rib.addInterface(spec);
  s.ctx.log.info(interfaceView(iface), 'interface added');
  s.raSentAt.delete(iface.ip);
  s.ctx.emit(reinstall(s));
  return saved(interfaceView(iface), s.ctx.state.put(ifaceKey(iface.ip), ifaceSpec(iface)));
}

export function deleteInterface(s: RoutingState, address: string) {
  const bye = typeof address === 'string' ? farewell(s, address) : new Outbox();
  const iface = s.rib.removeInterface(address);
  s.ctx.log.info(interfaceView(iface), 'interface deleted');
  s.raSentAt.delete(iface.ip);
  s.ctx.emit(bye);
  s.ctx.emit(reinstall(s));
  return saved(interfaceView(iface), s.ctx.state.delete(ifaceKey(iface.ip)));
}

/** Add a static route; resolves once it is saved in the state store. */
export function addRoute(s: RoutingState, spec: RouteSpec) {
  const route = s.rib.addRoute(spec);
  const out = new Outbox();
  if (s.nbrs.get(route.nextHop)) s.rib.setState(route, 'resolved');
  else askNextHop(s, out, route, s.ctx.now());
  // The new route's guard on every switch (flows of a shorter prefix may be catching its traffic).
  flushRoutes(s, out);
  s.ctx.log.info({ prefix: route.prefix, nextHop: route.nextHop, state: route.state }, 'route added');
  s.ctx.emit(out);
  return saved(routeView(s, route), s.ctx.state.put(routeKey(route.prefix), { prefix: route.prefix, nextHop: route.nextHop }));
}

export function deleteRoute(s: RoutingState, prefix: string) {
  const route = s.rib.removeRoute(prefix);
  s.askedAt.delete(route.prefix);
  const out = new Outbox();
  flushRoutes(s, out);
  s.ctx.log.info({ prefix: route.prefix, nextHop: route.nextHop }, 'route deleted');
  s.ctx.emit(out);
  return saved(routeView(s, route), s.ctx.state.delete(routeKey(route.prefix)));
}

export function listNeighbors(s: RoutingState) {
  return s.nbrs
    .all()
    .map((n) => ({ ip: n.ip, mac: n.mac, dpid: n.dpid, port: n.port, lastSeen: new Date(n.seen).toISOString() }))
    .sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
}

const obj = (args: unknown, what: string): Record<string, unknown> => {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw HttpError.badRequest(`${what}: expected an object`);
  return args as Record<string, unknown>;
};
const str = (args: unknown, key: string): string => {
  const v = obj(args, 'args')[key];
  if (typeof v !== 'string') throw HttpError.badRequest(`${key}: required, a string`, key);
  return v;
};

export function runCommand(s: RoutingState, name: string, args: unknown): unknown {
  switch (name) {
    case 'interfaces':
      return s.rib.interfaces().map(interfaceView);
    case 'addInterface':
      return addInterface(s, obj(args, 'interface') as unknown as InterfaceSpec);
    case 'deleteInterface':
      return deleteInterface(s, str(args, 'address'));
    case 'routes':
      return listRoutes(s);
    case 'addRoute':
      return addRoute(s, obj(args, 'route') as unknown as RouteSpec);
    case 'deleteRoute':
      return deleteRoute(s, str(args, 'prefix'));
    case 'neighbors':
      return listNeighbors(s);
    case 'stats':
      return { ...s.counters, neighbors: s.nbrs.size, resolving: s.nbrs.resolvingCount, held: s.nbrs.heldCount };
    default:
      throw HttpError.badRequest(`unknown command ${name} (known: interfaces, addInterface, deleteInterface, routes, addRoute, deleteRoute, neighbors, stats)`);
  }
}

const IFACE_BODY = {
  type: 'object',
  required: ['address'],
  additionalProperties: false,
  properties: {
    address: { type: 'string', description: 'gateway address/prefix length, e.g. 10.0.1.1/24' },
    mac: { type: 'string', description: 'virtual MAC (default 0e:00 + address bytes)' },
    ipv6: { type: 'array', items: { type: 'string' }, description: 'IPv6 gateway addresses/prefix lengths, e.g. ["2001:db8:1::1/64"]' },
    mtu: { type: 'integer', description: 'IPv6 MTU (1280-65535): larger packets routed out of the interface get packet too big' },
    ra: {
      type: 'object',
      additionalProperties: false,
      description: 'router advertisements (SLAAC), on by default',
      properties: { enabled: { type: 'boolean' }, intervalSec: { type: 'integer' }, validLifetimeSec: { type: 'integer' }, preferredLifetimeSec: { type: 'integer' }, routerLifetimeSec: { type: 'integer' } },
    },
  },
};
const ROUTE_BODY = {
  type: 'object',
  required: ['prefix', 'nextHop'],
  additionalProperties: false,
  properties: { prefix: { type: 'string', description: 'destination prefix, host bits zero, e.g. 10.0.9.0/24, 0.0.0.0/0, 2001:db8:9::/48' }, nextHop: { type: 'string', description: 'address of the same family in a connected subnet or prefix' } },
};

export function mountRoutes(s: RoutingState, r: AppRoutes): void {
  r.get('/interfaces', () => s.rib.interfaces().map(interfaceView), { summary: 'Router interfaces (gateway address, subnet, virtual MAC)' });
  r.post('/interfaces', ({ body }) => addInterface(s, body as InterfaceSpec), { body: IFACE_BODY, status: 201, summary: 'Add a router interface' });
  r.delete('/interfaces/:ip', ({ params }) => deleteInterface(s, params.ip!), { summary: 'Delete the interface with this gateway address' });
  r.get('/routes', () => listRoutes(s), { summary: 'The routing table: connected subnets and static routes with their state' });
  r.post('/routes', ({ body }) => addRoute(s, body as RouteSpec), { body: ROUTE_BODY, status: 201, summary: 'Add a static route' });
  r.delete('/routes/:network/:len', ({ params }) => deleteRoute(s, `${params.network}/${params.len}`), { summary: 'Delete the static route for network/len' });
  r.get('/neighbors', () => listNeighbors(s), { summary: 'Resolved neighbours (IPv4 and IPv6 -> MAC, switch, port)' });
}

