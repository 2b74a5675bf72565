/**
 * The friendly match form of the native API: an object keyed by OXM field name,
 *   { "in_port": 1, "eth_type": "0x800", "ipv4_dst": "10.0.0.0/24", "eth_src": "02:00:00:00:00:01/ff:ff:ff:00:00:00" }
 * masks as "value/mask" (CIDR for IP prefixes). vlan_vid: a number is the VLAN id (the
 * OFPVID_PRESENT bit is added), "none" is untagged, "present" any tagged frame, and a
 * "0x1005/0x1fff" string is the raw wire value. Entries become OXM TLVs in field-number order.
 */
import { checkPrerequisites, OXM_FIELD_NUMBERS } from '../../protocol/openflow/match.js';
import { oxmField, OxmKind } from '../../protocol/openflow/oxm.js';
import type { OxmFieldDef } from '../../protocol/openflow/oxm.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6Into, parseMacInto } from '../../protocol/openflow/oxm-values.js';
import { OFPVID_PRESENT, OfCodecError } from '../../protocol/index.js';
import { ctState, formatCtState } from '../../protocol/openflow/nicira/index.js';
import type { Match, OxmBasic, OxmEntry } from '../../protocol/index.js';
import { bad, HttpError, openflowNames, prefixField } from './errors.js';
import { formatPort, hex64, parsePort, parseU64, parseUint } from './values.js';

export type FriendlyMatch = Record<string, number | string>;

const macScratch = new Uint8Array(6);
const v6Scratch = new Uint8Array(16);

function splitMask(v: unknown): [unknown, string | undefined] {
  if (typeof v !== 'string') return [v, undefined];
  const slash = v.indexOf('/');
  return slash < 0 ? [v, undefined] : [v.slice(0, slash).trim(), v.slice(slash + 1).trim()];
}

function ipv4Mask(m: string, field: string): string {
  if (/^\d{1,2}$/.test(m)) {
    const len = Number(m);
    if (len > 32) bad(field, `prefix length ${len} is above 32`);
    return formatIpv4(len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
  }
  if (parseIpv4(m) < 0) bad(field, `expected an IPv4 mask or prefix length, got ${JSON.stringify(m)}`);
  return m;
}

function ipv6Mask(m: string, field: string): string {
  if (/^\d{1,3}$/.test(m)) {
    const len = Number(m);
    if (len > 128) bad(field, `prefix length ${len} is above 128`);
    const b = new Uint8Array(16);
    for (let i = 0; i < 16; i++) b[i] = len >= (i + 1) * 8 ? 0xff : len <= i * 8 ? 0 : (0xff << (8 - (len - i * 8))) & 0xff;
    return formatIpv6(b, 0);
  }
  if (!parseIpv6Into(m, v6Scratch, 0)) bad(field, `expected an IPv6 mask or prefix length, got ${JSON.stringify(m)}`);
  return m;
}

function vlanEntry(v: unknown, field: string): OxmBasic {
  if (v === 'none') return { field: 'vlan_vid', value: 0 };
  if (v === 'present') return { field: 'vlan_vid', value: OFPVID_PRESENT, mask: OFPVID_PRESENT };
  if (typeof v === 'string' && v.includes('/')) {
    const [val, mask] = splitMask(v);
    return { field: 'vlan_vid', value: parseUint(val, 0x1fff, field), mask: parseUint(mask, 0x1fff, field) };
  }
  if (typeof v === 'string' && /^0[xX]/.test(v)) return { field: 'vlan_vid', value: parseUint(v, 0x1fff, field) };
  return { field: 'vlan_vid', value: parseUint(v, 0xfff, field) | OFPVID_PRESENT };
}

export function entryOf(def: OxmFieldDef, v: unknown, field: string): OxmBasic {
  if (def.name === 'vlan_vid') return vlanEntry(v, field);
  // ct_state also takes Open vSwitch's flag form, "+trk+new-est" (what reads show).
  if (def.name === 'ct_state' && typeof v === 'string' && /^[+-]/.test(v)) {
    try {
      return ctState(v) as OxmBasic;
    } catch (e) {
      return bad(field, (e as Error).message);
    }
  }
  const [val, mask] = splitMask(v);
  if (mask !== undefined && !def.maskable) bad(field, `${def.name} cannot be masked`);
  let value: unknown;
  let m: unknown;
  switch (def.kind) {
    case OxmKind.U64:
      value = parseU64(val, field);
      if (mask !== undefined) m = parseU64(mask, field);
      break;
    case OxmKind.MAC:
      if (!parseMacInto(val, macScratch, 0)) bad(field, `expected a MAC address, got ${JSON.stringify(val)}`);
      if (mask !== undefined && !parseMacInto(mask, macScratch, 0)) bad(field, `expected a MAC mask, got ${JSON.stringify(mask)}`);
      value = (val as string).toLowerCase();
      m = mask?.toLowerCase();
      break;
    case OxmKind.IPV4:
      if (parseIpv4(val) < 0) bad(field, `expected an IPv4 address, got ${JSON.stringify(val)}`);
      value = val;
      if (mask !== undefined) m = ipv4Mask(mask, field);
      if (m === '255.255.255.255') m = undefined;
      break;
    case OxmKind.IPV6:
      if (!parseIpv6Into(val, v6Scratch, 0)) bad(field, `expected an IPv6 address, got ${JSON.stringify(val)}`);
      value = formatIpv6(v6Scratch, 0);
      if (mask !== undefined) m = ipv6Mask(mask, field);
      break;
    default:
      value = def.name === 'in_port' || def.name === 'in_phy_port' ? parsePort(val, field) : parseUint(val, def.max, field);
      if (mask !== undefined) m = parseUint(mask, def.max, field);
  }
  return (m === undefined ? { field: def.name, value } : { field: def.name, value, mask: m }) as OxmBasic;
}

/** Friendly object -> OXM list (field-number order, prerequisites checked). `path` prefixes field names in errors. */
export function matchFromFriendly(obj: unknown, path = 'match'): Match {
  if (obj === undefined || obj === null) return [];
  if (typeof obj !== 'object' || Array.isArray(obj)) bad(path, 'expected an object keyed by OXM field name');
  const out: Match = [];
  try {
    for (const name in obj as Record<string, unknown>) {
      const def = oxmField(name);
      if (!def) bad(name, 'unknown match field (OXM names such as in_port, eth_dst, ipv4_src, tcp_dst)');
      out.push(entryOf(def!, (obj as Record<string, unknown>)[name], name));
    }
  } catch (e) {
    prefixField(e, path);
  }
  if (out.length > 1) out.sort((a, b) => OXM_FIELD_NUMBERS[(a as OxmBasic).field] - OXM_FIELD_NUMBERS[(b as OxmBasic).field]);
  try {
    checkPrerequisites(out);
  } catch (e) {
    if (e instanceof OfCodecError) throw new HttpError(400, 'bad_request', `${path}: ${e.message}`, path, openflowNames(e.errType, e.code));
    throw e;
  }
  return out;
}

function prefixLen(maskBytes: Uint8Array): number | undefined {
  let len = 0;
  let i = 0;
  for (; i < maskBytes.length && maskBytes[i] === 0xff; i++) len += 8;
  if (i < maskBytes.length) {
    const b = maskBytes[i]!;
    const ones = [0, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe].indexOf(b);
    if (ones < 0) return undefined;
    len += ones;
    for (i++; i < maskBytes.length; i++) if (maskBytes[i] !== 0) return undefined;
  }
  return len;
}

export function formatEntry(e: OxmBasic): number | string {
  if (e.field === 'vlan_vid') {
    if (e.mask === undefined && e.value === 0) return 'none';
    if (e.mask === OFPVID_PRESENT && e.value === OFPVID_PRESENT) return 'present';
    if (e.mask === undefined && e.value & OFPVID_PRESENT) return e.value & 0xfff;
    return e.mask === undefined ? `0x${e.value.toString(16)}` : `0x${e.value.toString(16)}/0x${e.mask.toString(16)}`;
  }
  const def = oxmField(e.field)!;
  const { value, mask } = e as { value: unknown; mask?: unknown };
  // As ovs-ofctl writes it: +trk+new (entryOf reads it back).
  if (e.field === 'ct_state') return formatCtState(value as number, (mask as number | undefined) ?? 0xffffffff);
  switch (def.kind) {
    case OxmKind.U64:
      return mask === undefined ? hex64(value as bigint) : `${hex64(value as bigint)}/${hex64(mask as bigint)}`;
    case OxmKind.IPV4: {
      if (mask === undefined) return value as string;
      const m = parseIpv4(mask);
      const b = new Uint8Array([m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff]);
      const len = prefixLen(b);
      return `${value as string}/${len ?? (mask as string)}`;
    }
    case OxmKind.IPV6: {
      if (mask === undefined) return value as string;
      parseIpv6Into(mask, v6Scratch, 0);
      const len = prefixLen(v6Scratch);
      return `${value as string}/${len ?? (mask as string)}`;
    }
    case OxmKind.MAC:
      return mask === undefined ? (value as string) : `${value as string}/${mask as string}`;
    default:
      if (mask !== undefined) return `0x${(value as number).toString(16)}/0x${(mask as number).toString(16)}`;
      return e.field === 'in_port' || e.field === 'in_phy_port' ? formatPort(value as number) : (value as number);
  }
}

/** OXM list -> friendly object. Non-basic (opaque) entries are listed under "opaque" as hex. */
export function matchToFriendly(match: readonly OxmEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of match) {
    if (e.field === 'opaque') {
      const list = (out.opaque ??= []) as unknown[];
      list.push({ oxmClass: e.oxmClass, oxmField: e.oxmField, hasMask: e.hasMask, body: Buffer.from(e.body).toString('hex') });
      continue;
    }
    out[e.field] = formatEntry(e);
  }
  return out;
}

/** JSON schema of the friendly match: every basic OXM field, numbers or strings. */
export const MATCH_SCHEMA = {
  $id: 'Match',
  type: 'object',
  description: 'OXM fields by name; masks as "value/mask" (CIDR for IP prefixes). See docs/REST.md.',
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.keys(OXM_FIELD_NUMBERS).map((name) => {
      const def = oxmField(name)!;
      const addr = def.kind === OxmKind.MAC || def.kind === OxmKind.IPV4 || def.kind === OxmKind.IPV6;
      return [name, addr ? { type: 'string' } : { type: ['integer', 'string'] }];
    }),
  ),
  examples: [{ in_port: 1, eth_type: '0x800', ipv4_dst: '10.0.0.0/24' }],
} as const;

/** The response form also may carry opaque entries. */
export const MATCH_OUT_SCHEMA = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }] },
} as const;
