/** The dhcp app's REST routes and commands: pools (list, add, delete) and leases (list, delete). */
import { flowDelete } from '../sdk/index.js';
import { HttpError, Outbox, saved } from '../sdk/index.js';
import type { AppRoutes } from '../sdk/index.js';
import { baseFlows, KIND } from './flows.js';
import { forgetLease, leaseKey, poolKey } from './persist.js';
import { checkOverlap, parsePool, poolView } from './pools.js';
import type { DhcpState } from './state.js';

const ALL_BITS = 0xffff_ffff_ffff_ffffn;

/** Replace the base flows on every switch (flat pools' ARP flows follow the pools). */
function reinstall(s: DhcpState): void {
  const out = new Outbox();
  const del = flowDelete({ cookie: s.env.cookie(KIND.base), cookieMask: ALL_BITS });
  for (const sw of s.ctx.switches()) out.to(sw.dpid, del, ...baseFlows(s.env, s.pools));
  s.ctx.emit(out);
}

export function listPools(s: DhcpState) {
  const now = s.ctx.now();
  const leases = s.leases.list();
  return s.pools.map((p) => {
    const mine = leases.filter((l) => l.pool === p.id && l.expiresAt > now);
    return { ...poolView(p), size: p.last - p.first + 1, bound: mine.filter((l) => l.state === 'bound').length, offered: mine.filter((l) => l.state === 'offered').length };
  });
}

export function listLeases(s: DhcpState) {
  const now = s.ctx.now();
  return s.leases.list().map((l) => ({ ...l, remainingSec: Math.max(0, Math.round((l.expiresAt - now) / 1000)) }));
}

export function addPool(s: DhcpState, body: unknown) {
  const p = parsePool(body, (ip) => s.routing?.connected(ip));
  checkOverlap(s.pools, p);
  s.pools.push(p);
  s.ctx.log.info(poolView(p), 'dhcp pool added');
  reinstall(s);
  return saved(poolView(p), s.ctx.state.put(poolKey(p.id), p.spec));
}

export async function deletePool(s: DhcpState, id: string) {
  const i = s.pools.findIndex((p) => p.id === id);
  if (i < 0) throw HttpError.notFound(`no pool ${id}`);
  const [p] = s.pools.splice(i, 1);
  for (const l of s.leases.dropPool(p!.id)) if (l.state === 'bound') forgetLease(s, l.ip);
  s.ctx.log.info({ id }, 'dhcp pool deleted');
  reinstall(s);
  return saved(poolView(p!), s.ctx.state.delete(poolKey(id)));
}

export function deleteLease(s: DhcpState, ip: string) {
  const l = s.leases.delete(ip);
  if (!l) throw HttpError.notFound(`no lease of ${ip}`);
  return saved(l, s.ctx.state.delete(leaseKey(ip)));
}

const POOL_BODY = {
  type: 'object',
  properties: {
    interface: { type: 'string' },
    subnet: { type: 'string' },
    serverIp: { type: 'string' },
    serverMac: { type: 'string' },
    range: { type: 'array', items: { type: 'string' } },
    leaseSec: { type: 'integer' },
    router: { type: 'string' },
    dns: { type: 'array', items: { type: 'string' } },
    domain: { type: 'string' },
    reservations: { type: 'array', items: { type: 'object', properties: { mac: { type: 'string' }, ip: { type: 'string' } }, required: ['mac', 'ip'], additionalProperties: false } },
    attach: { type: 'array', items: { type: 'object', properties: { dpid: { type: 'string' }, port: { type: 'integer' } }, required: ['dpid'], additionalProperties: false } },
  },
  additionalProperties: false,
} as const;

export function mountRoutes(s: DhcpState, r: AppRoutes): void {
  r.get('/pools', () => listPools(s), { summary: 'DHCP pools with their use' });
  r.post('/pools', ({ body }) => addPool(s, body), { body: POOL_BODY, status: 201, summary: 'Add a DHCP pool' });
  r.delete('/pools/:network/:len', ({ params }) => deletePool(s, `${params.network}/${params.len}`), { summary: 'Delete a DHCP pool and its leases' });
  r.get('/leases', () => listLeases(s), { summary: 'Leases and offers' });
  r.delete('/leases/:ip', ({ params }) => deleteLease(s, params.ip!), { summary: 'Forget a lease' });
}

export function runCommand(s: DhcpState, name: string, args: unknown): unknown {
  switch (name) {
    case 'pools':
      return listPools(s);
    case 'addPool':
      return addPool(s, args);
    case 'deletePool':
      return deletePool(s, String((args as { id?: unknown } | undefined)?.id ?? args));
    case 'leases':
      return listLeases(s);
    case 'deleteLease':
      return deleteLease(s, String((args as { ip?: unknown } | undefined)?.ip ?? args));
    default:
      throw HttpError.notFound(`unknown command ${name} (known: pools, addPool, deletePool, leases, deleteLease)`);
  }
}
