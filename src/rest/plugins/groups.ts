/** Groups of one switch: list, one, add, modify, delete (GROUP_MOD confirmed by a barrier). */
import type { FastifyInstance } from 'fastify';
import { OFPG_ALL, OFPG_MAX, OFPGC } from '../../../protocol/index.js';
import type { GroupMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { bucketsFromFriendly, groupToFriendly, groupTypeFromName } from '../group-meter-json.js';
import { multipartStats } from '../multipart.js';
import { DPID_PARAMS, responses } from '../schemas.js';
import { lookupSwitch } from '../switch-lookup.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import { confirmedWrite } from '../write.js';
import { persistGroup } from '../persist.js';
import { modRoutes } from './mod-routes.js';

interface GroupBody {
  groupId?: number;
  type: string;
  buckets?: unknown[];
}

async function listGroups(conn: SwitchConnection): Promise<Record<string, unknown>[]> {
  const [descs, stats] = await Promise.all([
    multipartStats(conn, { kind: 'groupDesc' }, 'groupDesc'),
    multipartStats(conn, { kind: 'group', groupId: OFPG_ALL }, 'group'),
  ]);
  const byId = new Map(stats.map((s) => [s.groupId, s]));
  return descs.sort((a, b) => a.groupId - b.groupId).map((d) => groupToFriendly(d, byId.get(d.groupId)));
}

export function groupMod(command: number, groupId: number, body: GroupBody | undefined): GroupMod {
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
  modRoutes(app, deps, {
    name: 'group',
    plural: 'groups',
    idField: 'groupId',
    maxId: OFPG_MAX,
    schema: 'Group',
    summaries: { list: 'Groups with their buckets and counters', replace: 'Replace a group\'s type and buckets' },
    commands: { add: OFPGC.ADD, modify: OFPGC.MODIFY, delete: OFPGC.DELETE },
    list: listGroups,
    mod: groupMod,
    written: (gm) => groupToFriendly(gm, undefined),
    persist: (dpid, gm, persistent) => persistGroup(deps.state, dpid, gm, persistent),
  });

  app.delete<{ Params: { dpid: string } }>('/switches/:dpid/groups', {
    schema: { tags: ['groups'], summary: 'Delete every group', params: DPID_PARAMS, response: responses({ 204: { type: 'null' } }) },
    handler: async (req, reply) => {
      const conn = lookupSwitch(deps, req.params.dpid);
      const gm = groupMod(OFPGC.DELETE, OFPG_ALL, undefined);
      await confirmedWrite(conn, [gm], 'group delete');
      await persistGroup(deps.state, conn.info.dpid, gm, true);
      reply.code(204);
    },
  });
}
