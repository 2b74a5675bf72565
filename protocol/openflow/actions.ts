import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { pad, struct, u8, u16, u32, type Struct } from '../wire/struct.js';
import { checkBytes, closeEntry } from '../wire/tlv.js';
import { OFPAT, OFPCML_MAX, OFPP } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBAC, OFPET } from './error-codes.js';
import type { OxmFieldName, OxmValueTypes } from './oxm-types.js';
import { decodeOxm, encodeOxm, SET_FIELD_ERRORS } from './oxm.js';
import type { Action, ActionType } from './types.js';
import { NX_VENDOR_ID } from './nicira/constants.js';
import { decodeNxAction, encodeNxAction, NX_ACTION_TYPES } from './nicira/actions.js';
import type { NxAction } from './nicira/types.js';

/**
 * Actions with a fixed layout: one field table per body (what follows the 4-byte type/len
 * header) drives decode, encode and the range checks on what apps build.
 */
interface FixedSpec {
  readonly type: ActionType;
  readonly code: number;
  /** Whole action length on the wire, header included. */
  readonly len: number;
  /** Its encoder range-checks every field (OFPBAC_BAD_ARGUMENT, "output port -1 is not ..."). */
  readonly body: Struct<Record<string, number>>;
  /** type << 16 | len: the 4-byte action header as one u32. */
  readonly header: number;
}

/**
 * Body options: range errors are OFPET_BAD_ACTION/OFPBAC_BAD_ARGUMENT named after the action
 * type, and the decoded body is the whole action (its `type` first).
 */
function bodyErrors(type: ActionType) {
  return { errType: OFPET.BAD_ACTION, errCode: OFPBAC.BAD_ARGUMENT, label: type, tag: ['type', type] as const };
}

type BodyEntry = readonly [string, { readonly width: number }] | ReturnType<typeof pad>;

function fixed(type: ActionType, code: number, ofpName: string, entries: readonly BodyEntry[]): FixedSpec {
  const body = struct(ofpName, 4, entries as Parameters<typeof struct>[2], bodyErrors(type)) as unknown as Struct<Record<string, number>>;
  return { type, code, len: 8, body, header: ((code << 16) | 8) >>> 0 };
}

const GENERIC = [pad(4)] as const;
const PUSH = [['ethertype', u16], pad(2)] as const;

const OUTPUT_BODY = struct('ofp_action_output', 12, [['port', u32], ['maxLen', u16], pad(6)], bodyErrors('output'));

const FIXED: readonly FixedSpec[] = [
  {
    type: 'output',
    code: OFPAT.OUTPUT,
    len: 16,
    body: OUTPUT_BODY as unknown as Struct<Record<string, number>>,
    header: ((OFPAT.OUTPUT << 16) | 16) >>> 0,
  },
  fixed('copyTtlOut', OFPAT.COPY_TTL_OUT, 'ofp_action_generic', GENERIC),
  fixed('copyTtlIn', OFPAT.COPY_TTL_IN, 'ofp_action_generic', GENERIC),
  fixed('setMplsTtl', OFPAT.SET_MPLS_TTL, 'ofp_action_mpls_ttl', [['mplsTtl', u8], pad(3)]),
  fixed('decMplsTtl', OFPAT.DEC_MPLS_TTL, 'ofp_action_generic', GENERIC),
  fixed('pushVlan', OFPAT.PUSH_VLAN, 'ofp_action_push', PUSH),
  fixed('popVlan', OFPAT.POP_VLAN, 'ofp_action_generic', GENERIC),
  fixed('pushMpls', OFPAT.PUSH_MPLS, 'ofp_action_push', PUSH),
  fixed('popMpls', OFPAT.POP_MPLS, 'ofp_action_pop_mpls', PUSH),
  fixed('setQueue', OFPAT.SET_QUEUE, 'ofp_action_set_queue', [['queueId', u32]]),
  fixed('group', OFPAT.GROUP, 'ofp_action_group', [['groupId', u32]]),
  fixed('setNwTtl', OFPAT.SET_NW_TTL, 'ofp_action_nw_ttl', [['nwTtl', u8], pad(3)]),
  fixed('decNwTtl', OFPAT.DEC_NW_TTL, 'ofp_action_generic', GENERIC),
  fixed('pushPbb', OFPAT.PUSH_PBB, 'ofp_action_push', PUSH),
  fixed('popPbb', OFPAT.POP_PBB, 'ofp_action_generic', GENERIC),
];

// Sanity check at load: the output body plus its header is the spec's 16 bytes.
if (OUTPUT_BODY.size + 4 !== 16) throw new Error('ofp_action_output must be 16 bytes');

const BY_CODE: (FixedSpec | undefined)[] = [];
const BY_TYPE = new Map<string, FixedSpec>();
for (const s of FIXED) {
  BY_CODE[s.code] = s;
  BY_TYPE.set(s.type, s);
}

function badLen(detail: string): never {
  throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_LEN, detail);
}

/** Decode one action at the reader's position (the reader's window bounds it). */
export function decodeAction(r: Reader): Action {
  const left = r.end - r.pos;
  if (left < 8) badLen(`action needs at least 8 bytes at offset ${r.pos}, ${left} left`);
  const start = r.pos;
  const code = r.dv.getUint16(start);
  const len = r.dv.getUint16(start + 2);
  if (len < 8 || len % 8 !== 0 || len > left) {
    badLen(`action type ${code} length ${len} is not a multiple of 8 between 8 and the ${left} bytes left`);
  }
  const end = start + len;
  r.pos = start + 4;
  const spec = BY_CODE[code];
  if (spec !== undefined) {
    if (len !== spec.len) badLen(`${spec.type} action length ${len}, expected ${spec.len}`);
    const a = spec.body.decode(r) as unknown as Action;
    r.pos = end;
    return a;
  }
  if (code === OFPAT.SET_FIELD) {
    const outerEnd = r.end;
    r.end = end;
    try {
      const field = decodeOxm(r, SET_FIELD_ERRORS);
      // What is left is padding to 8, so fewer than 8 bytes.
      if (end - r.pos >= 8) badLen(`set_field length ${len} leaves ${end - r.pos} bytes after its OXM`);
      r.pos = end;
      return { type: 'setField', field };
    } finally {
      r.end = outerEnd;
    }
  }
  if (code === OFPAT.EXPERIMENTER) {
    const experimenter = r.u32();
    if (experimenter === NX_VENDOR_ID) {
      // Typed Nicira action when its bytes are canonical; otherwise the generic form below.
      const nx = decodeNxAction(r, end, decodeActions);
      if (nx !== undefined) {
        r.pos = end;
        return nx;
      }
      r.pos = start + 8;
    }
    const data = r.bytes(end - r.pos);
    return { type: 'experimenter', experimenter, data };
  }
  return { type: 'unknown', actionType: code, body: r.bytes(end - r.pos) };
}

/** Decode an action list filling the whole reader window. */
export function decodeActions(r: Reader): Action[] {
  const out: Action[] = [];
  while (r.pos < r.end) out.push(decodeAction(r));
  return out;
}

function badArg(detail: string): never {
  throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, detail);
}

/** Encode one action, padded to 8 bytes. Values are range-checked (OFPBAC_BAD_ARGUMENT). */
export function encodeAction(w: Writer, a: Action): void {
  if (a === null || typeof a !== 'object') {
    throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_TYPE, `action must be an object, got ${a === null ? 'null' : typeof a}`);
  }
  const spec = BY_TYPE.get(a.type);
  if (spec !== undefined) {
    // The body's encoder checks every field before writing; the header goes in once it passed.
    const p = w.pos;
    w.ensure(spec.len);
    w.pos = p + 4;
    try {
      spec.body.encode(w, a as unknown as Record<string, number>);
    } catch (e) {
      w.pos = p;
      throw e;
    }
    w.dv.setUint32(p, spec.header);
    return;
  }
  if (NX_ACTION_TYPES.has(a.type)) {
    encodeNxAction(w, a as NxAction, encodeActions);
    return;
  }
  const start = w.pos;
  switch (a.type) {
    case 'setField': {
      const f = a.field;
      if (f === null || typeof f !== 'object') {
        throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_SET_TYPE, `set_field needs an OXM entry`);
      }
      if (f.field !== 'opaque' && f.mask !== undefined) {
        throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, `set_field ${f.field} cannot carry a mask in OpenFlow 1.3`);
      }
      w.u16(OFPAT.SET_FIELD);
      w.u16(0);
      encodeOxm(w, f, SET_FIELD_ERRORS);
      closeEntry(w, start, 2, 8, 'set_field action', badLen);
      return;
    }
    case 'experimenter': {
      const data = checkBytes('experimenter action data', a.data, badArg);
      if (!Number.isInteger(a.experimenter) || a.experimenter < 0 || a.experimenter > 0xffffffff) {
        badArg(`experimenter id ${a.experimenter} is not a 32-bit unsigned integer`);
      }
      w.u16(OFPAT.EXPERIMENTER);
      w.u16(0);
      w.u32(a.experimenter);
      w.bytes(data);
      closeEntry(w, start, 2, 8, 'experimenter action', badLen);
      return;
    }
    case 'unknown': {
      const body = checkBytes('unknown action body', a.body, badArg);
      if (!Number.isInteger(a.actionType) || a.actionType < 0 || a.actionType > 0xffff) {
        throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_TYPE, `action type ${a.actionType} is not a 16-bit number`);
      }
      w.u16(a.actionType);
      w.u16(0);
      w.bytes(body);
      closeEntry(w, start, 2, 8, 'unknown action', badLen);
      return;
    }
    default:
      throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_TYPE, `unknown action type ${JSON.stringify((a as { type: unknown }).type)}`);
  }
}

/** Encode an action list (each action padded to 8 bytes). */
export function encodeActions(w: Writer, actions: readonly Action[]): void {
  if (!Array.isArray(actions)) badArg('actions must be an array');
  for (let i = 0; i < actions.length; i++) encodeAction(w, actions[i]!);
}

// ---------------------------------------------------------------- builders for apps

/** Output to a port; to the controller the whole packet is sent (OFPCML_MAX) unless told. */
export function output(port: number, maxLen = port === OFPP.CONTROLLER ? OFPCML_MAX : 0): Action {
  return { type: 'output', port, maxLen };
}
export function setField<K extends OxmFieldName>(field: K, value: OxmValueTypes[K]): Action {
  return { type: 'setField', field: { field, value } as Extract<Action, { type: 'setField' }>['field'] };
}
export const group = (groupId: number): Action => ({ type: 'group', groupId });
export const setQueue = (queueId: number): Action => ({ type: 'setQueue', queueId });
export const pushVlan = (ethertype = 0x8100): Action => ({ type: 'pushVlan', ethertype });
export const popVlan = (): Action => ({ type: 'popVlan' });
export const pushMpls = (ethertype = 0x8847): Action => ({ type: 'pushMpls', ethertype });
/** ethertype: the payload's type once the last label is gone (e.g. 0x0800). */
export const popMpls = (ethertype: number): Action => ({ type: 'popMpls', ethertype });
export const pushPbb = (ethertype = 0x88e7): Action => ({ type: 'pushPbb', ethertype });
export const popPbb = (): Action => ({ type: 'popPbb' });
export const setMplsTtl = (mplsTtl: number): Action => ({ type: 'setMplsTtl', mplsTtl });
export const decMplsTtl = (): Action => ({ type: 'decMplsTtl' });
export const setNwTtl = (nwTtl: number): Action => ({ type: 'setNwTtl', nwTtl });
export const decNwTtl = (): Action => ({ type: 'decNwTtl' });
export const copyTtlOut = (): Action => ({ type: 'copyTtlOut' });
export const copyTtlIn = (): Action => ({ type: 'copyTtlIn' });
/** data: the vendor body after the experimenter id; padded with zeros to 8 bytes on encode. */
export const experimenterAction = (experimenter: number, data: Uint8Array): Action => ({ type: 'experimenter', experimenter, data });
