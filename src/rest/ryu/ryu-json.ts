/**
 * Ryu's match spellings (ofctl_v1_3.to_match / match_to_str), converted to and from our OXM
 * list. Requests take OXM names plus Ryu's OpenFlow 1.0 aliases (dl_src, dl_dst, dl_type,
 * dl_vlan, nw_src, nw_dst, nw_proto, tp_src, tp_dst); nw_src/nw_dst mean arp_spa/arp_tpa when
 * dl_type is ARP; tp_src/tp_dst become tcp_* or udp_* by ip_proto. Values: "a.b.c.d/24" or
 * "/255.255.255.0", "mac/mask", "0x1212/0xffff"; dl_vlan/vlan_vid as a decimal number (or
 * decimal string) get OFPVID_PRESENT added, a hex string is the raw OXM value ("0x0000" is
 * untagged, "0x1000/0x1000" any tag). Responses use Ryu's names back (dl_*, nw_*, tp_*).
 */
import { OFPVID_PRESENT } from '../../../protocol/index.js';
import type { Match, OxmBasic, OxmEntry } from '../../../protocol/index.js';
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6Into, parseMacInto } from '../../../protocol/openflow/oxm-values.js';
import { matchFromFriendly } from '../match-json.js';
import { opaqueToRyu } from './ryu-nxm.js';
import { bad, n64, PORTS, pyInt } from './ryu-values.js';

const ALIASES: Readonly<Record<string, string>> = {
  dl_dst: 'eth_dst',
  dl_src: 'eth_src',
  dl_type: 'eth_type',
  dl_vlan: 'vlan_vid',
  nw_src: 'ipv4_src',
  nw_dst: 'ipv4_dst',
  nw_proto: 'ip_proto',
};

const ETH_TYPE_ARP = 0x0806;

/** Ryu's vlan_vid value rules -> the raw OXM value, as the native friendly form spells it. */
function vlanValue(v: unknown, field: string): string | number {
  if (typeof v === 'number') {
    // Ryu ORs OFPVID_PRESENT into any integer: 4102 (0x1006, the bit already set) is VLAN 6.
    if (!Number.isInteger(v) || v < 0 || v > 0x1fff) bad(field, `expected a VLAN id 0-4095 (or 4096-8191 with OFPVID_PRESENT set), got ${v}`);
    return `0x${(v | OFPVID_PRESENT).toString(16)}`;
  }
  if (typeof v !== 'string') return bad(field, `expected a VLAN id, got ${JSON.stringify(v)}`);
  const s = v.trim();
  if (s.includes('/')) {
    const [val, mask] = s.split('/');
    const a = pyInt(val);
    const m = pyInt(mask);
    if (a === undefined || m === undefined) bad(field, `expected "value/mask", got ${JSON.stringify(v)}`);
    return `0x${a!.toString(16)}/0x${m!.toString(16)}`;
  }
  if (/^\d+$/.test(s)) return vlanValue(Number(s), field);
  const raw = pyInt(s);
  if (raw === undefined) bad(field, `expected a VLAN id, got ${JSON.stringify(v)}`);
  return `0x${raw!.toString(16)}`;
}

/** Integers as Python's int(x, 0) reads them, handed on as decimal text (masks kept). */
function intText(v: unknown, field: string): string | number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return bad(field, `expected an integer, got ${JSON.stringify(v)}`);
  const parts = v.split('/');
  if (parts.length > 2) bad(field, `expected "value" or "value/mask", got ${JSON.stringify(v)}`);
  const nums = parts.map((p) => pyInt(p));
  if (nums.some((n) => n === undefined)) bad(field, `expected an integer, got ${JSON.stringify(v)}`);
  return nums.map((n) => n!.toString(10)).join('/');
}

const ADDRESS_FIELDS = new Set(['eth_dst', 'eth_src', 'arp_sha', 'arp_tha', 'ipv6_nd_sll', 'ipv6_nd_tll', 'ipv4_src', 'ipv4_dst', 'arp_spa', 'arp_tpa', 'ipv6_src', 'ipv6_dst', 'ipv6_nd_target']);

/** A Ryu match dict -> OXM list (prerequisites checked, unknown fields refused). */
export function matchFromRyu(obj: unknown, path = 'match'): Match {
  if (obj === undefined || obj === null) return [];
  if (typeof obj !== 'object' || Array.isArray(obj)) return bad(path, 'expected an object of match fields');
  const attrs = { ...(obj as Record<string, unknown>) };
  const ethType = pyInt(attrs.dl_type ?? attrs.eth_type);
  if (ethType === BigInt(ETH_TYPE_ARP)) {
    if ('nw_src' in attrs && !('arp_spa' in attrs)) (attrs.arp_spa = attrs.nw_src), delete attrs.nw_src;
    if ('nw_dst' in attrs && !('arp_tpa' in attrs)) (attrs.arp_tpa = attrs.nw_dst), delete attrs.nw_dst;
  }
  const ipProto = pyInt(attrs.nw_proto ?? attrs.ip_proto);
  const friendly: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const field = `${path}.${key}`;
    let name = ALIASES[key] ?? key;
    if (key === 'tp_src' || key === 'tp_dst') {
      const l4 = ipProto === 6n ? 'tcp' : ipProto === 17n ? 'udp' : undefined;
      if (!l4) bad(field, `${key} needs nw_proto/ip_proto 6 (TCP) or 17 (UDP)`);
      name = `${l4}_${key.slice(3)}`;
    }
    if (name in friendly) bad(field, `${name} given twice`);
    if (name === 'vlan_vid') friendly[name] = vlanValue(value, field);
    else if (name === 'in_port') friendly[name] = PORTS.fromUser(value, field);
    else if (ADDRESS_FIELDS.has(name)) friendly[name] = value;
    else friendly[name] = intText(value, field);
  }
  return matchFromFriendly(friendly, path).map(maskValue);
}

const bytesA = new Uint8Array(16);
const bytesB = new Uint8Array(16);

/**
 * Clear the value's bits its mask wildcards ("192.168.0.1/24" -> 192.168.0.0/24), as Open vSwitch
 * does with what Ryu sends; the native API refuses such values instead (OFPBMC_BAD_WILDCARDS).
 */
export function maskValue(e: OxmEntry): OxmEntry {
  const b = e as OxmBasic & { value: unknown; mask?: unknown };
  if (e.field === 'opaque' || b.mask === undefined) return e;
  const { value, mask } = b;
  if (typeof value === 'bigint' && typeof mask === 'bigint') return { ...b, value: value & mask } as OxmEntry;
  if (typeof value === 'number' && typeof mask === 'number') return { ...b, value: Number(BigInt(value) & BigInt(mask)) } as OxmEntry;
  if (typeof value !== 'string' || typeof mask !== 'string') return e;
  const v4 = parseIpv4(value);
  const m4 = parseIpv4(mask);
  if (v4 >= 0 && m4 >= 0) return { ...b, value: formatIpv4((v4 & m4) >>> 0) } as OxmEntry;
  if (parseMacInto(value, bytesA, 0) && parseMacInto(mask, bytesB, 0)) {
    for (let i = 0; i < 6; i++) bytesA[i]! &= bytesB[i]!;
    return { ...b, value: formatMac(bytesA, 0) } as OxmEntry;
  }
  if (parseIpv6Into(value, bytesA, 0) && parseIpv6Into(mask, bytesB, 0)) {
    for (let i = 0; i < 16; i++) bytesA[i]! &= bytesB[i]!;
    return { ...b, value: formatIpv6(bytesA, 0) } as OxmEntry;
  }
  return e;
}

const RYU_NAMES: Readonly<Record<string, string>> = {
  eth_src: 'dl_src',
  eth_dst: 'dl_dst',
  eth_type: 'dl_type',
  vlan_vid: 'dl_vlan',
  ipv4_src: 'nw_src',
  ipv4_dst: 'nw_dst',
  ip_proto: 'nw_proto',
  tcp_src: 'tp_src',
  tcp_dst: 'tp_dst',
  udp_src: 'tp_src',
  udp_dst: 'tp_dst',
  tun_dst: 'tun_ipv4_dst',
};

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

/** Ryu's match_vid_to_str: "0x1000/0x1000", "5" (a tagged id, as a string), "0x0000". */
export function vidToRyu(value: number, mask: number | undefined): string {
  if (mask !== undefined) return `${hex4(value)}/${hex4(mask)}`;
  if (value & OFPVID_PRESENT) return String(value & ~OFPVID_PRESENT);
  return hex4(value);
}

/** Python's str() of an OXM value: integers in decimal, addresses as text. */
const pyStr = (v: unknown): string => (typeof v === 'bigint' ? v.toString(10) : String(v));

/** OXM list -> Ryu's match dict (match_to_str); NXM fields (reg0, pkt_mark ...) by Ryu's names. */
export function matchToRyu(match: readonly OxmEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of match) {
    if (e.field === 'opaque') {
      const nx = opaqueToRyu(e);
      if (nx && !(nx[0] in out)) out[nx[0]] = nx[1];
      continue;
    }
    const b = e as OxmBasic & { value: unknown; mask?: unknown };
    const key = RYU_NAMES[b.field] ?? b.field;
    let value: unknown;
    if (b.field === 'vlan_vid') value = vidToRyu(b.value as number, b.mask as number | undefined);
    else if (b.field === 'in_port') value = PORTS.toUser(b.value as number);
    else if (b.mask !== undefined) value = `${pyStr(b.value)}/${pyStr(b.mask)}`;
    else value = typeof b.value === 'bigint' ? n64(b.value) : b.value;
    if (!(key in out)) out[key] = value;
  }
  return out;
}
