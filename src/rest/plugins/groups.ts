/** Groups of one switch: list, one, add, modify, delete (GROUP_MOD confirmed by a barrier). */
import type { FastifyInstance } from 'fastify';
import { OFPG_ALL, OFPG_MAX, OFPGC } from '../../../protocol/index.js';
import type { GroupMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { bucketsFromFriendly, groupToFriendly, groupTypeFromName } from '../group-meter-json.js';
import { multipartStats } from '../multipart.js';
import { dpidAnd, DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import { parseUint } from '../values.js';
import { confirmedWrite } from '../write.js';

interface GroupBody {
  groupId?: number;
  type: string;
  buckets?: unknown[];
}

const ID_PARAMS = dpidAnd({ id: { type: 'string', description: 'group id' } });

async function listGroups(conn: SwitchConnection): Promise<Record<string, unknown>[]> {
  const [descs, stats] = await Promise.all([
    multipartStats(conn, { kind: 'groupDesc' }, 'groupDesc'),
    multipartStats(conn, { kind: 'group', groupId: OFPG_ALL }, 'group'),
  ]);
  const byId = new Map(stats.map((s) => [s.groupId, s]));
  return descs.sort((a, b) => a.groupId - b.groupId).map((d) => groupToFriendly(d, byId.get(d.groupId)));
}

function groupMod(command: number, groupId: number, body: GroupBody | undefined): GroupMod {
  return {
    type: 'groupMod',
    xid: 0,
    command,
    groupType: body ? groupTypeFromName(body.type, 'type') : 0,
    groupId,
    buckets: body ? bucketsFromFriendly(body.buckets ?? [], 'buckets') : [],
  };
}

export async function groupsPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const one = { 200: { $ref: 'GroupOut#' } };
  app.get<{ Params: { dpid: string } }>('/switches/:dpid/groups', {
    schema: { tags: ['groups'], summary: 'Groups with their buckets and counters', params: DPID_PARAMS, response: responses({ 200: { type: 'array', items: { $ref: 'GroupOut#' } } }) },
    handler: async (req) => listGroups(lookupSwitch(deps, req.params.dpid)),
  });

  app.get<{ Params: { dpid: string; id: string } }>('/switches/:dpid/groups/:id', {
    schema: { tags: ['groups'], summary: 'One group', params: ID_PARAMS, response: responses(one) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, OFPG_MAX, 'id');
      const g = (await listGroups(conn)).find((x) => x.groupId === id);
      if (!g) throw new HttpError(404, 'not_found', `switch ${conn.info.dpid} has no group ${id}`);
      return g;
    },
  });

  app.post<{ Params: { dpid: string }; Body: GroupBody }>('/switches/:dpid/groups', {
    schema: { tags: ['groups'], summary: 'Add a group (409 if it exists)', params: DPID_PARAMS, body: { $ref: 'Group#' }, response: responses({ 201: { $ref: 'GroupOut#' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      if (req.body.groupId === undefined) throw new HttpError(400, 'bad_request', 'groupId: missing', 'groupId');
      const gm = groupMod(OFPGC.ADD, req.body.groupId, req.body);
      await confirmedWrite(conn, [gm], 'group add');
      reply.code(201);
      return groupToFriendly(gm, undefined);
    },
  });

  app.put<{ Params: { dpid: string; id: string }; Body: GroupBody }>('/switches/:dpid/groups/:id', {
    schema: { tags: ['groups'], summary: 'Replace a group\'s type and buckets', params: ID_PARAMS, body: { $ref: 'Group#' }, response: responses(one) },
    handler: async (req) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const id = parseUint(req.params.id, OFPG_MAX, 'id');
      if (req.body.groupId !== undefined && req.body.groupId !== id) throw new HttpError(400, 'bad_request', 'groupId: differs from the id in the path', 'groupId');
      const gm = groupMod(OFPGC.MODIFY, id, req.body);
      await confirmedWrite(conn, [gm], 'group modify');
      return groupToFriendly(gm, undefined);
    },
  });

  app.delete<{ Params: { dpid: string; id: string } }>('/switches/:dpid/groups/:id', {
    schema: { tags: ['groups'], summary: 'Delete a group (and the flows that use it)', params: ID_PARAMS, response: responses({ 204: { type: 'null' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      await confirmedWrite(conn, [groupMod(OFPGC.DELETE, parseUint(req.params.id, OFPG_MAX, 'id'), undefined)], 'group delete');
      reply.code(204);
    },
  });

  app.delete<{ Params: { dpid: string } }>('/switches/:dpid/groups', {
    schema: { tags: ['groups'], summary: 'Delete every group', params: DPID_PARAMS, response: responses({ 204: { type: 'null' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      await confirmedWrite(conn, [groupMod(OFPGC.DELETE, OFPG_ALL, undefined)], 'group delete');
      reply.code(204);
    },
  });
}
