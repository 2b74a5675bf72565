/** Meters of one switch: list, one, add, modify, delete (METER_MOD confirmed by a barrier). */
import type { FastifyInstance } from 'fastify';
import { OFPM_ALL, OFPM_MAX, OFPMC } from '../../../protocol/index.js';
import type { MeterMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { bandsFromFriendly, meterFlagsFromFriendly, meterToFriendly } from '../group-meter-json.js';
import { multipartStats } from '../multipart.js';
import { dpidAnd, DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import { parseUint } from '../values.js';
import { confirmedWrite } from '../write.js';

interface MeterBody {
  meterId?: number;
  flags?: unknown;
  bands: unknown[];
}

const ID_PARAMS = dpidAnd({ id: { type: 'string', description: 'meter id' } });

async function listMeters(conn: SwitchConnection, meterId = OFPM_ALL): Promise<Record<string, unknown>[]> {
  const [configs, stats] = await Promise.all([
    multipartStats(conn, { kind: 'meterConfig', meterId }, 'meterConfig'),
    multipartStats(conn, { kind: 'meter', meterId }, 'meter'),
  ]);
  const byId = new Map(stats.map((s) => [s.meterId, s]));
  return configs.sort((a, b) => a.meterId - b.meterId).map((c) => meterToFriendly(c, byId.get(c.meterId)));
}

function meterMod(command: number, meterId: number, body: MeterBody | undefined): MeterMod {
  return {
    type: 'meterMod',
    xid: 0,
    command,
    flags: body ? meterFlagsFromFriendly(body.flags, 'flags') : 0,
    meterId,
    bands: body ? bandsFromFriendly(body.bands, 'bands') : [],
  };
}

export async function metersPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const one = { 200: { $ref: 'MeterOut#' } };
  app.get<{ Params: { dpid: string } }>('/switches/:dpid/meters', {
    schema: { tags: ['meters'], summary: 'Meters with their bands and counters', params: DPID_PARAMS, response: responses({ 200: { type: 'array', items: { $ref: 'MeterOut#' } } }) },
    handler: async (req) => listMeters(lookupSwitch(deps, req.params.dpid)),
  });

  app.get<{ Params: { dpid: string; id: string } }>('/switches/:dpid/meters/:id', {
    schema: { tags: ['meters'], summary: 'One meter', params: ID_PARAMS, response: responses(one) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, OFPM_MAX, 'id');
      const m = (await listMeters(conn, id)).find((x) => x.meterId === id);
      if (!m) throw new HttpError(404, 'not_found', `switch ${conn.info.dpid} has no meter ${id}`);
      return m;
    },
  });

  app.post<{ Params: { dpid: string }; Body: MeterBody }>('/switches/:dpid/meters', {
    schema: { tags: ['meters'], summary: 'Add a meter (409 if it exists)', params: DPID_PARAMS, body: { $ref: 'Meter#' }, response: responses({ 201: { $ref: 'MeterOut#' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      if (req.body.meterId === undefined) throw new HttpError(400, 'bad_request', 'meterId: missing', 'meterId');
      const mm = meterMod(OFPMC.ADD, req.body.meterId, req.body);
      await confirmedWrite(conn, [mm], 'meter add');
      reply.code(201);
      return meterToFriendly(mm, undefined);
    },
  });

  app.put<{ Params: { dpid: string; id: string }; Body: MeterBody }>('/switches/:dpid/meters/:id', {
    schema: { tags: ['meters'], summary: 'Replace a meter\'s flags and bands', params: ID_PARAMS, body: { $ref: 'Meter#' }, response: responses(one) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, OFPM_MAX, 'id');
      if (req.body.meterId !== undefined && req.body.meterId !== id) throw new HttpError(400, 'bad_request', 'meterId: differs from the id in the path', 'meterId');
      const mm = meterMod(OFPMC.MODIFY, id, req.body);
      await confirmedWrite(conn, [mm], 'meter modify');
      return meterToFriendly(mm, undefined);
    },
  });

  app.delete<{ Params: { dpid: string; id: string } }>('/switches/:dpid/meters/:id', {
    schema: { tags: ['meters'], summary: 'Delete a meter (and the flows that use it)', params: ID_PARAMS, response: responses({ 204: { type: 'null' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      await confirmedWrite(conn, [meterMod(OFPMC.DELETE, parseUint(req.params.id, OFPM_MAX, 'id'), undefined)], 'meter delete');
      reply.code(204);
    },
  });
}
