import { pad, struct, u32, u64 } from '../../wire/struct.js';
import { OFPMP } from '../constants.js';
import { bodyCodec, decodeFixedArray, encodeFixedArray } from './body-codec.js';

/** ofp_port_stats_request */
export const portStatsRequestStruct = struct('ofp_port_stats_request', 8, [['portNo', u32], pad(4)]);

/** ofp_port_stats */
export const portStatsStruct = struct('ofp_port_stats', 112, [
  ['portNo', u32],
  pad(4),
  ['rxPackets', u64],
  ['txPackets', u64],
  ['rxBytes', u64],
  ['txBytes', u64],
  ['rxDropped', u64],
  ['txDropped', u64],
  ['rxErrors', u64],
  ['txErrors', u64],
  ['rxFrameErr', u64],
  ['rxOverErr', u64],
  ['rxCrcErr', u64],
  ['collisions', u64],
  ['durationSec', u32],
  ['durationNsec', u32],
]);

/** OFPMP_PORT_STATS: one port (or OFPP_ANY) asked, an array of ofp_port_stats in the reply. */
export const portStats = bodyCodec({
  mpType: OFPMP.PORT_STATS,
  kind: 'portStats',
  decodeRequest: (r) => ({ kind: 'portStats', ...portStatsRequestStruct.decode(r) }),
  encodeRequest: (w, b) => portStatsRequestStruct.encode(w, b),
  decodeReply: (r) => ({ kind: 'portStats', stats: decodeFixedArray(r, portStatsStruct) }),
  encodeReply: (w, b) => encodeFixedArray(w, portStatsStruct, b.stats),
});
