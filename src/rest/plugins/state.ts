/**
 * GET /state: the state store (backend, location, revision, what it holds); GET
 * /state/switches/:dpid: the flows, groups and meters persisted for a switch, connected or not.
 */
import type { FastifyInstance } from 'fastify';
import { switchPrefix } from '../../store/desired-flows.js';
import type { RestDeps } from '../deps.js';
import { requireDpid } from '../dpid.js';
import { HttpError } from '../errors.js';
import { DPID_PARAMS, responses } from '../schemas.js';

export async function statePlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const state = () => {
    if (!deps.state) throw new HttpError(404, 'not_found', 'no state store');
    return deps.state;
  };
  app.get('/state', {
    schema: {
      tags: ['state'],
      summary: 'The state store: backend and location, revision, persisted switches and keys',
      response: responses({ 200: { type: 'object', properties: { backend: { type: 'string' }, revision: { type: 'integer' }, keys: { type: 'integer' }, switches: { type: 'array', items: { type: 'string' } } } } }),
    },
    handler: async () => {
      const s = state();
      const all = await s.store.list('');
      return { backend: s.store.description, revision: all.revision, keys: all.items.length, switches: s.desired.dpids().sort() };
    },
  });
  app.get<{ Params: { dpid: string } }>('/state/switches/:dpid', {
    schema: {
      tags: ['state'],
      summary: 'Flows, groups and meters persisted for a switch (installed whenever it connects)',
      params: DPID_PARAMS,
      response: responses({ 200: { type: 'object', properties: { flows: { type: 'array', items: { $ref: 'FlowOut#' } }, groups: { type: 'array', items: { $ref: 'GroupOut#' } }, meters: { type: 'array', items: { $ref: 'MeterOut#' } } } } }),
    },
    handler: async (req) => {
      const s = state();
      const dpid = requireDpid(req.params.dpid);
      const values = (kind: 'flows' | 'groups' | 'meters') => s.desired.mirror.entries(switchPrefix(dpid, kind)).map(([, v]) => v);
      return { flows: values('flows'), groups: values('groups'), meters: values('meters') };
    },
  });
}
