import type { Reader } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { OFPTFPT } from '../constants.js';
import { OfCodecError } from '../error.js';
import { OFPET } from '../error-codes.js';
import type { TableFeatureProp } from '../types.js';

/** ofp_table_features_failed_code values the codec raises (error-codes.ts has no OFPTFFC yet). */
export const OFPTFFC = { BAD_LEN: 3, BAD_ARGUMENT: 4 } as const;

type PropType = TableFeatureProp['type'];
type IdsProp = Extract<TableFeatureProp, { instructions: unknown }>;
type InstructionId = IdsProp['instructions'][number];
type OxmId = Extract<TableFeatureProp, { oxmIds: unknown }>['oxmIds'][number];

/** Property type number <-> name; 'unknown' keeps its number in the object. */
const PROP_NUMBERS: Record<Exclude<PropType, 'unknown'>, number> = {
  instructions: OFPTFPT.INSTRUCTIONS,
  instructionsMiss: OFPTFPT.INSTRUCTIONS_MISS,
  nextTables: OFPTFPT.NEXT_TABLES,
  nextTablesMiss: OFPTFPT.NEXT_TABLES_MISS,
  writeActions: OFPTFPT.WRITE_ACTIONS,
  writeActionsMiss: OFPTFPT.WRITE_ACTIONS_MISS,
  applyActions: OFPTFPT.APPLY_ACTIONS,
  applyActionsMiss: OFPTFPT.APPLY_ACTIONS_MISS,
  match: OFPTFPT.MATCH,
  wildcards: OFPTFPT.WILDCARDS,
  writeSetfield: OFPTFPT.WRITE_SETFIELD,
  writeSetfieldMiss: OFPTFPT.WRITE_SETFIELD_MISS,
  applySetfield: OFPTFPT.APPLY_SETFIELD,
  applySetfieldMiss: OFPTFPT.APPLY_SETFIELD_MISS,
  experimenter: OFPTFPT.EXPERIMENTER,
  experimenterMiss: OFPTFPT.EXPERIMENTER_MISS,
};
const PROP_NAMES = new Map<number, Exclude<PropType, 'unknown'>>(
  Object.entries(PROP_NUMBERS).map(([name, n]) => [n, name as Exclude<PropType, 'unknown'>]),
);

const EXPERIMENTER_ID = 0xffff; // OFPIT_EXPERIMENTER, OFPAT_EXPERIMENTER and OFPXMC_EXPERIMENTER alike

function badArgument(detail: string): never {
  throw new OfCodecError(OFPET.TABLE_FEATURES_FAILED, OFPTFFC.BAD_ARGUMENT, detail);
}

/**
 * Instruction or action ids: a 4-byte (type, len) header each, not padded; the experimenter type
 * carries its experimenter id next, and any further bytes are kept as data.
 */
function decodeTypeIds(r: Reader): InstructionId[] {
  const ids: InstructionId[] = [];
  while (r.remaining > 0) {
    const type = r.u16();
    const len = r.u16();
    if (len < 4) r.fail(`table feature id of type ${type} has length ${len} under 4`);
    const body = r.sub(len - 4);
    const id: InstructionId = { type };
    if (type === EXPERIMENTER_ID && body.remaining >= 4) id.experimenter = body.u32();
    if (body.remaining > 0) id.data = body.rest();
    ids.push(id);
  }
  return ids;
}

function encodeTypeIds(w: Writer, ids: readonly InstructionId[]): void {
  for (const id of ids) {
    if (id.experimenter !== undefined && id.type !== EXPERIMENTER_ID) {
      badArgument(`table feature id of type ${id.type} carries an experimenter id; only type 0xffff may`);
    }
    w.u16(id.type);
    w.u16(4 + (id.experimenter !== undefined ? 4 : 0) + (id.data?.length ?? 0));
    if (id.experimenter !== undefined) w.u32(id.experimenter);
    if (id.data) w.bytes(id.data);
  }
}

/** OXM ids: 32-bit OXM headers; an experimenter-class header is followed by its experimenter id. */
function decodeOxmIds(r: Reader): OxmId[] {
  const ids: OxmId[] = [];
  while (r.remaining > 0) {
    const h = r.u32();
    const id: OxmId = { oxmClass: h >>> 16, oxmField: (h >>> 9) & 0x7f, hasMask: (h & 0x100) !== 0, length: h & 0xff };
    if (id.oxmClass === EXPERIMENTER_ID) id.experimenter = r.u32();
    ids.push(id);
  }
  return ids;
}

function encodeOxmIds(w: Writer, ids: readonly OxmId[]): void {
  for (const id of ids) {
    const isExp = id.oxmClass === EXPERIMENTER_ID;
    if (isExp !== (id.experimenter !== undefined)) {
      badArgument(`OXM id of class ${id.oxmClass} ${isExp ? 'lacks' : 'carries'} an experimenter id`);
    }
    w.u32(((id.oxmClass & 0xffff) << 16) | ((id.oxmField & 0x7f) << 9) | (id.hasMask ? 0x100 : 0) | (id.length & 0xff));
    if (isExp) w.u32(id.experimenter!);
  }
}

function decodeProp(propType: number, body: Reader): TableFeatureProp {
  const type = PROP_NAMES.get(propType);
  switch (type) {
    case 'instructions':
    case 'instructionsMiss':
      return { type, instructions: decodeTypeIds(body) };
    case 'nextTables':
    case 'nextTablesMiss':
      return { type, tableIds: Array.from(body.rest()) };
    case 'writeActions':
    case 'writeActionsMiss':
    case 'applyActions':
    case 'applyActionsMiss':
      return { type, actions: decodeTypeIds(body) };
    case 'match':
    case 'wildcards':
    case 'writeSetfield':
    case 'writeSetfieldMiss':
    case 'applySetfield':
    case 'applySetfieldMiss':
      return { type, oxmIds: decodeOxmIds(body) };
    case 'experimenter':
    case 'experimenterMiss': {
      const experimenter = body.u32();
      const expType = body.u32();
      return { type, experimenter, expType, data: body.rest() };
    }
    default:
      return { type: 'unknown', propType, data: body.rest() };
  }
}

/**
 * Table feature properties filling the reader's window. Each is a (type, length) TLV whose
 * length excludes the padding to 8 that follows it; the padding must be there, and a length
 * under 4 (zero included) or past the window is OFPET_TABLE_FEATURES_FAILED/OFPTFFC_BAD_LEN.
 * The reader should carry that type/code so the ids inside fail the same way.
 */
export function decodeTableFeatureProps(r: Reader): TableFeatureProp[] {
  const props: TableFeatureProp[] = [];
  while (r.remaining > 0) {
    const start = r.pos;
    const propType = r.u16();
    const len = r.u16();
    const padded = (len + 7) & ~7;
    if (len < 4 || padded > r.end - start) {
      throw new OfCodecError(
        OFPET.TABLE_FEATURES_FAILED,
        OFPTFFC.BAD_LEN,
        `table feature property ${propType} at offset ${start}: length ${len} (padded ${padded}) is under 4 or past the ${r.end - start} bytes left`,
      );
    }
    props.push(decodeProp(propType, r.sub(len - 4, OFPET.TABLE_FEATURES_FAILED, OFPTFFC.BAD_LEN)));
    r.pos = start + padded;
  }
  return props;
}

export function encodeTableFeatureProps(w: Writer, props: readonly TableFeatureProp[]): void {
  for (const p of props) {
    const start = w.pos;
    const propType = p.type === 'unknown' ? p.propType : PROP_NUMBERS[p.type];
    // An 'unknown' property with a known number would come back as something else.
    if (propType === undefined || (p.type === 'unknown' && PROP_NAMES.has(propType))) {
      badArgument(`cannot encode table feature property ${JSON.stringify(p.type)} (${String(propType)})`);
    }
    w.u16(propType);
    w.u16(0);
    switch (p.type) {
      case 'instructions':
      case 'instructionsMiss':
        encodeTypeIds(w, p.instructions);
        break;
      case 'nextTables':
      case 'nextTablesMiss':
        w.bytes(Uint8Array.from(p.tableIds));
        break;
      case 'writeActions':
      case 'writeActionsMiss':
      case 'applyActions':
      case 'applyActionsMiss':
        encodeTypeIds(w, p.actions);
        break;
      case 'experimenter':
      case 'experimenterMiss':
        w.u32(p.experimenter);
        w.u32(p.expType);
        w.bytes(p.data);
        break;
      case 'unknown':
        w.bytes(p.data);
        break;
      default:
        encodeOxmIds(w, p.oxmIds);
    }
    w.patchU16(start + 2, w.pos - start);
    w.padTo(start, 8);
  }
}
