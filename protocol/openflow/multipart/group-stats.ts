import type { Reader } from '../../wire/reader.js';
import { pad, struct, u32, u64, u8 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { decodeBuckets, encodeBuckets } from '../bucket.js';
import { OFPMP } from '../constants.js';
import type { GroupDesc, GroupFeatures, GroupStats } from '../types.js';
import { bodyCodec, decodeFixedArray, emptyRequest, encodeFixedArray, lengthPrefixedReply } from './body-codec.js';

/** ofp_group_stats_request */
export const groupStatsRequestStruct = struct('ofp_group_stats_request', 8, [['groupId', u32], pad(4)]);

/** ofp_group_stats up to its bucket counters; the length (offset 0) is read/patched separately. */
export const groupStatsStruct = struct('ofp_group_stats', 40, [
  pad(2), // length
  pad(2),
  ['groupId', u32],
  ['refCount', u32],
  pad(4),
  ['packetCount', u64],
  ['byteCount', u64],
  ['durationSec', u32],
  ['durationNsec', u32],
]);

/** ofp_bucket_counter */
export const bucketCounterStruct = struct('ofp_bucket_counter', 16, [
  ['packetCount', u64],
  ['byteCount', u64],
]);

/** ofp_group_desc up to its buckets; the length (offset 0) is read/patched separately. */
export const groupDescStruct = struct('ofp_group_desc', 8, [
  pad(2), // length
  ['groupType', u8],
  pad(1),
  ['groupId', u32],
]);

/** ofp_group_features (OFPGT_* indexed arrays of four). */
export const groupFeaturesStruct = struct('ofp_group_features', 40, [
  ['types', u32],
  ['capabilities', u32],
  ['maxGroups0', u32],
  ['maxGroups1', u32],
  ['maxGroups2', u32],
  ['maxGroups3', u32],
  ['actions0', u32],
  ['actions1', u32],
  ['actions2', u32],
  ['actions3', u32],
]);

function decodeGroupStats(r: Reader): GroupStats {
  const gs = groupStatsStruct.decode(r) as GroupStats;
  gs.bucketStats = decodeFixedArray(r, bucketCounterStruct);
  return gs;
}

function encodeGroupStats(w: Writer, gs: GroupStats): void {
  groupStatsStruct.encode(w, gs);
  encodeFixedArray(w, bucketCounterStruct, gs.bucketStats);
}

function decodeGroupDesc(r: Reader): GroupDesc {
  const gd = groupDescStruct.decode(r) as GroupDesc;
  gd.buckets = decodeBuckets(r);
  return gd;
}

function encodeGroupDesc(w: Writer, gd: GroupDesc): void {
  groupDescStruct.encode(w, gd);
  encodeBuckets(w, gd.buckets);
}

/** OFPMP_GROUP: one group (or OFPG_ALL) asked, length-prefixed ofp_group_stats in the reply. */
export const groupStats = bodyCodec({
  mpType: OFPMP.GROUP,
  kind: 'group',
  decodeRequest: (r) => ({ kind: 'group', ...groupStatsRequestStruct.decode(r) }),
  encodeRequest: (w, b) => groupStatsRequestStruct.encode(w, b),
  ...lengthPrefixedReply('group', 'group stats', groupStatsStruct.size, 0, decodeGroupStats, encodeGroupStats),
});

/** OFPMP_GROUP_DESC: empty request, length-prefixed ofp_group_desc in the reply. */
export const groupDesc = bodyCodec({
  mpType: OFPMP.GROUP_DESC,
  kind: 'groupDesc',
  ...emptyRequest('groupDesc'),
  ...lengthPrefixedReply('groupDesc', 'group desc', groupDescStruct.size, 0, decodeGroupDesc, encodeGroupDesc),
});

/** OFPMP_GROUP_FEATURES: empty request, one ofp_group_features in the reply. */
export const groupFeatures = bodyCodec({
  mpType: OFPMP.GROUP_FEATURES,
  kind: 'groupFeatures',
  ...emptyRequest('groupFeatures'),
  decodeReply: (r) => {
    const f = groupFeaturesStruct.decode(r);
    return {
      kind: 'groupFeatures',
      types: f.types,
      capabilities: f.capabilities,
      maxGroups: [f.maxGroups0, f.maxGroups1, f.maxGroups2, f.maxGroups3],
      actions: [f.actions0, f.actions1, f.actions2, f.actions3],
    };
  },
  encodeReply: (w, b: GroupFeatures) =>
    groupFeaturesStruct.encode(w, {
      types: b.types,
      capabilities: b.capabilities,
      maxGroups0: b.maxGroups[0],
      maxGroups1: b.maxGroups[1],
      maxGroups2: b.maxGroups[2],
      maxGroups3: b.maxGroups[3],
      actions0: b.actions[0],
      actions1: b.actions[1],
      actions2: b.actions[2],
      actions3: b.actions[3],
    }),
});
