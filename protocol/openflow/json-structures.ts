import { errorCodeByName, OFPBAC, OFPBMC, OFPET } from './error-codes.js';
import { ipv4, ipv6, mac, oxmCodec } from './json-oxm.js';
import { MATCH_ERRORS, SET_FIELD_ERRORS } from './oxm.js';
import { arr, bool, bytes, type Codec, obj, opt, str, tuple, u16, u32, u64, u8, uint, union, withErr } from './json-schema.js';
import type {
  Action,
  AsyncMaskPair,
  Bucket,
  HelloElement,
  Instruction,
  Match,
  MeterBand,
  PacketQueue,
  Port,
  QueueProperty,
  TableFeatureProp,
  TableFeatures,
} from './types.js';

/** JSON schemas of the structures messages share: match, actions, instructions, ports... */

function code(errType: number, name: string): number {
  const c = errorCodeByName(errType, name);
  if (c === undefined) throw new Error(`no error code ${name} for type ${errType}`);
  return c;
}

// A match that is not even a list reads as an unsupported match type.
export const match: Codec<Match> = withErr(arr(oxmCodec(MATCH_ERRORS)), OFPET.BAD_MATCH, OFPBMC.BAD_TYPE);

/** The action list schema, looked up when used: ct() nests an action list inside an action. */
const lazyActions: Codec<Action[]> = {
  to: (v) => actions.to(v),
  from: (j, path, ctx) => actions.from(j, path, ctx),
};

export const action: Codec<Action> = withErr(
  union(
    'type',
    {
      output: { port: u32, maxLen: u16 },
      copyTtlOut: {},
      copyTtlIn: {},
      setMplsTtl: { mplsTtl: u8 },
      decMplsTtl: {},
      pushVlan: { ethertype: u16 },
      popVlan: {},
      pushMpls: { ethertype: u16 },
      popMpls: { ethertype: u16 },
      setQueue: { queueId: u32 },
      group: { groupId: u32 },
      setNwTtl: { nwTtl: u8 },
      decNwTtl: {},
      setField: { field: oxmCodec(SET_FIELD_ERRORS) },
      pushPbb: { ethertype: u16 },
      popPbb: {},
      experimenter: { experimenter: u32, data: bytes },
      unknown: { actionType: u16, body: bytes },
      // Open vSwitch Nicira extensions (nicira/types.ts); ct's nested list is this same schema.
      nxCt: { flags: u16, zoneSrc: opt(u32), zone: u16, recircTable: u8, alg: u16, actions: lazyActions },
      nxNat: {
        flags: u16,
        ipv4Min: opt(ipv4),
        ipv4Max: opt(ipv4),
        ipv6Min: opt(ipv6),
        ipv6Max: opt(ipv6),
        protoMin: opt(u16),
        protoMax: opt(u16),
      },
      nxResubmit: { inPort: u16, table: u8 },
      nxCtClear: {},
    },
    { tagErr: { errType: OFPET.BAD_ACTION, code: OFPBAC.BAD_TYPE } },
  ),
  OFPET.BAD_ACTION,
  OFPBAC.BAD_ARGUMENT,
);

export const actions: Codec<Action[]> = arr(action);

const BIC = (name: string) => code(OFPET.BAD_INSTRUCTION, name);

export const instruction: Codec<Instruction> = withErr(
  union(
    'type',
    {
      gotoTable: { tableId: withErr(u8, OFPET.BAD_INSTRUCTION, BIC('BAD_TABLE_ID')) },
      writeMetadata: {
        metadata: withErr(u64, OFPET.BAD_INSTRUCTION, BIC('UNSUP_METADATA')),
        metadataMask: withErr(u64, OFPET.BAD_INSTRUCTION, BIC('UNSUP_METADATA_MASK')),
      },
      writeActions: { actions },
      applyActions: { actions },
      clearActions: {},
      meter: { meterId: u32 },
      experimenter: { experimenter: u32, data: bytes },
      unknown: { instructionType: u16, body: bytes },
    },
    { tagErr: { errType: OFPET.BAD_INSTRUCTION, code: BIC('UNKNOWN_INST') } },
  ),
  OFPET.BAD_INSTRUCTION,
  BIC('UNSUP_INST'),
);

export const instructions: Codec<Instruction[]> = arr(instruction);

export const port: Codec<Port> = obj({
  portNo: u32,
  hwAddr: mac,
  name: str,
  config: u32,
  state: u32,
  curr: u32,
  advertised: u32,
  supported: u32,
  peer: u32,
  currSpeed: u32,
  maxSpeed: u32,
});

export const bucket: Codec<Bucket> = obj({ weight: u16, watchPort: u32, watchGroup: u32, actions });

const rateBurst = { rate: u32, burstSize: u32 };
export const meterBand: Codec<MeterBand> = union('type', {
  drop: rateBurst,
  dscpRemark: { ...rateBurst, precLevel: u8 },
  experimenter: { ...rateBurst, experimenter: u32, data: bytes },
  unknown: { bandType: u16, ...rateBurst, data: bytes },
});

const queueProperty: Codec<QueueProperty> = union('type', {
  minRate: { rate: u16 },
  maxRate: { rate: u16 },
  experimenter: { experimenter: u32, data: bytes },
  unknown: { propType: u16, data: bytes },
});

export const packetQueue: Codec<PacketQueue> = obj({ queueId: u32, port: u32, properties: arr(queueProperty) });

export const helloElement: Codec<HelloElement> = union('type', {
  versionBitmap: { bitmaps: arr(u32) },
  unknown: { elemType: u16, data: bytes },
});

export const asyncMaskPair: Codec<AsyncMaskPair> = tuple(u32, u32);

// Table-features properties: several property types share one body shape.
const featureIds = { instructions: arr(obj({ type: u16, experimenter: opt(u32), data: opt(bytes) })) };
const tableIds = { tableIds: arr(u8) };
const actionIds = { actions: arr(obj({ type: u16, experimenter: opt(u32), data: opt(bytes) })) };
const oxmIds = {
  oxmIds: arr(obj({ oxmClass: u16, oxmField: uint(7), hasMask: bool, length: u8, experimenter: opt(u32) })),
};
const expProp = { experimenter: u32, expType: u32, data: bytes };

const tableFeatureProp: Codec<TableFeatureProp> = union('type', {
  instructions: featureIds,
  instructionsMiss: featureIds,
  nextTables: tableIds,
  nextTablesMiss: tableIds,
  writeActions: actionIds,
  writeActionsMiss: actionIds,
  applyActions: actionIds,
  applyActionsMiss: actionIds,
  match: oxmIds,
  wildcards: oxmIds,
  writeSetfield: oxmIds,
  writeSetfieldMiss: oxmIds,
  applySetfield: oxmIds,
  applySetfieldMiss: oxmIds,
  experimenter: expProp,
  experimenterMiss: expProp,
  unknown: { propType: u16, data: bytes },
});

export const tableFeatures: Codec<TableFeatures> = obj({
  tableId: u8,
  name: str,
  metadataMatch: u64,
  metadataWrite: u64,
  config: u32,
  maxEntries: u32,
  properties: arr(tableFeatureProp),
});
