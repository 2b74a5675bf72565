/**
 * The 40 OpenFlow 1.3 basic OXM fields, then Open vSwitch's conntrack fields (class OFPXMC_OPENFLOW_BASIC = 0x8000), named as the
 * spec and Ryu name them, with the value type an app uses for each.
 * Numbers for fields up to 32 bits, bigint for 64-bit fields, canonical strings for MAC,
 * IPv4 and IPv6 addresses. vlan_vid includes the OFPVID_PRESENT bit (0x1000) as on the wire.
 */
export interface OxmValueTypes {
  in_port: number;
  in_phy_port: number;
  metadata: bigint;
  eth_dst: string;
  eth_src: string;
  eth_type: number;
  vlan_vid: number;
  vlan_pcp: number;
  ip_dscp: number;
  ip_ecn: number;
  ip_proto: number;
  ipv4_src: string;
  ipv4_dst: string;
  tcp_src: number;
  tcp_dst: number;
  udp_src: number;
  udp_dst: number;
  sctp_src: number;
  sctp_dst: number;
  icmpv4_type: number;
  icmpv4_code: number;
  arp_op: number;
  arp_spa: string;
  arp_tpa: string;
  arp_sha: string;
  arp_tha: string;
  ipv6_src: string;
  ipv6_dst: string;
  ipv6_flabel: number;
  icmpv6_type: number;
  icmpv6_code: number;
  ipv6_nd_target: string;
  ipv6_nd_sll: string;
  ipv6_nd_tll: string;
  mpls_label: number;
  mpls_tc: number;
  mpls_bos: number;
  pbb_isid: number;
  tunnel_id: bigint;
  ipv6_exthdr: number;
  // Open vSwitch connection tracking fields (class NXM_1 = 0x0001, not OpenFlow basic), matched
  // after ct(table=...): ct_state bits (CT_STATE in nicira/constants.ts: +trk = 0x20, +new = 0x01
  // ...), the zone, the 32-bit mark and the 128-bit label.
  ct_state: number;
  ct_zone: number;
  ct_mark: number;
  ct_label: bigint;
  // Open vSwitch tunnel destination (NXM_NX_TUN_IPV4_DST, class NXM_1 field 32): matched on
  // packets received from a tunnel, set before output to a flow-based tunnel port.
  tun_dst: string;
}

export type OxmFieldName = keyof OxmValueTypes;

/** A basic OXM TLV: field, value and optional mask of the same type. */
export type OxmBasic = {
  [K in OxmFieldName]: { field: K; value: OxmValueTypes[K]; mask?: OxmValueTypes[K] };
}[OxmFieldName];

/**
 * An OXM TLV of another class (Nicira NXM_0/NXM_1, experimenter 0xffff, ...) or an unknown basic
 * field, kept as opaque bytes so a message from a switch re-encodes byte for byte. `body` is
 * everything after the 4-byte OXM header (value, then mask when hasMask).
 */
export interface OxmOpaque {
  field: 'opaque';
  oxmClass: number;
  oxmField: number;
  hasMask: boolean;
  body: Uint8Array;
}

export type OxmEntry = OxmBasic | OxmOpaque;

/** An OpenFlow 1.3 match (OFPMT_OXM): OXM entries in wire order. */
export type Match = OxmEntry[];
