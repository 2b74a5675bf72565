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
import { multipartParts, multipartStats } from '../multipart.js';
import { ryuModRoute, ryuStatsRoute } from './ryu-common.js';
import type { RyuBody } from './ryu-common.js';
import { actionsFromRyu } from './ryu-actions.js';
import { groupDescToRyu, groupFeaturesToRyu, groupStatsToRyu, meterConfigToRyu, meterFeaturesToRyu, meterStatsToRyu } from './ryu-stats-json.js';
import { bad, GROUPS, METERS, ryuUint } from './ryu-values.js';

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

export async function ofctlGroupMeterPlugin(app: FastifyInstance, { deps }: { deps: RestDeps }): Promise<void> {
  const tags = ['ryu ofctl_rest'];

  ryuStatsRoute(app, deps, { url: '/stats/group/:dpid', emptyWhenRefused: true, optional: ['group_id'], summary: 'Group stats (group_id "ALL" or omitted: every group)', tags }, async (conn, { group_id: id }) => {
    const groupId = id === undefined ? OFPG_ALL : GROUPS.fromUser(id, 'group_id');
    return (await multipartStats(conn, { kind: 'group', groupId }, 'group')).map(groupStatsToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/groupdesc/:dpid', emptyWhenRefused: true, optional: ['group_id'], summary: 'Group descriptions, optionally one group', tags }, async (conn, { group_id: id }) => {
    const want = id === undefined ? undefined : GROUPS.fromUser(id, 'group_id');
    const descs = (await multipartStats(conn, { kind: 'groupDesc' }, 'groupDesc')).filter((d) => want === undefined || d.groupId === want);
    return descs.map(groupDescToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/groupfeatures/:dpid', summary: 'Group features', tags }, async (conn) =>
    (await multipartParts(conn, { kind: 'groupFeatures' }, 'groupFeatures')).map(groupFeaturesToRyu),
  );

  ryuStatsRoute(app, deps, { url: '/stats/meter/:dpid', emptyWhenRefused: true, optional: ['meter_id'], summary: 'Meter stats (meter_id "ALL" or omitted: every meter)', tags }, async (conn, { meter_id: id }) => {
    const meterId = id === undefined ? OFPM_ALL : METERS.fromUser(id, 'meter_id');
    return (await multipartStats(conn, { kind: 'meter', meterId }, 'meter')).map(meterStatsToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/meterconfig/:dpid', emptyWhenRefused: true, optional: ['meter_id'], summary: 'Meter configuration (meter_id "ALL" or omitted: every meter)', tags }, async (conn, { meter_id: id }) => {
    const meterId = id === undefined ? OFPM_ALL : METERS.fromUser(id, 'meter_id');
    return (await multipartStats(conn, { kind: 'meterConfig', meterId }, 'meterConfig')).map(meterConfigToRyu);
  });

  ryuStatsRoute(app, deps, { url: '/stats/meterfeatures/:dpid', summary: 'Meter features', tags }, async (conn) =>
    (await multipartParts(conn, { kind: 'meterFeatures' }, 'meterFeatures')).map(meterFeaturesToRyu),
  );

  ryuModRoute(
    app,
    deps,
    { url: '/stats/groupentry/:cmd', summary: 'Add, modify or delete a group (GROUP_MOD, confirmed by a barrier)', body: 'dpid (required), type, group_id, buckets: [{weight, watch_port, watch_group, actions}]', tags },
    'group',
    { add: OFPGC.ADD, modify: OFPGC.MODIFY, delete: OFPGC.DELETE },
    groupModFromRyu,
  );

  ryuModRoute(
    app,
    deps,
    { url: '/stats/meterentry/:cmd', summary: 'Add, modify or delete a meter (METER_MOD, confirmed by a barrier)', body: 'dpid (required), flags, meter_id, bands: [{type, rate, burst_size, prec_level}]', tags },
    'meter',
    { add: OFPMC.ADD, modify: OFPMC.MODIFY, delete: OFPMC.DELETE },
    meterModFromRyu,
  );
}
