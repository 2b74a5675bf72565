import { struct, u32, u64 } from '../../wire/struct.js';
import { OFPMP } from '../constants.js';
import { bodyCodec, decodeFixedArray, encodeFixedArray } from './body-codec.js';

/** ofp_queue_stats_request */
export const queueStatsRequestStruct = struct('ofp_queue_stats_request', 8, [
  ['portNo', u32],
  ['queueId', u32],
]);

/** ofp_queue_stats */
export const queueStatsStruct = struct('ofp_queue_stats', 40, [
  ['portNo', u32],
  ['queueId', u32],
  ['txBytes', u64],
  ['txPackets', u64],
  ['txErrors', u64],
  ['durationSec', u32],
  ['durationNsec', u32],
]);

/** OFPMP_QUEUE: (port, queue) asked, an array of ofp_queue_stats in the reply. */
export const queueStats = bodyCodec({
  mpType: OFPMP.QUEUE,
  kind: 'queue',
  decodeRequest: (r) => ({ kind: 'queue', ...queueStatsRequestStruct.decode(r) }),
  encodeRequest: (w, b) => queueStatsRequestStruct.encode(w, b),
  decodeReply: (r) => ({ kind: 'queue', stats: decodeFixedArray(r, queueStatsStruct) }),
  encodeReply: (w, b) => encodeFixedArray(w, queueStatsStruct, b.stats),
});
