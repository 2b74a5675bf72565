import type { Reader } from '../../wire/reader.js';
import { pad, struct, u16, u32, u64, u8 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { OFPMP } from '../constants.js';
import { decodeInstructions, encodeInstructions } from '../instructions.js';
import { decodeMatch, encodeMatch } from '../match.js';
import type { FlowStats, FlowStatsRequestBody } from '../types.js';
import { bodyCodec, lengthPrefixedReply } from './body-codec.js';

/** ofp_flow_stats_request and ofp_aggregate_stats_request share this fixed part, then a match. */
export const flowStatsRequestStruct = struct('ofp_flow_stats_request', 32, [
  ['tableId', u8],
  pad(3),
  ['outPort', u32],
  ['outGroup', u32],
  pad(4),
  ['cookie', u64],
  ['cookieMask', u64],
]);

/**
 * ofp_flow_stats up to its match. The entry length (offset 0) is a pad here: the decoder reads
 * it before and the encoder patches it after, so the semantic object has no length field.
 */
export const flowStatsStruct = struct('ofp_flow_stats', 48, [
  pad(2), // length
  ['tableId', u8],
  pad(1),
  ['durationSec', u32],
  ['durationNsec', u32],
  ['priority', u16],
  ['idleTimeout', u16],
  ['hardTimeout', u16],
  ['flags', u16],
  pad(4),
  ['cookie', u64],
  ['packetCount', u64],
  ['byteCount', u64],
]);

/** ofp_aggregate_stats_reply */
export const aggregateReplyStruct = struct('ofp_aggregate_stats_reply', 24, [
  ['packetCount', u64],
  ['byteCount', u64],
  ['flowCount', u32],
  pad(4),
]);

/** Smallest flow stats entry: the fixed part and an empty 8-byte OXM match, no instructions. */
const FLOW_STATS_MIN = flowStatsStruct.size + 8;

function decodeFlowRequest(r: Reader): FlowStatsRequestBody {
  const body = flowStatsRequestStruct.decode(r) as FlowStatsRequestBody;
  body.match = decodeMatch(r);
  return body;
}

function encodeFlowRequest(w: Writer, b: FlowStatsRequestBody): void {
  flowStatsRequestStruct.encode(w, b);
  encodeMatch(w, b.match);
}

/** One entry, the reader's window narrowed to it: fixed part, match, instructions to the end. */
function decodeFlowStats(r: Reader): FlowStats {
  const fs = flowStatsStruct.decode(r) as FlowStats;
  fs.match = decodeMatch(r);
  fs.instructions = decodeInstructions(r);
  return fs;
}

function encodeFlowStats(w: Writer, fs: FlowStats): void {
  flowStatsStruct.encode(w, fs);
  encodeMatch(w, fs.match);
  encodeInstructions(w, fs.instructions);
}

/** OFPMP_FLOW: a flow filter asked, length-prefixed ofp_flow_stats entries in the reply. */
export const flowStats = bodyCodec({
  mpType: OFPMP.FLOW,
  kind: 'flow',
  decodeRequest: (r) => ({ kind: 'flow', ...decodeFlowRequest(r) }),
  encodeRequest: encodeFlowRequest,
  ...lengthPrefixedReply('flow', 'flow stats', FLOW_STATS_MIN, 0, decodeFlowStats, encodeFlowStats),
});

/** OFPMP_AGGREGATE: the same filter as OFPMP_FLOW, one set of totals in the reply. */
export const aggregateStats = bodyCodec({
  mpType: OFPMP.AGGREGATE,
  kind: 'aggregate',
  decodeRequest: (r) => ({ kind: 'aggregate', ...decodeFlowRequest(r) }),
  encodeRequest: encodeFlowRequest,
  decodeReply: (r) => ({ kind: 'aggregate', ...aggregateReplyStruct.decode(r) }),
  encodeReply: (w, b) => aggregateReplyStruct.encode(w, b),
});
