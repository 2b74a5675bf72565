/**
 * weft's packet-header library: decode packet-in frames (parseFrame) and build frames for
 * packet-out. Decoding never throws; builders and address parsers throw a plain Error on bad
 * input.
 *
 *   const f = parseFrame(packetIn.data);
 *   if (f.arp?.op === ARP_OP.REQUEST) reply(arpReplyFrame({ sha: myMac, spa: f.arp.tpa, tha: f.arp.sha, tpa: f.arp.spa }));
 *   if (f.udp && f.ipv4) learn(f.ipv4.srcNum, f.eth.srcNum);
 *
 * Builders nest, innermost first, and compute every length and checksum:
 *
 *   buildEthernet({ dst, src, ethType: ETH_TYPE.IPV4 },
 *     buildIpv4({ src: a, dst: b, protocol: IP_PROTO.UDP },
 *       buildUdp({ srcPort, dstPort, src: a, dst: b }, data)));
 */
export { parseFrame, parseIpPacket } from './frame.js';
export type * from './types.js';
export * from './constants.js';
export {
  BROADCAST_MAC,
  ZERO_MAC,
  parseMac,
  formatMac,
  isMac,
  normalizeMac,
  macToNumber,
  numberToMac,
  isMulticastMac,
  ipv4ToNumber,
  numberToIpv4,
  parseIpv4,
  formatIpv4,
  isIpv4,
  parseIpv6,
  formatIpv6,
  isIpv6,
  normalizeIpv6,
  parseIp,
  formatIp,
  solicitedNodeAddress,
  ipv6MulticastMac,
  ipv4Mask,
  parseCidr,
  formatCidr,
  cidrContains,
  type Cidr,
  type Ipv4Cidr,
  type Ipv6Cidr,
} from './addr.js';
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
export { buildRouterAdvertisement, buildRouterSolicitation, type RaPrefixSpec, type RouterAdvertisementSpec } from './icmpv6-router.js';
export { buildUdp, type UdpSpec } from './udp.js';
export { buildTcp, type TcpSpec } from './tcp.js';
export { buildLldp, lldpFrame, type LldpSpec, type LldpIdSpec } from './lldp.js';
