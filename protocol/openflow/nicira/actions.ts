import type { Reader } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { pad, struct, u8, u16, u32 } from '../../wire/struct.js';
import { closeEntry } from '../../wire/tlv.js';
import { OfCodecError } from '../error.js';
import { OFPAT } from '../constants.js';
import { OFPBAC, OFPET } from '../error-codes.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6Into } from '../oxm-values.js';
import type { Action } from '../types.js';
import { NX_NAT_RANGE, NX_VENDOR_ID, NXAST } from './constants.js';
import type { NxAction, NxCtAction, NxNatAction } from './types.js';

/**
 * Wire codec of the typed Nicira actions. Every one starts with the 10-byte nx_action_header
 * (type 0xffff, len, vendor 0x2320, subtype); the field tables below describe what follows it.
 * Decoding is conservative: anything not in the exact form the encoder would write (non-zero
 * padding, unknown range bits, odd lengths) returns undefined, and the caller keeps the generic
 * experimenter form so the message still re-encodes byte for byte.
 */

const ERR = { errType: OFPET.BAD_ACTION, errCode: OFPBAC.BAD_ARGUMENT };
// Bodies after the 10-byte header: ct 14 bytes (24 in all), nat 6 (16), resubmit 6, ct_clear 6.
const CT = struct('nx_action_conntrack', 14, [['flags', u16], ['zoneSrc', u32], ['zone', u16], ['recircTable', u8], pad(3), ['alg', u16]], { ...ERR, label: 'nxCt' });
const NAT = struct('nx_action_nat', 6, [pad(2), ['flags', u16], ['rangePresent', u16]], { ...ERR, label: 'nxNat' });
const RESUBMIT = struct('nx_action_resubmit', 6, [['inPort', u16], ['table', u8], pad(3)], { ...ERR, label: 'nxResubmit' });
const CLEAR = struct('nx_action_ct_clear', 6, [pad(6)], { ...ERR, label: 'nxCtClear' });

type ActionsDecoder = (r: Reader) => Action[];
type ActionsEncoder = (w: Writer, actions: readonly Action[]) => void;

function zeros(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** Size of the range values that `present` announces, in wire order. */
function rangeBytes(present: number): number {
  let n = 0;
  if (present & NX_NAT_RANGE.IPV4_MIN) n += 4;
  if (present & NX_NAT_RANGE.IPV4_MAX) n += 4;
  if (present & NX_NAT_RANGE.IPV6_MIN) n += 16;
  if (present & NX_NAT_RANGE.IPV6_MAX) n += 16;
  if (present & NX_NAT_RANGE.PROTO_MIN) n += 2;
  if (present & NX_NAT_RANGE.PROTO_MAX) n += 2;
  return n;
}

const pad8 = (n: number) => (n + 7) & ~7;

/**
 * Decode a Nicira action whose 4-byte action header and 4-byte vendor id were checked by the
 * caller; r.pos is at the subtype and `end` is the end of the action. Returns undefined (and
 * leaves r.pos anywhere) when the action has no typed form or is not canonical.
 */
export function decodeNxAction(r: Reader, end: number, decodeActions: ActionsDecoder): NxAction | undefined {
  const start = r.pos - 8;
  const len = end - start;
  if (len < 16) return undefined;
  const b = r.buf;
  const subtype = r.u16();
  switch (subtype) {
    case NXAST.CT: {
      if (len < 24) return undefined;
      const p = r.pos;
      const f = CT.decode(r);
      if (!zeros(b, p + 9, p + 12)) return undefined;
      const outerEnd = r.end;
      r.end = end;
      try {
        const actions = decodeActions(r);
        const a: NxCtAction = { type: 'nxCt', flags: f.flags, zone: f.zone, recircTable: f.recircTable, alg: f.alg, actions };
        if (f.zoneSrc !== 0) a.zoneSrc = f.zoneSrc;
        return a;
      } catch {
        return undefined;
      } finally {
        r.end = outerEnd;
      }
    }
    case NXAST.NAT: {
      const p = r.pos;
      const f = NAT.decode(r);
      const present = f.rangePresent;
      if (!zeros(b, p, p + 2) || (present & ~0x3f) !== 0) return undefined;
      const used = 16 + rangeBytes(present);
      if (len !== pad8(used) || !zeros(b, start + used, end)) return undefined;
      const a: NxNatAction = { type: 'nxNat', flags: f.flags };
      if (present & NX_NAT_RANGE.IPV4_MIN) a.ipv4Min = formatIpv4(r.u32());
      if (present & NX_NAT_RANGE.IPV4_MAX) a.ipv4Max = formatIpv4(r.u32());
      if (present & NX_NAT_RANGE.IPV6_MIN) a.ipv6Min = formatIpv6(b, (r.pos += 16) - 16);
      if (present & NX_NAT_RANGE.IPV6_MAX) a.ipv6Max = formatIpv6(b, (r.pos += 16) - 16);
      if (present & NX_NAT_RANGE.PROTO_MIN) a.protoMin = r.u16();
      if (present & NX_NAT_RANGE.PROTO_MAX) a.protoMax = r.u16();
      return a;
    }
    case NXAST.RESUBMIT_TABLE: {
      if (len !== 16 || !zeros(b, r.pos + 3, end)) return undefined;
      const f = RESUBMIT.decode(r);
      return { type: 'nxResubmit', inPort: f.inPort, table: f.table };
    }
    case NXAST.CT_CLEAR:
      if (len !== 16 || !zeros(b, r.pos, end)) return undefined;
      return { type: 'nxCtClear' };
    default:
      return undefined;
  }
}

function bad(detail: string): never {
  throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_ARGUMENT, detail);
}

function header(w: Writer, subtype: number): number {
  const start = w.pos;
  w.u16(OFPAT.EXPERIMENTER);
  w.u16(0);
  w.u32(NX_VENDOR_ID);
  w.u16(subtype);
  return start;
}

function badLen(detail: string): never {
  throw new OfCodecError(OFPET.BAD_ACTION, OFPBAC.BAD_LEN, detail);
}

function ipv4(v: unknown, what: string): number {
  const n = parseIpv4(v);
  if (n < 0) bad(`nxNat ${what} ${JSON.stringify(v)} is not an IPv4 address`);
  return n;
}

function port(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) bad(`nxNat ${what} ${JSON.stringify(v)} is not a port in 0..65535`);
  return v;
}

function encodeNat(w: Writer, a: NxNatAction): void {
  let present = 0;
  if (a.ipv4Min !== undefined) present |= NX_NAT_RANGE.IPV4_MIN;
  if (a.ipv4Max !== undefined) present |= NX_NAT_RANGE.IPV4_MAX;
  if (a.ipv6Min !== undefined) present |= NX_NAT_RANGE.IPV6_MIN;
  if (a.ipv6Max !== undefined) present |= NX_NAT_RANGE.IPV6_MAX;
  if (a.protoMin !== undefined) present |= NX_NAT_RANGE.PROTO_MIN;
  if (a.protoMax !== undefined) present |= NX_NAT_RANGE.PROTO_MAX;
  // Check every value before writing anything.
  const v4min = a.ipv4Min !== undefined ? ipv4(a.ipv4Min, 'ipv4Min') : 0;
  const v4max = a.ipv4Max !== undefined ? ipv4(a.ipv4Max, 'ipv4Max') : 0;
  const v6 = new Uint8Array(32);
  if (a.ipv6Min !== undefined && !parseIpv6Into(a.ipv6Min, v6, 0)) bad(`nxNat ipv6Min ${JSON.stringify(a.ipv6Min)} is not an IPv6 address`);
  if (a.ipv6Max !== undefined && !parseIpv6Into(a.ipv6Max, v6, 16)) bad(`nxNat ipv6Max ${JSON.stringify(a.ipv6Max)} is not an IPv6 address`);
  const pmin = a.protoMin !== undefined ? port(a.protoMin, 'protoMin') : 0;
  const pmax = a.protoMax !== undefined ? port(a.protoMax, 'protoMax') : 0;
  const start = w.pos;
  const body = { flags: a.flags, rangePresent: present };
  w.ensure(16);
  header(w, NXAST.NAT);
  try {
    NAT.encode(w, body);
  } catch (e) {
    w.pos = start;
    throw e;
  }
  if (present & NX_NAT_RANGE.IPV4_MIN) w.u32(v4min);
  if (present & NX_NAT_RANGE.IPV4_MAX) w.u32(v4max);
  if (present & NX_NAT_RANGE.IPV6_MIN) w.bytes(v6.subarray(0, 16));
  if (present & NX_NAT_RANGE.IPV6_MAX) w.bytes(v6.subarray(16));
  if (present & NX_NAT_RANGE.PROTO_MIN) w.u16(pmin);
  if (present & NX_NAT_RANGE.PROTO_MAX) w.u16(pmax);
  closeEntry(w, start, 2, 8, 'nxNat action', badLen);
}

/** Encode a typed Nicira action (values range-checked, OFPBAC_BAD_ARGUMENT), padded to 8. */
export function encodeNxAction(w: Writer, a: NxAction, encodeActions: ActionsEncoder): void {
  const start = w.pos;
  try {
    switch (a.type) {
      case 'nxCt': {
        header(w, NXAST.CT);
        CT.encode(w, { flags: a.flags, zoneSrc: a.zoneSrc ?? 0, zone: a.zone, recircTable: a.recircTable, alg: a.alg });
        if (!Array.isArray(a.actions)) bad('nxCt actions must be an array');
        encodeActions(w, a.actions);
        closeEntry(w, start, 2, 8, 'nxCt action', badLen);
        return;
      }
      case 'nxNat':
        encodeNat(w, a);
        return;
      case 'nxResubmit':
        header(w, NXAST.RESUBMIT_TABLE);
        RESUBMIT.encode(w, { inPort: a.inPort, table: a.table });
        closeEntry(w, start, 2, 8, 'nxResubmit action', badLen);
        return;
      case 'nxCtClear':
        header(w, NXAST.CT_CLEAR);
        CLEAR.encode(w, {});
        closeEntry(w, start, 2, 8, 'nxCtClear action', badLen);
        return;
    }
  } catch (e) {
    w.pos = start;
    throw e;
  }
}

/** The action types this module encodes (for actions.ts's dispatch). */
export const NX_ACTION_TYPES: ReadonlySet<string> = new Set(['nxCt', 'nxNat', 'nxResubmit', 'nxCtClear']);
