/**
 * What the dhcp app keeps in the durable state store (ctx.state, docs/STATE.md): pools added at
 * run time (pools/<network>/<len>) and bound leases (leases/<ip>: mac, pool, expiry, hostname),
 * so a restart neither forgets who holds an address nor offers it to someone else. Offers are
 * not kept: a client whose offer is lost asks again.
 */
import { HttpError } from '../sdk/index.js';
import type { AppContext } from '../sdk/index.js';
import type { Lease } from './leases.js';
import { checkOverlap, parsePool } from './pools.js';
import type { DhcpState } from './state.js';

export const poolKey = (id: string): string => `pools/${id}`;
export const leaseKey = (ip: string): string => `leases/${ip}`;

function logFailure(ctx: AppContext, what: string, p: Promise<void>): void {
  p.catch((err: unknown) => ctx.log.error({ err: (err as Error).message, what }, 'dhcp: state store write failed (the lease is live but not saved)'));
}

export function saveLease(s: DhcpState, l: Lease): void {
  logFailure(s.ctx, leaseKey(l.ip), s.ctx.state.put(leaseKey(l.ip), { ip: l.ip, mac: l.mac, pool: l.pool, expiresAt: l.expiresAt, ...(l.hostname ? { hostname: l.hostname } : {}) }));
}

export function forgetLease(s: DhcpState, ip: string): void {
  logFailure(s.ctx, leaseKey(ip), s.ctx.state.delete(leaseKey(ip)));
}

/** Pools, then leases of known pools that have not expired; others are dropped from the store. */
export function restore(s: DhcpState): { pools: number; leases: number } {
  let pools = 0;
  let leases = 0;
  for (const [key, spec] of s.ctx.state.entries('pools/')) {
    try {
      const p = parsePool(spec, (ip) => s.routing?.connected(ip));
      if (s.pools.some((q) => q.id === p.id && JSON.stringify(q.spec) === JSON.stringify(p.spec))) continue;
      checkOverlap(s.pools, p);
      s.pools.push(p);
      pools++;
    } catch (err) {
      s.ctx.log.warn({ key, spec, err: err instanceof HttpError ? err.message : String(err) }, 'persisted dhcp pool skipped: it conflicts with the configuration');
    }
  }
  const now = s.ctx.now();
  for (const [key, v] of s.ctx.state.entries('leases/')) {
    const l = v as Partial<Lease>;
    const ok = typeof l.ip === 'string' && typeof l.mac === 'string' && typeof l.pool === 'string' && typeof l.expiresAt === 'number' && l.expiresAt > now && s.pools.some((p) => p.id === l.pool);
    if (!ok) {
      logFailure(s.ctx, key, s.ctx.state.delete(key));
      continue;
    }
    s.leases.set({ ip: l.ip!, mac: l.mac!, pool: l.pool!, state: 'bound', expiresAt: l.expiresAt!, ...(l.hostname ? { hostname: l.hostname } : {}) });
    leases++;
  }
  return { pools, leases };
}
