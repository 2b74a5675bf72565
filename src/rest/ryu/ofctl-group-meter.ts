/**
 * ofctl_rest's group and meter routes:
 *   GET /stats/group/<dpid>[/<group_id>], /stats/groupdesc/<dpid>[/<group_id>], /stats/groupfeatures/<dpid>,
 *   GET /stats/meter/<dpid>[/<meter_id>], /stats/meterconfig/<dpid>[/<meter_id>], /stats/meterfeatures/<dpid>,
 *   POST /stats/groupentry/{add,modify,delete}, POST /stats/meterentry/{add,modify,delete}.
 */
import type { FastifyInstance } from 'fastify';
import { OFPG_ALL, OFPG_ANY, OFPGC, OFPGT, OFPM_ALL, OFPMC, OFPMF, OFPP } from '../../../protocol/index.js';
import type { GroupMod, MeterBand, MeterMod } from '../../../protocol/index.js';
import type { RestDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { multipartStats } from '../multipart.js';
import { allOr, byDpid, params, RYU_BODY, RYU_STATS, RYU_WRITE, ryuSwitch, ryuWrite, sendRyu } from './ryu-common.js';
import type { RyuBody } from './ryu-common.js';
import { actionsFromRyu } from './ryu-actions.js';
import { groupDescToRyu, groupFeaturesToRyu, groupStatsToRyu, meterConfigToRyu, meterFeaturesToRyu, meterStatsToRyu } from './ryu-stats-json.js';
import { bad, GROUPS, METERS, ryuUint } from './ryu-values.js';

type P = Record<string, string | undefined>;
const COMMANDS: Readonly<Record<string, number>> = { add: 0, modify: 1, delete: 2 };

/** ofctl_v1_3.mod_group_entry: type (default "ALL"), group_id (default 0), buckets. */
export function groupModFromRyu(b: RyuBody, command: number): GroupMod {
  const typeName = b.type ?? 'ALL';
  const groupType = typeof typeName === 'string' ? OFPGT[typeName as keyof typeof OFPGT] : undefined;
  if (groupType === undefined) bad('type', `expected one of ${Object.keys(OFPGT).join(', ')}, got ${JSON.stringify(typeName)}`);
  const buckets = b.buckets ?? [];
  if (!Array.isArray(buckets)) bad('buckets', 'expected a list of buckets');
  return {
    type: 'groupMod',
    xid: 0,
    command,
    groupType: groupType!,
    groupId: b.group_id === undefined ? 0 : GROUPS.fromUser(b.group_id, 'group_id'),
    buckets: (buckets as unknown[]).map((x, i) => {
      const p = `buckets[${i}]`;
      if (typeof x !== 'object' || x === null) bad(p, 'expected a bucket object');
      const o = x as RyuBody;
      return {
        weight: o.weight === undefined ? 0 : ryuUint(o.weight, 0xffff, `${p}.weight`),
        watchPort: o.watch_port === undefined ? OFPP.ANY : ryuUint(o.watch_port, 0xffffffff, `${p}.watch_port`),
        watchGroup: o.watch_group === undefined ? OFPG_ANY : ryuUint(o.watch_group, 0xffffffff, `${p}.watch_group`),
        actions: actionsFromRyu(o.actions, `${p}.actions`),
      };
    }),
  };
}

/** ofctl_v1_3.mod_meter_entry: flags (a name or a list of names), meter_id, bands. */
export function meterModFromRyu(b: RyuBody, command: number): MeterMod {
  let flags = 0;
  const names = b.flags === undefined ? [] : Array.isArray(b.flags) ? b.flags : [b.flags];
  names.forEach((n, i) => {
    const bit = typeof n === 'string' ? OFPMF[n as keyof typeof OFPMF] : undefined;
    if (bit === undefined) bad(`flags[${i}]`, `expected one of ${Object.keys(OFPMF).join(', ')}, got ${JSON.stringify(n)}`);
    flags |= bit!;
  });
  const bands = b.bands ?? [];
  if (!Array.isArray(bands)) bad('bands', 'expected a list of bands');
  return {
    type: 'meterMod',
    xid: 0,
    command,
    flags,
    meterId: b.meter_id === undefined ? 0 : METERS.fromUser(b.meter_id, 'meter_id'),
    bands: (bands as unknown[]).map((x, i): MeterBand => {
      const p = `bands[${i}]`;
      if (typeof x !== 'object' || x === null) bad(p, 'expected a band object');
      const o = x as RyuBody;
      const rate = o.rate === undefined ? 0 : ryuUint(o.rate, 0xffffffff, `${p}.rate`);
      const burstSize = o.burst_size === undefined ? 0 : ryuUint(o.burst_size, 0xffffffff, `${p}.burst_size`);
      if (o.type === 'DROP') return { type: 'drop', rate, burstSize };
      if (o.type === 'DSCP_REMARK') return { type: 'dscpRemark', rate, burstSize, precLevel: o.prec_level === undefined ? 0 : ryuUint(o.prec_level, 0xff, `${p}.prec_level`) };
      if (o.type === 'EXPERIMENTER') return { type: 'experimenter', rate, burstSize, experimenter: o.experimenter === undefined ? 0 : ryuUint(o.experimenter, 0xffffffff, `${p}.experimenter`), data: new Uint8Array(0) };
      return bad(`${p}.type`, `expected DROP, DSCP_REMARK or EXPERIMENTER, got ${JSON.stringify(o.type)}`);
    }),
  };
}

const withOptional = (base: string, opt: string) => [[base, ['dpid']], [`${base}/:${opt}`, ['dpid', opt]]] as const;

export async function ofctlGroupMeterPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu ofctl_rest'];

  for (const [url, names] of withOptional('/stats/group/:dpid', 'group_id')) {
    app.get<{ Params: P }>(url, {
      schema: { tags, summary: 'Group stats (group_id "ALL" or omitted: every group)', params: params(...names), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const id = allOr(req.params.group_id);
        const groupId = id === undefined ? OFPG_ALL : GROUPS.fromUser(id, 'group_id');
        return sendRyu(reply, byDpid(conn, (await multipartStats(conn, { kind: 'group', groupId }, 'group')).map(groupStatsToRyu)));
      },
    });
  }

  for (const [url, names] of withOptional('/stats/groupdesc/:dpid', 'group_id')) {
    app.get<{ Params: P }>(url, {
      schema: { tags, summary: 'Group descriptions, optionally one group', params: params(...names), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const id = allOr(req.params.group_id);
        const want = id === undefined ? undefined : GROUPS.fromUser(id, 'group_id');
        const descs = (await multipartStats(conn, { kind: 'groupDesc' }, 'groupDesc')).filter((d) => want === undefined || d.groupId === want);
        return sendRyu(reply, byDpid(conn, descs.map(groupDescToRyu)));
      },
    });
  }

  app.get<{ Params: P }>('/stats/groupfeatures/:dpid', {
    schema: { tags, summary: 'Group features', params: params('dpid'), response: RYU_STATS },
    handler: async (req, reply) => {
      const conn = ryuSwitch(deps, req.params.dpid);
      const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'groupFeatures' } });
      return sendRyu(reply, byDpid(conn, parts.flatMap((p) => (p.kind === 'groupFeatures' ? [groupFeaturesToRyu(p)] : []))));
    },
  });

  for (const [url, names] of withOptional('/stats/meter/:dpid', 'meter_id')) {
    app.get<{ Params: P }>(url, {
      schema: { tags, summary: 'Meter stats (meter_id "ALL" or omitted: every meter)', params: params(...names), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const id = allOr(req.params.meter_id);
        const meterId = id === undefined ? OFPM_ALL : METERS.fromUser(id, 'meter_id');
        return sendRyu(reply, byDpid(conn, (await multipartStats(conn, { kind: 'meter', meterId }, 'meter')).map(meterStatsToRyu)));
      },
    });
  }

  for (const [url, names] of withOptional('/stats/meterconfig/:dpid', 'meter_id')) {
    app.get<{ Params: P }>(url, {
      schema: { tags, summary: 'Meter configuration (meter_id "ALL" or omitted: every meter)', params: params(...names), response: RYU_STATS },
      handler: async (req, reply) => {
        const conn = ryuSwitch(deps, req.params.dpid);
        const id = allOr(req.params.meter_id);
        const meterId = id === undefined ? OFPM_ALL : METERS.fromUser(id, 'meter_id');
        return sendRyu(reply, byDpid(conn, (await multipartStats(conn, { kind: 'meterConfig', meterId }, 'meterConfig')).map(meterConfigToRyu)));
      },
    });
  }

  app.get<{ Params: P }>('/stats/meterfeatures/:dpid', {
    schema: { tags, summary: 'Meter features', params: params('dpid'), response: RYU_STATS },
    handler: async (req, reply) => {
      const conn = ryuSwitch(deps, req.params.dpid);
      const parts = await conn.multipart({ type: 'multipartRequest', xid: 0, flags: 0, body: { kind: 'meterFeatures' } });
      return sendRyu(reply, byDpid(conn, parts.flatMap((p) => (p.kind === 'meterFeatures' ? [meterFeaturesToRyu(p)] : []))));
    },
  });

  app.post<{ Params: { cmd: string }; Body: RyuBody | undefined }>('/stats/groupentry/:cmd', {
    schema: { tags, summary: 'Add, modify or delete a group (GROUP_MOD, confirmed by a barrier)', params: params('cmd'), body: RYU_BODY('dpid (required), type, group_id, buckets: [{weight, watch_port, watch_group, actions}]'), response: RYU_WRITE },
    handler: async (req, reply) => {
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, b.dpid);
      const command = COMMANDS[req.params.cmd];
      if (command === undefined) throw new HttpError(404, 'not_found', `no such command: ${req.params.cmd} (add, modify, delete)`);
      return ryuWrite(reply, conn, [groupModFromRyu(b, [OFPGC.ADD, OFPGC.MODIFY, OFPGC.DELETE][command]!)], `group ${req.params.cmd}`);
    },
  });

  app.post<{ Params: { cmd: string }; Body: RyuBody | undefined }>('/stats/meterentry/:cmd', {
    schema: { tags, summary: 'Add, modify or delete a meter (METER_MOD, confirmed by a barrier)', params: params('cmd'), body: RYU_BODY('dpid (required), flags, meter_id, bands: [{type, rate, burst_size, prec_level}]'), response: RYU_WRITE },
    handler: async (req, reply) => {
      const b = req.body ?? {};
      const conn = ryuSwitch(deps, b.dpid);
      const command = COMMANDS[req.params.cmd];
      if (command === undefined) throw new HttpError(404, 'not_found', `no such command: ${req.params.cmd} (add, modify, delete)`);
      return ryuWrite(reply, conn, [meterModFromRyu(b, [OFPMC.ADD, OFPMC.MODIFY, OFPMC.DELETE][command]!)], `meter ${req.params.cmd}`);
    },
  });
}
