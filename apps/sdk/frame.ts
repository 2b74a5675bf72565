/**
 * The decoded frame of a packet-in: protocol/packet's parseFrame result (Ethernet, VLAN tags,
 * ARP, IPv4/IPv6, ICMP/ICMPv6, TCP/UDP, LLDP). It never throws: a malformed frame has `error`.
 */
import { parseFrame } from '../../protocol/packet/index.js';
import type { ParsedFrame } from '../../protocol/packet/index.js';

export type Frame = ParsedFrame;

export function decodeFrame(data: Uint8Array): Frame {
  return parseFrame(data);
}
