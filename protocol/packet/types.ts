/**
 * What parseFrame returns. Addresses are canonical strings (MAC aa:bb:..., dotted IPv4, RFC 5952
 * IPv6). On the hot path the string forms are computed on first access and cached (formatting
 * is most of the cost of a decode), so they read the frame's bytes lazily: if a caller reuses
 * the buffer it parsed, it must read the strings it needs first. JSON.stringify and
 * console.log show the plain fields.
 */

export interface VlanTag {
  tpid: number;
  /** Priority code point, 0..7. */
  pcp: number;
  /** Drop eligible indicator, 0 or 1. */
  dei: number;
  vid: number;
}

export interface EthernetHeader {
  readonly dst: string;
  readonly src: string;
  /** 48-bit numeric forms, cheaper than strings as Map keys. */
  readonly dstNum: number;
  readonly srcNum: number;
  /** The EtherType after any VLAN tags (values below 0x0600 are 802.3 lengths). */
  readonly ethType: number;
  /** Tags outermost first; empty when untagged. */
  readonly vlans: readonly VlanTag[];
}

/** ARP for Ethernet/IPv4 (htype 1, ptype 0x0800); other kinds are reported as an error. */
export interface ArpPacket {
  readonly htype: number;
  readonly ptype: number;
  readonly op: number;
  readonly sha: string;
  readonly spa: string;
  readonly tha: string;
  readonly tpa: string;
  readonly spaNum: number;
  readonly tpaNum: number;
}

export interface Ipv4Header {
  /** IHL in bytes (20 without options); options are skipped, not decoded. */
  readonly headerLength: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number;
  readonly id: number;
  readonly df: boolean;
  readonly mf: boolean;
  /** Fragment offset in 8-byte units, as on the wire. */
  readonly fragOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: string;
  readonly dst: string;
  readonly srcNum: number;
  readonly dstNum: number;
}

export interface Ipv6Fragment {
  id: number;
  /** In 8-byte units. */
  offset: number;
  more: boolean;
}

export interface Ipv6Header {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  /** The Next Header field of the fixed header. */
  readonly nextHeader: number;
  readonly hopLimit: number;
  /** The upper-layer protocol after skipping extension headers (ESP and 59 end the chain). */
  readonly protocol: number;
  /** Extension header types skipped, in order. */
  readonly extHeaders: readonly number[];
  readonly fragment: Ipv6Fragment | undefined;
  readonly src: string;
  readonly dst: string;
  /** Views (not copies) of the 16 address bytes. */
  readonly srcBytes: Uint8Array;
  readonly dstBytes: Uint8Array;
}

export interface IcmpHeader {
  type: number;
  code: number;
  checksum: number;
  /** Echo request/reply. */
  id?: number;
  seq?: number;
  /** Destination unreachable / fragmentation needed (code 4): the next-hop MTU. */
  mtu?: number;
  /** Redirect: the gateway address. */
  gateway?: string;
  /** Parameter problem: the byte pointer. */
  pointer?: number;
  /** Error messages: the quoted original datagram (IP header + leading bytes), a view. */
  original?: Uint8Array;
}

export interface NdpPrefix {
  prefix: string;
  prefixLength: number;
  onLink: boolean;
  autonomous: boolean;
  validLifetime: number;
  preferredLifetime: number;
}

export interface Icmpv6Header {
  type: number;
  code: number;
  checksum: number;
  id?: number;
  seq?: number;
  /** Packet too big: the MTU. MTU option of a router advertisement: linkMtu. */
  mtu?: number;
  pointer?: number;
  original?: Uint8Array;
  /** Neighbour solicitation / advertisement / redirect target. */
  target?: string;
  /** Redirect destination. */
  destination?: string;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  sourceLinkAddr?: string;
  targetLinkAddr?: string;
  /** Router advertisement. */
  curHopLimit?: number;
  managed?: boolean;
  otherConfig?: boolean;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  linkMtu?: number;
  prefixes?: NdpPrefix[];
}

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Data offset in bytes (20 without options); options are skipped. */
  headerLength: number;
  /** The 9 flag bits; test with TCP_FLAGS. */
  flags: number;
  window: number;
  checksum: number;
  urgentPointer: number;
}

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
}

export interface LldpId {
  subtype: number;
  /**
   * Text form: MAC subtypes as aa:bb:.., network addresses as IP text, agent circuit ids and
   * unknown subtypes as hex, the rest decoded as UTF-8. `raw` has the exact bytes.
   */
  id: string;
  raw: Uint8Array;
}

export interface LldpOrgTlv {
  /** 24-bit OUI as a number (0x0080c2 is IEEE 802.1). */
  oui: number;
  subtype: number;
  info: Uint8Array;
}

export interface LldpPdu {
  chassisId: LldpId;
  portId: LldpId;
  ttl: number;
  portDescription?: string;
  systemName?: string;
  systemDescription?: string;
  systemCapabilities?: { capabilities: number; enabled: number };
  orgSpecific: LldpOrgTlv[];
  /** Any other TLV (management address included), undecoded. */
  unknown: { type: number; value: Uint8Array }[];
}

/** The layers parseFrame found, each present only if decoded. */
export interface ParsedLayers {
  arp?: ArpPacket;
  ipv4?: Ipv4Header;
  ipv6?: Ipv6Header;
  icmp?: IcmpHeader;
  icmpv6?: Icmpv6Header;
  tcp?: TcpHeader;
  udp?: UdpHeader;
  lldp?: LldpPdu;
  /** Offset of the first byte after the last decoded header (where decoding stopped on error). */
  payloadOffset: number;
  /**
   * The IP header declares more bytes than the frame holds (a packet-in cut at miss_send_len,
   * for instance). The headers that fit are decoded; this alone is not an error.
   */
  truncated?: boolean;
  /** Why decoding stopped early: which header, at which offset. Absent when all went well. */
  error?: string;
}

export interface ParsedFrame extends ParsedLayers {
  /**
   * Always present. For a frame shorter than 14 bytes the missing bytes read as zero and
   * `error` says so.
   */
  eth: EthernetHeader;
}

/** parseIpPacket's result: the same layers without Ethernet. */
export type ParsedIpPacket = ParsedLayers;
