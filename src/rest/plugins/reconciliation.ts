/**
 * GET /switches/:dpid/reconciliation: the switch's last reconciliation against desired state
 * and the flows it refused (docs/STATE.md); POST runs one now and answers with its result.
 */
import type { FastifyInstance } from 'fastify';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';

type DpidReq = { Params: { dpid: string } };

const int = { type: 'integer' } as const;
const RESULT = {
  type: ['object', 'null'],
  properties: {
    dpid: { type: 'string' },
    trigger: { type: 'string', enum: ['switchUp', 'audit', 'retry', 'request', 'mastership'] },
    at: { type: 'string', description: 'when the run started (ISO 8601)' },
    durationMs: { type: 'number' },
    flows: {
      type: 'object',
      properties: { onSwitch: int, desired: int, added: int, modified: int, deleted: int, kept: int, adopted: int, foreign: int, failed: int },
    },
    groups: { type: 'object', properties: { added: int, modified: int, kept: int, failed: int } },
    meters: { type: 'object', properties: { added: int, modified: int, kept: int, failed: int } },
    conflicts: int,
    error: { type: ['string', 'null'] },
  },
} as const;

const STATUS = {
  type: 'object',
  properties: {
    dpid: { type: 'string' },
    running: { type: 'boolean' },
    last: RESULT,
    failed: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          owner: { type: 'string' },
          flow: { type: 'string' },
          error: { type: 'string' },
          attempts: int,
          firstFailedAt: { type: 'string' },
          lastFailedAt: { type: 'string' },
          nextRetryAt: { type: ['string', 'null'], description: 'null: no more attempts (until the flow changes or the switch reconnects)' },
        },
      },
    },
  },
} as const;

const iso = (ms: number) => new Date(ms).toISOString();

export async function reconciliationPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const reconciler = () => {
    const r = deps.host.reconciler;
    if (!r) throw new HttpError(503, 'unavailable', 'reconciliation is not available in this process');
    return r;
  };
  const status = (dpid: string) => {
    const st = reconciler().status(dpid);
    if (!st) throw new HttpError(404, 'not_found', `switch ${dpid} is not connected`);
    return { ...st, failed: st.failed.map((f) => ({ ...f, firstFailedAt: iso(f.firstFailedAt), lastFailedAt: iso(f.lastFailedAt), nextRetryAt: f.nextRetryAt === null ? null : iso(f.nextRetryAt) })) };
  };

  app.get<DpidReq>('/switches/:dpid/reconciliation', {
    schema: {
      tags: ['switches'],
      summary: 'The last reconciliation of the switch (added, modified, deleted, kept, failed) and the flows it refused',
      params: DPID_PARAMS,
      response: responses({ 200: STATUS }),
    },
    handler: async (req) => status(lookupSwitch(deps, req.params.dpid).info.dpid),
  });

  app.post<DpidReq>('/switches/:dpid/reconciliation', {
    schema: {
      tags: ['switches'],
      summary: 'Reconcile the switch now (read it, send the difference); answers when the run ends',
      params: DPID_PARAMS,
      response: responses({ 200: STATUS }),
    },
    handler: async (req) => {
      const dpid = lookupSwitch(deps, req.params.dpid).info.dpid;
      await reconciler().reconcile(dpid, 'request');
      return status(dpid);
    },
  });
}
