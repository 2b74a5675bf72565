import { u32At, type Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { OFPMT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBMC, OFPET } from './error-codes.js';
import type { OxmBasic, OxmFieldName, OxmValueTypes } from './oxm-types.js';
import { decodeOxmTo, encodeOxm, MATCH_ERRORS, OXM_FIELDS, oxmField, oxmHeader } from './oxm.js';

export const IN_PORT_HEADER = oxmHeader(OXM_FIELDS[0]!, false);
import { checkPrerequisites } from './match-prereq.js';
import { encodeCommonOxm, NOT_COMMON } from './oxm-fast.js';
import type { Match } from './types.js';

export { checkPrerequisites } from './match-prereq.js';

/**
 * Decode an ofp_match (type OFPMT_OXM, length, OXM TLVs, padding to 8) at the reader's position.
 * What a switch sends is taken as is: no prerequisite or duplicate checks on decode.
 */
export function decodeMatch(r: Reader): Match {
  if (r.end - r.pos < 4) {
    throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_LEN, `match header needs 4 bytes, ${r.end - r.pos} left`);
  }
  const b = r.buf;
  const p = r.pos;
  const type = (b[p]! << 8) | b[p + 1]!;
  const length = (b[p + 2]! << 8) | b[p + 3]!;
  if (type !== OFPMT.OXM) {
    throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_TYPE, `match type ${type} is not OFPMT_OXM (1)`);
  }
  const padded = (length + 7) & ~7;
  if (length < 4 || padded > r.end - r.pos) {
    throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_LEN, `match length ${length} (${padded} padded) does not fit the ${r.end - r.pos} bytes left`);
  }
  const end = p + length;
  const next = p + padded;
  // A PACKET_IN's match is usually in_port alone: one 8-byte TLV whose header is a constant.
  if (length === 12 && u32At(b, p + 4) === IN_PORT_HEADER) {
    r.pos = next;
    return [{ field: 'in_port', value: u32At(b, p + 8) }];
  }
  r.pos = p + 4;
  if (r.pos >= end) {
    r.pos = next;
    return [];
  }
  // Array literals sized to the entries (a PACKET_IN's match is usually in_port alone, a flow's
  // one to a few fields): `[]` then push allocates room for 17 at the first push. The OXMs are
  // bounded by the match's own end, not the reader's window.
  const e0 = decodeOxmTo(r, end, MATCH_ERRORS);
  if (r.pos >= end) {
    r.pos = next;
    return [e0];
  }
  const e1 = decodeOxmTo(r, end, MATCH_ERRORS);
  if (r.pos >= end) {
    r.pos = next;
    return [e0, e1];
  }
  const match: Match = [e0, e1];
  while (r.pos < end) match.push(decodeOxmTo(r, end, MATCH_ERRORS));
  r.pos = next;
  return match;
}

function dupField(name: string): never {
  throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, `${name} appears twice in the match`);
}

/**
 * Which field numbers have a prerequisite, derived at load from checkPrerequisites (the one
 * description of the rules): a field alone fails it exactly when it has one. encodeMatch runs
 * the full check only when such a field is present.
 */
const HAS_PREREQ: readonly boolean[] = OXM_FIELDS.map((d) => {
  try {
    checkPrerequisites([{ field: d.name, value: 0 } as OxmBasic]);
    return false;
  } catch {
    return true;
  }
});

/**
 * Encode an ofp_match including its header and padding to 8 bytes. Basic fields are checked:
 * values and masks, no field twice, and every field's prerequisites present (OFPBMC_BAD_PREREQ
 * with a message naming what is missing).
 */
export function encodeMatch(w: Writer, match: Match): void {
  if (!Array.isArray(match)) {
    throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_TYPE, `match must be an array of OXM entries`);
  }
  const start = w.pos;
  // Type and a length patched below, in one store.
  w.ensure(4);
  w.dv.setUint32(start, OFPMT.OXM << 16);
  w.pos = start + 4;
  // Values first, so a malformed eth_type is reported as such rather than as a missing prereq.
  // Duplicates are caught with a bit per field id (no shared state to reset); the
  // prerequisite walk runs only when a field that has one is present.
  let seenLo = 0;
  let seenHi = 0;
  let needsPrereq = false;
  for (let i = 0; i < match.length; i++) {
    const e = match[i]!;
    // Common unmasked fields take a shortcut; anything else (or anything invalid) the full path.
    let num = e !== null && typeof e === 'object' && (e as OxmBasic).mask === undefined ? encodeCommonOxm(w, e as OxmBasic) : NOT_COMMON;
    if (num === NOT_COMMON) num = encodeOxm(w, e);
    if (num < 0) continue;
    if (num < 32) {
      const bit = 1 << num;
      if ((seenLo & bit) !== 0) dupField(e.field);
      seenLo |= bit;
    } else {
      const bit = 1 << (num - 32);
      if ((seenHi & bit) !== 0) dupField(e.field);
      seenHi |= bit;
    }
    if (HAS_PREREQ[num]) needsPrereq = true;
  }
  if (needsPrereq) checkPrerequisites(match);
  const length = w.pos - start;
  if (length > 0xffff) {
    throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_LEN, `match of ${length} bytes exceeds 65535`);
  }
  w.patchU16(start + 2, length);
  w.padTo(start, 8);
}

/** What buildMatch accepts per field: the value, or { value, mask } for maskable fields. */
export type MatchSpec = {
  [K in OxmFieldName]?: OxmValueTypes[K] | { value: OxmValueTypes[K]; mask?: OxmValueTypes[K] };
};

/**
 * Build a match from an object, in the order the keys are given:
 * `buildMatch({ in_port: 1, eth_type: 0x800, ipv4_src: '10.0.0.1', eth_dst: { value, mask } })`.
 * Values are checked when the match is encoded; unknown names are rejected here.
 */
export function buildMatch(spec: MatchSpec): Match {
  const out: Match = [];
  for (const name of Object.keys(spec)) {
    const v = (spec as Record<string, unknown>)[name];
    if (v === undefined) continue;
    if (oxmField(name) === undefined) {
      throw new OfCodecError(OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, `unknown match field ${JSON.stringify(name)}`);
    }
    if (typeof v === 'object' && v !== null && 'value' in v) {
      const { value, mask } = v as { value: unknown; mask?: unknown };
      out.push((mask === undefined ? { field: name, value } : { field: name, value, mask }) as OxmBasic);
    } else {
      out.push({ field: name, value: v } as OxmBasic);
    }
  }
  return out;
}

/** The value of a basic field in a match, or undefined when the match does not have it. */
export function matchGet<K extends OxmFieldName>(match: Match, field: K): OxmValueTypes[K] | undefined {
  for (let i = 0; i < match.length; i++) {
    const e = match[i]!;
    if (e.field === field) return (e as unknown as { value: OxmValueTypes[K] }).value;
  }
  return undefined;
}

/** The whole entry (value and mask) of a basic field, or undefined. */
export function matchEntry<K extends OxmFieldName>(match: Match, field: K): Extract<OxmBasic, { field: K }> | undefined {
  for (let i = 0; i < match.length; i++) {
    const e = match[i]!;
    if (e.field === field) return e as Extract<OxmBasic, { field: K }>;
  }
  return undefined;
}

/** Field numbers by name, for callers that index per-field tables (e.g. table features). */
export const OXM_FIELD_NUMBERS: Readonly<Record<OxmFieldName, number>> = Object.fromEntries(
  OXM_FIELDS.map((d) => [d.name, d.num]),
) as Record<OxmFieldName, number>;
