/**
 * Open vSwitch's NXM match fields as Ryu names and prints them (Ryu folds nicira_ext's field list
 * into its OpenFlow 1.3 OXM table): reg0-15, pkt_mark, tcp_flags_nxm, tun_ipv4_src, conj_id ...
 * Fields with a basic OXM twin carry the suffix _nxm. A field Ryu cannot name prints as
 * "field_<n>", n = class << 7 | field, as Ryu does.
 */
import type { OxmEntry } from '../../../protocol/index.js';
import { OXM_FIELDS } from '../../../protocol/openflow/oxm.js';
import { formatIpv4, formatIpv6, formatMac } from '../../../protocol/openflow/oxm-values.js';
import { n64 } from './ryu-values.js';

type Kind = 'int' | 'mac' | 'ipv4' | 'ipv6';

const NXM0: Readonly<Record<number, [string, Kind]>> = {
  0: ['in_port_nxm', 'int'], 1: ['eth_dst_nxm', 'mac'], 2: ['eth_src_nxm', 'mac'], 3: ['eth_type_nxm', 'int'], 4: ['vlan_tci', 'int'],
  5: ['nw_tos', 'int'], 6: ['ip_proto_nxm', 'int'], 7: ['ipv4_src_nxm', 'ipv4'], 8: ['ipv4_dst_nxm', 'ipv4'], 9: ['tcp_src_nxm', 'int'],
  10: ['tcp_dst_nxm', 'int'], 11: ['udp_src_nxm', 'int'], 12: ['udp_dst_nxm', 'int'], 13: ['icmpv4_type_nxm', 'int'], 14: ['icmpv4_code_nxm', 'int'],
  15: ['arp_op_nxm', 'int'], 16: ['arp_spa_nxm', 'ipv4'], 17: ['arp_tpa_nxm', 'ipv4'],
};

const NXM1: Record<number, [string, Kind]> = {
  16: ['tunnel_id_nxm', 'int'], 17: ['arp_sha_nxm', 'mac'], 18: ['arp_tha_nxm', 'mac'], 19: ['ipv6_src_nxm', 'ipv6'], 20: ['ipv6_dst_nxm', 'ipv6'],
  21: ['icmpv6_type_nxm', 'int'], 22: ['icmpv6_code_nxm', 'int'], 23: ['nd_target', 'ipv6'], 24: ['nd_sll', 'mac'], 25: ['nd_tll', 'mac'],
  26: ['ip_frag', 'int'], 27: ['ipv6_label', 'int'], 28: ['ip_ecn_nxm', 'int'], 29: ['nw_ttl', 'int'], 30: ['mpls_ttl', 'int'],
  31: ['tun_ipv4_src', 'ipv4'], 32: ['tun_ipv4_dst', 'ipv4'], 33: ['pkt_mark', 'int'], 34: ['tcp_flags_nxm', 'int'], 36: ['_recirc_id', 'int'],
  37: ['conj_id', 'int'], 38: ['tun_gbp_id', 'int'], 39: ['tun_gbp_flags', 'int'], 104: ['tun_flags', 'int'], 105: ['ct_state', 'int'],
  106: ['ct_zone', 'int'], 107: ['ct_mark', 'int'], 108: ['ct_label', 'int'], 109: ['tun_ipv6_src', 'ipv6'], 110: ['tun_ipv6_dst', 'ipv6'],
};
for (let i = 0; i < 16; i++) NXM1[i] = [`reg${i}`, 'int'];
for (let i = 0; i < 4; i++) NXM1[111 + i] = [`xxreg${i}`, 'int'];

function nxmField(oxmClass: number, field: number): [string, Kind] | undefined {
  return oxmClass === 0 ? NXM0[field] : oxmClass === 1 ? NXM1[field] : undefined;
}

/** Ryu's name for an OXM/NXM (class, field): "eth_dst", "reg0", or "field_<n>". */
export function oxmNameRyu(oxmClass: number, field: number): string {
  if (oxmClass === 0x8000 && OXM_FIELDS[field]) return OXM_FIELDS[field]!.name;
  return nxmField(oxmClass, field)?.[0] ?? `field_${oxmClass * 128 + field}`;
}

/** The name in a 32-bit NXM/OXM header (class 16 | field 7 | hasmask 1 | length 8). */
export const headerNameRyu = (header: number): string => oxmNameRyu(header >>> 16, (header >>> 9) & 0x7f);

function valueText(b: Uint8Array, off: number, len: number, kind: Kind): string | number | bigint {
  if (kind === 'mac' && len === 6) return formatMac(b, off);
  if (kind === 'ipv4' && len === 4) return formatIpv4(((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0);
  if (kind === 'ipv6' && len === 16) return formatIpv6(b, off);
  let n = 0n;
  for (let i = 0; i < len; i++) n = (n << 8n) | BigInt(b[off + i]!);
  return n64(n);
}

/** An NXM entry the codec keeps opaque -> [Ryu's name, value as match_to_str prints it], or undefined. */
export function opaqueToRyu(e: OxmEntry): [string, unknown] | undefined {
  if (e.field !== 'opaque') return undefined;
  const f = nxmField(e.oxmClass, e.oxmField);
  if (!f) return undefined;
  const width = e.hasMask ? e.body.length / 2 : e.body.length;
  if (!Number.isInteger(width) || width === 0) return undefined;
  const value = valueText(e.body, 0, width, f[1]);
  if (!e.hasMask) return [f[0], value];
  return [f[0], `${String(value)}/${String(valueText(e.body, width, width, f[1]))}`];
}
