/** Numbers from the header RFCs and IEEE registries, by the names the standards use. */

export const ETH_TYPE = {
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100, // 802.1Q C-tag
  QINQ: 0x88a8, // 802.1ad S-tag
  VLAN_LEGACY_QINQ: 0x9100, // pre-standard S-tag, still seen on the wire
  IPV6: 0x86dd,
  LLDP: 0x88cc,
  MPLS: 0x8847,
} as const;

/** TPIDs the decoder treats as a VLAN tag followed by another EtherType. */
export const VLAN_TPIDS: readonly number[] = [ETH_TYPE.VLAN, ETH_TYPE.QINQ, ETH_TYPE.VLAN_LEGACY_QINQ];

export const IP_PROTO = {
  HOPOPT: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
} as const;

export const ARP_OP = { REQUEST: 1, REPLY: 2 } as const;

export const ICMP_TYPE = {
  ECHO_REPLY: 0,
  DEST_UNREACHABLE: 3,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Codes of ICMP destination unreachable (RFC 792, RFC 1812). */
export const ICMP_UNREACH = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  FRAG_NEEDED: 4,
  ADMIN_PROHIBITED: 13,
} as const;

/** Codes of ICMP time exceeded. */
export const ICMP_TIME_EXCEEDED = { TTL: 0, REASSEMBLY: 1 } as const;

export const ICMPV6_TYPE = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_SOLICITATION: 133,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_SOLICITATION: 135,
  NEIGHBOR_ADVERTISEMENT: 136,
  REDIRECT: 137,
} as const;

/** Neighbour discovery option types (RFC 4861 section 4.6). */
export const NDP_OPTION = {
  SOURCE_LINK_ADDR: 1,
  TARGET_LINK_ADDR: 2,
  PREFIX_INFO: 3,
  REDIRECTED_HEADER: 4,
  MTU: 5,
} as const;

/** TCP flag bits as they sit in the low 9 bits of the offset/flags word. */
export const TCP_FLAGS = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

/** LLDP TLV types (IEEE 802.1AB). */
export const LLDP_TLV = {
  END: 0,
  CHASSIS_ID: 1,
  PORT_ID: 2,
  TTL: 3,
  PORT_DESCRIPTION: 4,
  SYSTEM_NAME: 5,
  SYSTEM_DESCRIPTION: 6,
  SYSTEM_CAPABILITIES: 7,
  MANAGEMENT_ADDRESS: 8,
  ORG_SPECIFIC: 127,
} as const;

export const LLDP_CHASSIS_SUBTYPE = {
  CHASSIS_COMPONENT: 1,
  INTERFACE_ALIAS: 2,
  PORT_COMPONENT: 3,
  MAC_ADDRESS: 4,
  NETWORK_ADDRESS: 5,
  INTERFACE_NAME: 6,
  LOCALLY_ASSIGNED: 7,
} as const;

export const LLDP_PORT_SUBTYPE = {
  INTERFACE_ALIAS: 1,
  PORT_COMPONENT: 2,
  MAC_ADDRESS: 3,
  NETWORK_ADDRESS: 4,
  INTERFACE_NAME: 5,
  AGENT_CIRCUIT_ID: 6,
  LOCALLY_ASSIGNED: 7,
} as const;

/** The nearest-bridge group address LLDP frames are sent to; bridges never forward it. */
export const LLDP_MULTICAST_MAC = '01:80:c2:00:00:0e';

/** IANA address family numbers used in LLDP network-address ids. */
export const IANA_AF = { IPV4: 1, IPV6: 2 } as const;
