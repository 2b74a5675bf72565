import { u32At, u64At, type Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import { OfCodecError } from './error.js';
import { OFPBAC, OFPBMC, OFPET } from './error-codes.js';
import { OFPXMC } from './constants.js';
import type { OxmBasic, OxmEntry, OxmFieldName, OxmOpaque } from './oxm-types.js';
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6Into, parseMacInto } from './oxm-values.js';

/** How a field's value is read and written. Small integers so the hot path is a switch. */
export const OxmKind = { U8: 0, U16: 1, U24: 2, U32: 3, U64: 4, MAC: 5, IPV4: 6, IPV6: 7, U128: 8 } as const;
export type OxmKind = (typeof OxmKind)[keyof typeof OxmKind];

export interface OxmFieldDef {
  readonly name: OxmFieldName;
  /** OXM class: OFPXMC_OPENFLOW_BASIC (0x8000), or NXM_1 (0x0001) for Open vSwitch's ct_* fields. */
  readonly oxmClass: number;
  /** oxm_field number within its class (basic 0-39; NXM_1 tun_dst 32, ct_* 105-108). */
  readonly num: number;
  /**
   * Dense index over all known fields: a basic field's number, then 40 upward for the NXM_1
   * fields, whose wire numbers overlap the basic ones (tun_dst is 32, like ipv6_nd_sll).
   * Per-field tables (headers, duplicate bits, prerequisites) are indexed by it.
   */
  readonly id: number;
  readonly kind: OxmKind;
  /** Value width on the wire in bytes (the TLV length is this, or twice this with a mask). */
  readonly width: number;
  /** Largest valid value for integer fields narrower than their width (vlan_pcp: 7). */
  readonly max: number;
  readonly maskable: boolean;
}

const WIDTH = [1, 2, 3, 4, 8, 6, 4, 16, 16] as const;
const FULL = [0xff, 0xffff, 0xffffff, 0xffffffff, 0, 0, 0, 0, 0] as const;

function def(num: number, name: OxmFieldName, kind: OxmKind, maskable: boolean, bits = 0, oxmClass: number = OFPXMC.OPENFLOW_BASIC, id = num): OxmFieldDef {
  const max = bits > 0 ? 2 ** bits - 1 : FULL[kind];
  return { name, oxmClass, num, id, kind, width: WIDTH[kind], max, maskable };
}

/**
 * The 40 basic fields of OpenFlow 1.3.5 (section 7.2.3.7, "Header match fields"), indexed by
 * field number. Fields narrower than their wire width carry their bit count.
 */
export const OXM_FIELDS: readonly OxmFieldDef[] = [
  def(0, 'in_port', OxmKind.U32, false),
  def(1, 'in_phy_port', OxmKind.U32, false),
  def(2, 'metadata', OxmKind.U64, true),
  def(3, 'eth_dst', OxmKind.MAC, true),
  def(4, 'eth_src', OxmKind.MAC, true),
  def(5, 'eth_type', OxmKind.U16, false),
  def(6, 'vlan_vid', OxmKind.U16, true, 13),
  def(7, 'vlan_pcp', OxmKind.U8, false, 3),
  def(8, 'ip_dscp', OxmKind.U8, false, 6),
  def(9, 'ip_ecn', OxmKind.U8, false, 2),
  def(10, 'ip_proto', OxmKind.U8, false),
  def(11, 'ipv4_src', OxmKind.IPV4, true),
  def(12, 'ipv4_dst', OxmKind.IPV4, true),
  def(13, 'tcp_src', OxmKind.U16, false),
  def(14, 'tcp_dst', OxmKind.U16, false),
  def(15, 'udp_src', OxmKind.U16, false),
  def(16, 'udp_dst', OxmKind.U16, false),
  def(17, 'sctp_src', OxmKind.U16, false),
  def(18, 'sctp_dst', OxmKind.U16, false),
  def(19, 'icmpv4_type', OxmKind.U8, false),
  def(20, 'icmpv4_code', OxmKind.U8, false),
  def(21, 'arp_op', OxmKind.U16, false),
  def(22, 'arp_spa', OxmKind.IPV4, true),
  def(23, 'arp_tpa', OxmKind.IPV4, true),
  def(24, 'arp_sha', OxmKind.MAC, true),
  def(25, 'arp_tha', OxmKind.MAC, true),
  def(26, 'ipv6_src', OxmKind.IPV6, true),
  def(27, 'ipv6_dst', OxmKind.IPV6, true),
  def(28, 'ipv6_flabel', OxmKind.U32, true, 20),
  def(29, 'icmpv6_type', OxmKind.U8, false),
  def(30, 'icmpv6_code', OxmKind.U8, false),
  def(31, 'ipv6_nd_target', OxmKind.IPV6, false),
  def(32, 'ipv6_nd_sll', OxmKind.MAC, false),
  def(33, 'ipv6_nd_tll', OxmKind.MAC, false),
  def(34, 'mpls_label', OxmKind.U32, false, 20),
  def(35, 'mpls_tc', OxmKind.U8, false, 3),
  def(36, 'mpls_bos', OxmKind.U8, false, 1),
  def(37, 'pbb_isid', OxmKind.U24, true),
  def(38, 'tunnel_id', OxmKind.U64, true),
  def(39, 'ipv6_exthdr', OxmKind.U16, true, 9),
];

/**
 * Open vSwitch fields in class NXM_1 (0x0001), as OVS encodes them in an OpenFlow 1.3 match and
 * set_field (nicira-ext.h): the tunnel destination NXM_NX_TUN_IPV4_DST (32), which flow-based
 * tunnels (`options:remote_ip=flow`) need, and the connection tracking fields NXM_NX_CT_STATE
 * 105, CT_ZONE 106, CT_MARK 107, CT_LABEL 108. They have no prerequisites here; OVS itself wants
 * a ct() recirculation before the ct_* fields match. Ids continue after the basic fields.
 */
const NXM1 = 0x0001;
export const NX_OXM_FIELDS: readonly OxmFieldDef[] = [
  def(105, 'ct_state', OxmKind.U32, true, 0, NXM1, 40),
  def(106, 'ct_zone', OxmKind.U16, false, 0, NXM1, 41),
  def(107, 'ct_mark', OxmKind.U32, true, 0, NXM1, 42),
  def(108, 'ct_label', OxmKind.U128, true, 0, NXM1, 43),
  def(32, 'tun_dst', OxmKind.IPV4, true, 0, NXM1, 44),
];
const NX_BY_NUM: (OxmFieldDef | undefined)[] = [];
for (const d of NX_OXM_FIELDS) NX_BY_NUM[d.num] = d;

const BY_NAME = new Map<string, OxmFieldDef>([...OXM_FIELDS, ...NX_OXM_FIELDS].map((d) => [d.name, d]));
/** oxmHeader per field id, unmasked and masked, so encoding computes no header. */
const HEADER = OXM_FIELDS.map((d) => oxmHeader(d, false));
const HEADER_MASKED = OXM_FIELDS.map((d) => oxmHeader(d, true));
for (const d of NX_OXM_FIELDS) {
  HEADER[d.id] = oxmHeader(d, false);
  HEADER_MASKED[d.id] = oxmHeader(d, true);
}

/** The field definition for a named field (basic or NXM_1), or undefined for anything else. */
export function oxmField(name: string): OxmFieldDef | undefined {
  return BY_NAME.get(name);
}

/**
 * Which error type and codes an OXM problem maps to: the same TLV is a match field in a match
 * (OFPET_BAD_MATCH) and the argument of a set_field action (OFPET_BAD_ACTION).
 */
export interface OxmErrors {
  readonly errType: number;
  readonly badLen: number;
  readonly badMask: number;
  readonly badValue: number;
  readonly badField: number;
  /** A value with 1-bits where its mask has 0-bits. */
  readonly badWildcards: number;
}

export const MATCH_ERRORS: OxmErrors = {
  errType: OFPET.BAD_MATCH,
  badLen: OFPBMC.BAD_LEN,
  badMask: OFPBMC.BAD_MASK,
  badValue: OFPBMC.BAD_VALUE,
  badField: OFPBMC.BAD_FIELD,
  badWildcards: 5, // OFPBMC_BAD_WILDCARDS
};

export const SET_FIELD_ERRORS: OxmErrors = {
  errType: OFPET.BAD_ACTION,
  badLen: OFPBAC.BAD_SET_LEN,
  badMask: OFPBAC.BAD_SET_ARGUMENT,
  badValue: OFPBAC.BAD_SET_ARGUMENT,
  badField: OFPBAC.BAD_SET_TYPE,
  badWildcards: OFPBAC.BAD_SET_ARGUMENT,
};

/** A value of `kind` at b[p]; the caller has checked that its width is within bounds. */
function readValueAt(b: Uint8Array, p: number, kind: OxmKind): number | bigint | string {
  switch (kind) {
    case OxmKind.U8:
      return b[p]!;
    case OxmKind.U16:
      return (b[p]! << 8) | b[p + 1]!;
    case OxmKind.U24:
      return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    case OxmKind.U32:
      return u32At(b, p);
    case OxmKind.U64:
      return u64At(b, p);
    case OxmKind.MAC:
      return formatMac(b, p);
    case OxmKind.IPV4:
      return formatIpv4(u32At(b, p));
    case OxmKind.IPV6:
      return formatIpv6(b, p);
    case OxmKind.U128:
      return (u64At(b, p) << 64n) | u64At(b, p + 8);
  }
}

/**
 * Decode one OXM TLV at the reader's position. Basic fields become { field, value, mask? };
 * other classes and unknown basic field numbers stay opaque so they re-encode byte for byte.
 */
export function decodeOxm(r: Reader, errs: OxmErrors = MATCH_ERRORS): OxmEntry {
  return decodeOxmTo(r, r.end, errs);
}

/**
 * decodeOxm bounded by `end` (<= r.end) instead of the reader's window, so a match can decode
 * its OXMs without narrowing and restoring the reader. Reads index the bytes directly: this is
 * on the packet-in path.
 */
export function decodeOxmTo(r: Reader, end: number, errs: OxmErrors): OxmEntry {
  const p = r.pos;
  if (end - p < 4) {
    throw new OfCodecError(errs.errType, errs.badLen, `OXM header needs 4 bytes at offset ${p}, ${end - p} left`);
  }
  const b = r.buf;
  const header = u32At(b, p);
  const q = p + 4;
  const oxmClass = header >>> 16;
  const num = (header >>> 9) & 0x7f;
  const hasMask = (header & 0x100) !== 0;
  const len = header & 0xff;
  if (len > end - q) {
    r.pos = q;
    throw new OfCodecError(errs.errType, errs.badLen, `OXM class 0x${oxmClass.toString(16)} field ${num} length ${len} exceeds the ${end - q} bytes left`);
  }
  const d = oxmClass === OFPXMC.OPENFLOW_BASIC ? OXM_FIELDS[num] : oxmClass === NXM1 ? NX_BY_NUM[num] : undefined;
  if (d === undefined) {
    r.pos = q + len;
    const opaque: OxmOpaque = { field: 'opaque', oxmClass, oxmField: num, hasMask, body: b.subarray(q, q + len) };
    return opaque;
  }
  if (hasMask && !d.maskable) {
    r.pos = q;
    throw new OfCodecError(errs.errType, errs.badMask, `${d.name} cannot be masked`);
  }
  if (len !== (hasMask ? 2 * d.width : d.width)) {
    r.pos = q;
    throw new OfCodecError(errs.errType, errs.badLen, `${d.name} length ${len}, expected ${hasMask ? 2 * d.width : d.width}`);
  }
  r.pos = q + len;
  const value = readValueAt(b, q, d.kind);
  if (!hasMask) return { field: d.name, value } as OxmBasic;
  const mask = readValueAt(b, q + d.width, d.kind);
  return { field: d.name, value, mask } as OxmBasic;
}

function badValue(errs: OxmErrors, name: string, what: string, v: unknown): never {
  const shown = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
  throw new OfCodecError(errs.errType, errs.badValue, `${name} ${what} ${shown} is not ${expected(name)}`);
}

function expected(name: string): string {
  const d = BY_NAME.get(name)!;
  switch (d.kind) {
    case OxmKind.U64:
      return 'a bigint in 0..2^64-1';
    case OxmKind.U128:
      return 'a bigint in 0..2^128-1';
    case OxmKind.MAC:
      return 'a MAC address like "aa:bb:cc:dd:ee:ff"';
    case OxmKind.IPV4:
      return 'an IPv4 address like "10.0.0.1"';
    case OxmKind.IPV6:
      return 'an IPv6 address like "fe80::1"';
    default:
      return `an integer in 0..${d.max}`;
  }
}

/**
 * Write value `v` of field `d` at b[p] (the caller has ensured the room); false when `v` is
 * not a valid value of the field. Integers go through the writer's DataView.
 */
function writeValueAt(w: Writer, p: number, d: OxmFieldDef, v: unknown): boolean {
  switch (d.kind) {
    case OxmKind.U8:
    case OxmKind.U16:
    case OxmKind.U24:
    case OxmKind.U32: {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > d.max) return false;
      const b = w.buf;
      if (d.kind === OxmKind.U8) b[p] = v;
      else if (d.kind === OxmKind.U16) w.dv.setUint16(p, v);
      else if (d.kind === OxmKind.U24) {
        b[p] = v >>> 16;
        w.dv.setUint16(p + 1, v & 0xffff);
      } else w.dv.setUint32(p, v);
      return true;
    }
    case OxmKind.U64:
      if (typeof v !== 'bigint' || BigInt.asUintN(64, v) !== v) return false;
      w.dv.setBigUint64(p, v);
      return true;
    case OxmKind.MAC:
      return parseMacInto(v, w.buf, p);
    case OxmKind.IPV4: {
      const n = parseIpv4(v);
      if (n < 0) return false;
      w.dv.setUint32(p, n);
      return true;
    }
    case OxmKind.IPV6:
      return parseIpv6Into(v, w.buf, p);
    case OxmKind.U128:
      if (typeof v !== 'bigint' || v < 0n || v >> 128n !== 0n) return false;
      w.dv.setBigUint64(p, v >> 64n);
      w.dv.setBigUint64(p + 8, v & 0xffffffffffffffffn);
      return true;
  }
}

/** The 32-bit OXM header for a field. */
export function oxmHeader(d: OxmFieldDef, hasMask: boolean): number {
  const len = hasMask ? 2 * d.width : d.width;
  return ((d.oxmClass << 16) | (d.num << 9) | (hasMask ? 0x100 : 0) | len) >>> 0;
}

/**
 * Encode one OXM TLV and return its field id (-1 for an opaque entry). Values from
 * apps are checked strictly: wrong types, out-of-range numbers, malformed addresses, masks on
 * non-maskable fields and values with bits outside their mask throw with the field's name.
 */
export function encodeOxm(w: Writer, e: OxmEntry, errs: OxmErrors = MATCH_ERRORS): number {
  // Kept small (cold cases and error text out of line) so V8 inlines it into encodeMatch.
  if (e === null || typeof e !== 'object') notAnEntry(errs, e);
  const field = e.field;
  if (field === 'opaque') return encodeOpaque(w, e, errs);
  const d = BY_NAME.get(field);
  if (d === undefined) unknownField(errs, field);
  if (e.mask !== undefined) return encodeMasked(w, e, d, errs);
  // Header and value are written in place; `pos` moves only once the value is valid.
  const tlvLen = 4 + d.width;
  w.ensure(tlvLen);
  const p = w.pos;
  w.dv.setUint32(p, HEADER[d.id]!);
  if (!writeValueAt(w, p + 4, d, e.value)) badValue(errs, d.name, 'value', e.value);
  w.pos = p + tlvLen;
  return d.id;
}

function notAnEntry(errs: OxmErrors, e: unknown): never {
  throw new OfCodecError(errs.errType, errs.badField, `OXM entry must be an object, got ${e === null ? 'null' : typeof e}`);
}

function unknownField(errs: OxmErrors, field: unknown): never {
  throw new OfCodecError(errs.errType, errs.badField, `unknown OXM field ${JSON.stringify(field)}`);
}

function encodeOpaque(w: Writer, e: OxmOpaque, errs: OxmErrors): number {
  const { oxmClass, oxmField, hasMask, body } = e;
  if (!(body instanceof Uint8Array) || body.length > 255) {
    throw new OfCodecError(errs.errType, errs.badLen, `opaque OXM body must be a Uint8Array of at most 255 bytes`);
  }
  if (!Number.isInteger(oxmClass) || oxmClass < 0 || oxmClass > 0xffff || !Number.isInteger(oxmField) || oxmField < 0 || oxmField > 0x7f) {
    throw new OfCodecError(errs.errType, errs.badField, `opaque OXM class ${oxmClass} field ${oxmField} out of range`);
  }
  w.u32(((oxmClass << 16) | (oxmField << 9) | (hasMask ? 0x100 : 0) | body.length) >>> 0);
  w.bytes(body);
  return -1;
}

function encodeMasked(w: Writer, e: OxmBasic, d: OxmFieldDef, errs: OxmErrors): number {
  if (!d.maskable) {
    throw new OfCodecError(errs.errType, errs.badMask, `${d.name} cannot be masked`);
  }
  const width = d.width;
  const tlvLen = 4 + 2 * width;
  w.ensure(tlvLen);
  const p = w.pos;
  w.dv.setUint32(p, HEADER_MASKED[d.id]!);
  if (!writeValueAt(w, p + 4, d, e.value)) badValue(errs, d.name, 'value', e.value);
  if (!writeValueAt(w, p + 4 + width, d, e.mask)) badValue(errs, d.name, 'mask', e.mask);
  // The spec (and Open vSwitch) reject a value with 1-bits the mask wildcards.
  const b = w.buf;
  for (let i = p + 4; i < p + 4 + width; i++) {
    if ((b[i]! & ~b[i + width]!) !== 0) {
      throw new OfCodecError(errs.errType, errs.badWildcards, `${d.name} value ${String(e.value)} has bits set outside its mask ${String(e.mask)}`);
    }
  }
  w.pos = p + tlvLen;
  return d.id;
}

