import type { ArpPacket, EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header, Ipv6Header, LldpPdu, ParsedFrame, TcpHeader, UdpHeader } from './types.js';

/**
 * The object parseFrame fills in. A class with every layer initialised keeps one hidden class
 * for all frames (the decoders stay monomorphic); absent layers are undefined, which
 * JSON.stringify drops.
 */
export class FrameState implements ParsedFrame {
  eth!: EthernetHeader;
  arp: ArpPacket | undefined = undefined;
  ipv4: Ipv4Header | undefined = undefined;
  ipv6: Ipv6Header | undefined = undefined;
  icmp: IcmpHeader | undefined = undefined;
  icmpv6: Icmpv6Header | undefined = undefined;
  tcp: TcpHeader | undefined = undefined;
  udp: UdpHeader | undefined = undefined;
  lldp: LldpPdu | undefined = undefined;
  payloadOffset = 0;
  truncated: boolean | undefined = undefined;
  error: string | undefined = undefined;
}

/** Record where decoding stopped: `what` needed `need` bytes at `off` but only `end - off` remain. */
export function short(f: FrameState, what: string, off: number, need: number, end: number): void {
  f.payloadOffset = off;
  f.error = `${what}: needs ${need} bytes at offset ${off}, ${Math.max(0, end - off)} left`;
}

export function bad(f: FrameState, off: number, msg: string): void {
  f.payloadOffset = off;
  f.error = msg;
}
