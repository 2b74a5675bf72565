import { OFPBRC, OFPET } from './error-codes.js';
import { arr, bytes, type Codec, type JsonValue, obj, opt, str, tuple, u16, u32, u64, u8, union } from './json-schema.js';
import { mac } from './json-oxm.js';
import * as s from './json-structures.js';
import type { Action, Instruction, Match, MultipartReplyBody, MultipartRequestBody, OfMessage } from './types.js';

/**
 * The JSON form of OpenFlow messages, for REST: bigint -> decimal string, Uint8Array ->
 * lowercase hex, everything else as in types.ts. fromJson checks every field and throws
 * OfCodecError naming the path of the first problem ("flowMod.match[2].value: expected a MAC
 * address"), with the OpenFlow error closest to it (BAD_MATCH inside a match, BAD_ACTION inside
 * an action, BAD_REQUEST/BAD_TYPE otherwise).
 */
export type { JsonValue } from './json-schema.js';

const flowStatsRequest = { tableId: u8, outPort: u32, outGroup: u32, cookie: u64, cookieMask: u64, match: s.match };
const experimenterBody = { experimenter: u32, expType: u32, data: bytes };
const meterId = { meterId: u32 };

const multipartRequestBody: Codec<MultipartRequestBody> = union(
  'kind',
  {
    desc: {},
    flow: flowStatsRequest,
    aggregate: flowStatsRequest,
    table: {},
    portStats: { portNo: u32 },
    queue: { portNo: u32, queueId: u32 },
    group: { groupId: u32 },
    groupDesc: {},
    groupFeatures: {},
    meter: meterId,
    meterConfig: meterId,
    meterFeatures: {},
    tableFeatures: { tables: arr(s.tableFeatures) },
    portDesc: {},
    experimenter: experimenterBody,
  },
  { tagErr: { errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_MULTIPART } },
);

const durations = { durationSec: u32, durationNsec: u32 };
const counts = { packetCount: u64, byteCount: u64 };

const flowStats = obj({
  tableId: u8,
  ...durations,
  priority: u16,
  idleTimeout: u16,
  hardTimeout: u16,
  flags: u16,
  cookie: u64,
  ...counts,
  match: s.match,
  instructions: s.instructions,
});

const portStats = obj({
  portNo: u32,
  rxPackets: u64,
  txPackets: u64,
  rxBytes: u64,
  txBytes: u64,
  rxDropped: u64,
  txDropped: u64,
  rxErrors: u64,
  txErrors: u64,
  rxFrameErr: u64,
  rxOverErr: u64,
  rxCrcErr: u64,
  collisions: u64,
  ...durations,
});

const groupStats = obj({ groupId: u32, refCount: u32, ...counts, ...durations, bucketStats: arr(obj(counts)) });

const meterStats = obj({
  meterId: u32,
  flowCount: u32,
  packetInCount: u64,
  byteInCount: u64,
  ...durations,
  bandStats: arr(obj({ packetBandCount: u64, byteBandCount: u64 })),
});

const quad = tuple(u32, u32, u32, u32);

const multipartReplyBody: Codec<MultipartReplyBody> = union(
  'kind',
  {
    desc: { mfrDesc: str, hwDesc: str, swDesc: str, serialNum: str, dpDesc: str },
    flow: { stats: arr(flowStats) },
    aggregate: { ...counts, flowCount: u32 },
    table: { stats: arr(obj({ tableId: u8, activeCount: u32, lookupCount: u64, matchedCount: u64 })) },
    portStats: { stats: arr(portStats) },
    queue: { stats: arr(obj({ portNo: u32, queueId: u32, txBytes: u64, txPackets: u64, txErrors: u64, ...durations })) },
    group: { stats: arr(groupStats) },
    groupDesc: { stats: arr(obj({ groupType: u8, groupId: u32, buckets: arr(s.bucket) })) },
    groupFeatures: { types: u32, capabilities: u32, maxGroups: quad, actions: quad },
    meter: { stats: arr(meterStats) },
    meterConfig: { stats: arr(obj({ flags: u16, meterId: u32, bands: arr(s.meterBand) })) },
    meterFeatures: { maxMeter: u32, bandTypes: u32, capabilities: u32, maxBands: u8, maxColor: u8 },
    tableFeatures: { tables: arr(s.tableFeatures) },
    portDesc: { ports: arr(s.port) },
    experimenter: experimenterBody,
  },
  { tagErr: { errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_MULTIPART } },
);

const switchConfig = { flags: u16, missSendLen: u16 };
const role = { role: u32, generationId: u64 };
const asyncConfig = { packetInMask: s.asyncMaskPair, portStatusMask: s.asyncMaskPair, flowRemovedMask: s.asyncMaskPair };

const message: Codec<OfMessage> = union(
  'type',
  {
    hello: { version: opt(u8), elements: arr(s.helloElement) },
    error: { errType: u16, code: u16, experimenter: opt(u32), data: bytes },
    echoRequest: { data: bytes },
    echoReply: { data: bytes },
    experimenter: experimenterBody,
    featuresRequest: {},
    featuresReply: { datapathId: u64, nBuffers: u32, nTables: u8, auxiliaryId: u8, capabilities: u32, reserved: u32 },
    getConfigRequest: {},
    getConfigReply: switchConfig,
    setConfig: switchConfig,
    packetIn: { bufferId: u32, totalLen: u16, reason: u8, tableId: u8, cookie: u64, match: s.match, data: bytes },
    flowRemoved: {
      cookie: u64,
      priority: u16,
      reason: u8,
      tableId: u8,
      ...durations,
      idleTimeout: u16,
      hardTimeout: u16,
      ...counts,
      match: s.match,
    },
    portStatus: { reason: u8, desc: s.port },
    packetOut: { bufferId: u32, inPort: u32, actions: s.actions, data: bytes },
    flowMod: {
      cookie: u64,
      cookieMask: u64,
      tableId: u8,
      command: u8,
      idleTimeout: u16,
      hardTimeout: u16,
      priority: u16,
      bufferId: u32,
      outPort: u32,
      outGroup: u32,
      flags: u16,
      match: s.match,
      instructions: s.instructions,
    },
    groupMod: { command: u16, groupType: u8, groupId: u32, buckets: arr(s.bucket) },
    portMod: { portNo: u32, hwAddr: mac, config: u32, mask: u32, advertise: u32 },
    tableMod: { tableId: u8, config: u32 },
    multipartRequest: { flags: u16, body: multipartRequestBody },
    multipartReply: { flags: u16, body: multipartReplyBody },
    barrierRequest: {},
    barrierReply: {},
    queueGetConfigRequest: { port: u32 },
    queueGetConfigReply: { port: u32, queues: arr(s.packetQueue) },
    roleRequest: role,
    roleReply: role,
    getAsyncRequest: {},
    getAsyncReply: asyncConfig,
    setAsync: asyncConfig,
    meterMod: { command: u16, flags: u16, meterId: u32, bands: arr(s.meterBand) },
  },
  { common: { xid: u32 }, rootByTag: true, tagErr: { errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_TYPE } },
);

const ROOT = { errType: OFPET.BAD_REQUEST, code: OFPBRC.BAD_TYPE };

export function toJson(msg: OfMessage): JsonValue {
  return message.to(msg);
}

/** Check and convert a JSON body (already parsed) into a message; throws OfCodecError. */
export function fromJson(json: unknown): OfMessage {
  return message.from(json, '', ROOT);
}

/** JSON text of a message; `space` as in JSON.stringify. */
export function jsonStringify(msg: OfMessage, space?: number | string): string {
  return JSON.stringify(toJson(msg), null, space);
}

export const matchToJson = (m: Match): JsonValue => s.match.to(m);
export const matchFromJson = (json: unknown, path = 'match'): Match => s.match.from(json, path, ROOT);
export const actionsToJson = (a: readonly Action[]): JsonValue => s.actions.to(a as Action[]);
export const actionsFromJson = (json: unknown, path = 'actions'): Action[] => s.actions.from(json, path, ROOT);
export const instructionsToJson = (i: readonly Instruction[]): JsonValue => s.instructions.to(i as Instruction[]);
export const instructionsFromJson = (json: unknown, path = 'instructions'): Instruction[] => s.instructions.from(json, path, ROOT);
