/** Friendly JSON of groups and meters (GROUP_MOD / METER_MOD bodies and their stats). */
import { OFPG_ANY, OFPGT, OFPMF, OFPP } from '../../protocol/index.js';
import type { Bucket, GroupDesc, GroupStats, MeterBand, MeterConfig, MeterStats } from '../../protocol/index.js';
import { actionsFromFriendly, actionToFriendly } from './actions-json.js';
import { bad } from './errors.js';
import { formatFlags, formatPort, parseFlags, parsePort, parseUint } from './values.js';

export const GROUP_TYPES: Readonly<Record<string, number>> = { all: OFPGT.ALL, select: OFPGT.SELECT, indirect: OFPGT.INDIRECT, ff: OFPGT.FF };
const GROUP_TYPE_NAMES = new Map(Object.entries(GROUP_TYPES).map(([k, v]) => [v, k]));

export function groupTypeFromName(v: unknown, field: string): number {
  const t = typeof v === 'string' ? GROUP_TYPES[v] : undefined;
  if (t === undefined) bad(field, `expected one of ${Object.keys(GROUP_TYPES).join(', ')}`);
  return t!;
}

export function bucketsFromFriendly(list: unknown, path: string): Bucket[] {
  if (!Array.isArray(list)) return bad(path, 'expected a list of buckets');
  return list.map((b, i) => {
    const p = `${path}[${i}]`;
    if (typeof b !== 'object' || b === null) bad(p, 'expected a bucket object');
    const o = b as Record<string, unknown>;
    return {
      weight: o.weight === undefined ? 0 : parseUint(o.weight, 0xffff, `${p}.weight`),
      watchPort: o.watchPort === undefined ? OFPP.ANY : parsePort(o.watchPort, `${p}.watchPort`),
      watchGroup: o.watchGroup === undefined ? OFPG_ANY : parseUint(o.watchGroup, 0xffffffff, `${p}.watchGroup`),
      actions: actionsFromFriendly(o.actions ?? [], `${p}.actions`),
    };
  });
}

export function bucketToFriendly(b: Bucket): Record<string, unknown> {
  return { weight: b.weight, watchPort: formatPort(b.watchPort), watchGroup: b.watchGroup, actions: b.actions.map(actionToFriendly) };
}

export function groupToFriendly(d: GroupDesc, s: GroupStats | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    groupId: d.groupId,
    type: GROUP_TYPE_NAMES.get(d.groupType) ?? d.groupType,
    buckets: d.buckets.map(bucketToFriendly),
  };
  if (s) {
    out.refCount = s.refCount;
    out.packetCount = Number(s.packetCount);
    out.byteCount = Number(s.byteCount);
    out.durationSec = s.durationSec;
    out.bucketStats = s.bucketStats.map((b) => ({ packetCount: Number(b.packetCount), byteCount: Number(b.byteCount) }));
  }
  return out;
}

export const METER_FLAGS: Readonly<Record<string, number>> = { kbps: OFPMF.KBPS, pktps: OFPMF.PKTPS, burst: OFPMF.BURST, stats: OFPMF.STATS };

export function bandsFromFriendly(list: unknown, path: string): MeterBand[] {
  if (!Array.isArray(list)) return bad(path, 'expected a list of bands');
  return list.map((b, i) => {
    const p = `${path}[${i}]`;
    if (typeof b !== 'object' || b === null) bad(p, 'expected a band object');
    const o = b as Record<string, unknown>;
    const rate = parseUint(o.rate, 0xffffffff, `${p}.rate`);
    const burstSize = o.burstSize === undefined ? 0 : parseUint(o.burstSize, 0xffffffff, `${p}.burstSize`);
    if (o.type === 'drop') return { type: 'drop', rate, burstSize };
    if (o.type === 'dscpRemark') return { type: 'dscpRemark', rate, burstSize, precLevel: parseUint(o.precLevel, 0xff, `${p}.precLevel`) };
    return bad(`${p}.type`, 'expected drop or dscpRemark');
  });
}

export function meterFlagsFromFriendly(v: unknown, field: string): number {
  return v === undefined ? OFPMF.KBPS : parseFlags(v, METER_FLAGS, 0xffff, field);
}

export function meterToFriendly(c: MeterConfig, s: MeterStats | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meterId: c.meterId,
    flags: formatFlags(c.flags, METER_FLAGS),
    bands: c.bands.map((b) =>
      b.type === 'drop' || b.type === 'dscpRemark'
        ? { ...b }
        : { type: b.type, rate: b.rate, burstSize: b.burstSize, data: Buffer.from(b.data).toString('hex') },
    ),
  };
  if (s) {
    out.flowCount = s.flowCount;
    out.packetInCount = Number(s.packetInCount);
    out.byteInCount = Number(s.byteInCount);
    out.durationSec = s.durationSec;
    out.bandStats = s.bandStats.map((b) => ({ packetCount: Number(b.packetBandCount), byteCount: Number(b.byteBandCount) }));
  }
  return out;
}

const anyList = { type: 'array', items: { type: 'object', additionalProperties: true } };

export const BUCKET_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    weight: { type: 'integer', minimum: 0, maximum: 65535 },
    watchPort: { type: ['integer', 'string'] },
    watchGroup: { type: 'integer' },
    actions: { type: 'array', items: { $ref: 'Action#' } },
  },
} as const;

export const GROUP_SCHEMA = {
  $id: 'Group',
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    groupId: { type: 'integer', minimum: 0, maximum: 0xffffff00, description: 'required on POST; taken from the path on PUT' },
    persistent: { type: 'boolean', description: 'keep it in the state store across restarts (default true; docs/STATE.md)' },
    type: { type: 'string', enum: Object.keys(GROUP_TYPES) },
    buckets: { type: 'array', items: BUCKET_SCHEMA },
  },
  examples: [{ groupId: 7, type: 'all', buckets: [{ actions: [{ type: 'output', port: 1 }] }, { actions: [{ type: 'output', port: 2 }] }] }],
} as const;

export const GROUP_OUT_SCHEMA = {
  $id: 'GroupOut',
  type: 'object',
  properties: {
    groupId: { type: 'integer' },
    type: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    buckets: anyList,
    refCount: { type: 'integer' },
    packetCount: { type: 'integer' },
    byteCount: { type: 'integer' },
    durationSec: { type: 'integer' },
    bucketStats: anyList,
  },
} as const;

export const METER_SCHEMA = {
  $id: 'Meter',
  type: 'object',
  required: ['bands'],
  additionalProperties: false,
  properties: {
    meterId: { type: 'integer', minimum: 1, maximum: 0xffff0000, description: 'required on POST; taken from the path on PUT' },
    persistent: { type: 'boolean', description: 'keep it in the state store across restarts (default true; docs/STATE.md)' },
    flags: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'string', enum: Object.keys(METER_FLAGS) } }], description: 'default ["kbps"]' },
    bands: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'rate'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['drop', 'dscpRemark'] },
          rate: { type: 'integer', minimum: 0 },
          burstSize: { type: 'integer', minimum: 0 },
          precLevel: { type: 'integer', minimum: 0, maximum: 255 },
        },
      },
    },
  },
  examples: [{ meterId: 3, flags: ['kbps', 'burst'], bands: [{ type: 'drop', rate: 10000, burstSize: 1000 }] }],
} as const;

export const METER_OUT_SCHEMA = {
  $id: 'MeterOut',
  type: 'object',
  properties: {
    meterId: { type: 'integer' },
    flags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    bands: anyList,
    flowCount: { type: 'integer' },
    packetInCount: { type: 'integer' },
    byteInCount: { type: 'integer' },
    durationSec: { type: 'integer' },
    bandStats: anyList,
  },
} as const;
