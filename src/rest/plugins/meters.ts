/** Meters of one switch: list, one, add, modify, delete (METER_MOD confirmed by a barrier). */
import type { FastifyInstance } from 'fastify';
import { OFPM_ALL, OFPM_MAX, OFPMC } from '../../../protocol/index.js';
import type { MeterMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { bandsFromFriendly, meterFlagsFromFriendly, meterToFriendly } from '../group-meter-json.js';
import { multipartStats } from '../multipart.js';
import type { SwitchConnection } from '../../openflow/switch-connection.js';
import { persistMeter } from '../persist.js';
import { modRoutes } from './mod-routes.js';

interface MeterBody {
  meterId?: number;
  flags?: unknown;
  bands: unknown[];
}

async function listMeters(conn: SwitchConnection, meterId = OFPM_ALL): Promise<Record<string, unknown>[]> {
  const [configs, stats] = await Promise.all([
    multipartStats(conn, { kind: 'meterConfig', meterId }, 'meterConfig'),
    multipartStats(conn, { kind: 'meter', meterId }, 'meter'),
  ]);
  const byId = new Map(stats.map((s) => [s.meterId, s]));
  return configs.sort((a, b) => a.meterId - b.meterId).map((c) => meterToFriendly(c, byId.get(c.meterId)));
}

export function meterMod(command: number, meterId: number, body: MeterBody | undefined): MeterMod {
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
  modRoutes(app, deps, {
    name: 'meter',
    plural: 'meters',
    idField: 'meterId',
    maxId: OFPM_MAX,
    schema: 'Meter',
    summaries: { list: 'Meters with their bands and counters', replace: 'Replace a meter\'s flags and bands' },
    commands: { add: OFPMC.ADD, modify: OFPMC.MODIFY, delete: OFPMC.DELETE },
    list: listMeters,
    mod: meterMod,
    written: (mm) => meterToFriendly(mm, undefined),
    persist: (dpid, mm, persistent) => persistMeter(deps.state, dpid, mm, persistent),
  });
}
