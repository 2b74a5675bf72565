/**
 * weft's packet-header library: decode packet-in frames (parseFrame) and build frames for
 * packet-out. Decoding never throws; builders and address parsers throw a plain Error on bad
 * input.
 */
export { parseFrame, parseIpPacket } from './frame.js';
export type * from './types.js';
export * from './constants.js';
export * from './addr.js';
export { onesSum, finishChecksum, internetChecksum, pseudoHeaderSum, transportChecksum, checksumFor } from './checksum.js';
export { buildEthernet, type EthernetSpec, type VlanSpec } from './ethernet.js';
export { buildArp, arpRequestFrame, arpReplyFrame, type ArpSpec, type ArpFrameCommon } from './arp.js';
export { buildIpv4, type Ipv4Spec } from './ipv4.js';
export { buildIpv6, type Ipv6Spec } from './ipv6.js';
export { buildIcmpEcho, buildIcmpError, type IcmpEchoSpec } from './icmp.js';
export {
  buildIcmpv6,
  buildIcmpv6Echo,
  buildIcmpv6Error,
  buildNeighborSolicitation,
  buildNeighborAdvertisement,
  type Icmpv6Spec,
  type NeighborAdvertisementSpec,
} from './icmpv6.js';
export { buildUdp, type UdpSpec } from './udp.js';
export { buildTcp, type TcpSpec } from './tcp.js';
export { buildLldp, lldpFrame, type LldpSpec, type LldpIdSpec } from './lldp.js';
