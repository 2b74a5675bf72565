import { pad, struct, u32, u64, u8 } from '../../wire/struct.js';
import { OFPMP } from '../constants.js';
import { bodyCodec, decodeFixedArray, emptyRequest, encodeFixedArray } from './body-codec.js';

/** ofp_table_stats */
export const tableStatsStruct = struct('ofp_table_stats', 24, [
  ['tableId', u8],
  pad(3),
  ['activeCount', u32],
  ['lookupCount', u64],
  ['matchedCount', u64],
]);

/** OFPMP_TABLE: empty request, an array of ofp_table_stats in the reply. */
export const tableStats = bodyCodec({
  mpType: OFPMP.TABLE,
  kind: 'table',
  ...emptyRequest('table'),
  decodeReply: (r) => ({ kind: 'table', stats: decodeFixedArray(r, tableStatsStruct) }),
  encodeReply: (w, b) => encodeFixedArray(w, tableStatsStruct, b.stats),
});
