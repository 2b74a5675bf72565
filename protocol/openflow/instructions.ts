import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u8, u32, u64 } from '../wire/struct.js';
import { checkBytes, checkUint, closeEntry, within } from '../wire/tlv.js';
import { decodeActions, encodeActions } from './actions.js';
import { OFPIT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBIC, OFPET } from './error-codes.js';
import type { Action, Instruction } from './types.js';

/** Bodies after the 4-byte type/len header of the fixed-size instructions. */
const gotoTableBody = struct('ofp_instruction_goto_table', 4, [['tableId', u8], pad(3)]);
const writeMetadataBody = struct('ofp_instruction_write_metadata', 20, [pad(4), ['metadata', u64], ['metadataMask', u64]]);
const meterBody = struct('ofp_instruction_meter', 4, [['meterId', u32]]);
/** ofp_instruction_actions and clear-actions: 4 bytes of padding before the action list. */
const ACTIONS_HEADER_LEN = 8;

const BAD_LEN = OFPBIC.BAD_LEN;
/** OFPBIC codes for values an app gets wrong; UNSUP_INST where the spec has nothing closer. */
const UNSUP_INST = 1;
const BAD_TABLE_ID = 2;
const UNSUP_METADATA = 3;
const UNSUP_METADATA_MASK = 4;
const BAD_EXPERIMENTER = 5;

function badLen(detail: string): never {
  throw new OfCodecError(OFPET.BAD_INSTRUCTION, BAD_LEN, detail);
}

function badArg(detail: string, code = UNSUP_INST): never {
  throw new OfCodecError(OFPET.BAD_INSTRUCTION, code, detail);
}

/** Decode one instruction at the reader's position (the reader's window bounds it). */
export function decodeInstruction(r: Reader): Instruction {
  const left = r.end - r.pos;
  if (left < 8) badLen(`instruction needs at least 8 bytes at offset ${r.pos}, ${left} left`);
  const start = r.pos;
  const type = r.dv.getUint16(start);
  const len = r.dv.getUint16(start + 2);
  if (len < 8 || len % 8 !== 0 || len > left) {
    badLen(`instruction type ${type} length ${len} is not a multiple of 8 between 8 and the ${left} bytes left`);
  }
  const end = start + len;
  r.pos = start + 4;
  let out: Instruction;
  switch (type) {
    case OFPIT.GOTO_TABLE:
      if (len !== 8) badLen(`goto_table length ${len}, expected 8`);
      out = { type: 'gotoTable', tableId: gotoTableBody.decode(r).tableId };
      break;
    case OFPIT.WRITE_METADATA: {
      if (len !== 24) badLen(`write_metadata length ${len}, expected 24`);
      const b = writeMetadataBody.decode(r);
      out = { type: 'writeMetadata', metadata: b.metadata, metadataMask: b.metadataMask };
      break;
    }
    case OFPIT.WRITE_ACTIONS:
    case OFPIT.APPLY_ACTIONS: {
      r.pos = start + ACTIONS_HEADER_LEN;
      // The action list fills the instruction exactly; action errors keep their BAD_ACTION type.
      const actions = within(r, end, decodeActions);
      out = { type: type === OFPIT.WRITE_ACTIONS ? 'writeActions' : 'applyActions', actions };
      break;
    }
    case OFPIT.CLEAR_ACTIONS:
      if (len !== 8) badLen(`clear_actions length ${len}, expected 8`);
      out = { type: 'clearActions' };
      break;
    case OFPIT.METER:
      if (len !== 8) badLen(`meter length ${len}, expected 8`);
      out = { type: 'meter', meterId: meterBody.decode(r).meterId };
      break;
    case OFPIT.EXPERIMENTER: {
      const experimenter = r.u32();
      out = { type: 'experimenter', experimenter, data: r.bytes(end - r.pos) };
      break;
    }
    default:
      out = { type: 'unknown', instructionType: type, body: r.bytes(end - r.pos) };
  }
  r.pos = end;
  return out;
}

/** Decode an instruction list filling the whole reader window. */
export function decodeInstructions(r: Reader): Instruction[] {
  const out: Instruction[] = [];
  while (r.pos < r.end) out.push(decodeInstruction(r));
  return out;
}

function checkU64(what: string, v: unknown, code: number): void {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) badArg(`${what} must be a bigint in 0..2^64-1`, code);
}

export function encodeInstruction(w: Writer, ins: Instruction): void {
  if (ins === null || typeof ins !== 'object') badArg(`instruction must be an object`);
  const start = w.pos;
  switch (ins.type) {
    case 'gotoTable':
      checkUint('goto_table table id', ins.tableId, 0xff, badArg, BAD_TABLE_ID);
      w.u16(OFPIT.GOTO_TABLE);
      w.u16(8);
      gotoTableBody.encode(w, ins);
      return;
    case 'writeMetadata':
      checkU64('write_metadata metadata', ins.metadata, UNSUP_METADATA);
      checkU64('write_metadata mask', ins.metadataMask, UNSUP_METADATA_MASK);
      w.u16(OFPIT.WRITE_METADATA);
      w.u16(24);
      writeMetadataBody.encode(w, ins);
      return;
    case 'writeActions':
    case 'applyActions': {
      // type, len (patched below) and 4 bytes of padding in two stores.
      w.ensure(ACTIONS_HEADER_LEN);
      w.dv.setUint32(start, (ins.type === 'writeActions' ? OFPIT.WRITE_ACTIONS : OFPIT.APPLY_ACTIONS) << 16);
      w.dv.setUint32(start + 4, 0);
      w.pos = start + ACTIONS_HEADER_LEN;
      encodeActions(w, ins.actions);
      // Actions are multiples of 8, so no padding is due; only the length.
      closeEntry(w, start, 2, 1, ins.type === 'writeActions' ? 'writeActions instruction' : 'applyActions instruction', badLen);
      return;
    }
    case 'clearActions':
      w.u16(OFPIT.CLEAR_ACTIONS);
      w.u16(8);
      w.zeros(4);
      return;
    case 'meter':
      checkUint('meter id', ins.meterId, 0xffffffff, badArg);
      w.u16(OFPIT.METER);
      w.u16(8);
      meterBody.encode(w, ins);
      return;
    case 'experimenter':
      checkUint('experimenter id', ins.experimenter, 0xffffffff, badArg, BAD_EXPERIMENTER);
      w.u16(OFPIT.EXPERIMENTER);
      w.u16(0);
      w.u32(ins.experimenter);
      w.bytes(checkBytes('experimenter instruction data', ins.data, badArg));
      closeEntry(w, start, 2, 8, 'experimenter instruction', badLen);
      return;
    case 'unknown':
      checkUint('instruction type', ins.instructionType, 0xffff, badArg, OFPBIC.UNKNOWN_INST);
      w.u16(ins.instructionType);
      w.u16(0);
      w.bytes(checkBytes('unknown instruction body', ins.body, badArg));
      closeEntry(w, start, 2, 8, 'unknown instruction', badLen);
      return;
    default:
      throw new OfCodecError(
        OFPET.BAD_INSTRUCTION,
        OFPBIC.UNKNOWN_INST,
        `unknown instruction type ${JSON.stringify((ins as { type: unknown }).type)}`,
      );
  }
}

/** Encode an instruction list (each instruction padded to 8 bytes). */
export function encodeInstructions(w: Writer, instructions: readonly Instruction[]): void {
  if (!Array.isArray(instructions)) badArg('instructions must be an array');
  for (let i = 0; i < instructions.length; i++) encodeInstruction(w, instructions[i]!);
}

// ---------------------------------------------------------------- builders for apps

export const gotoTable = (tableId: number): Instruction => ({ type: 'gotoTable', tableId });
export const writeMetadata = (metadata: bigint, metadataMask = 0xffffffffffffffffn): Instruction => ({
  type: 'writeMetadata',
  metadata,
  metadataMask,
});
export const applyActions = (actions: Action[]): Instruction => ({ type: 'applyActions', actions });
export const writeActions = (actions: Action[]): Instruction => ({ type: 'writeActions', actions });
export const clearActions = (): Instruction => ({ type: 'clearActions' });
export const meter = (meterId: number): Instruction => ({ type: 'meter', meterId });
