import { BROADCAST_MAC, ZERO_MAC, formatIpv4Num, formatMac, ipv4ToNumber, parseMac } from './addr.js';
import { INSPECT, checkInt, put32, u16, u32 } from './bytes.js';
import { ARP_OP, ETH_TYPE } from './constants.js';
import { buildEthernet, type VlanSpec } from './ethernet.js';
import { bad, short, type FrameState } from './frame-state.js';
import type { ArpPacket } from './types.js';

const ARP_LEN = 28;

/** Ethernet/IPv4 ARP with its address strings formatted on first access. */
class Arp implements ArpPacket {
  readonly #d: Uint8Array;
  readonly #o: number;
  #sha: string | undefined = undefined;
  #tha: string | undefined = undefined;
  readonly htype = 1;
  readonly ptype = ETH_TYPE.IPV4;
  readonly op: number;
  readonly spaNum: number;
  readonly tpaNum: number;
  constructor(d: Uint8Array, o: number) {
    this.#d = d;
    this.#o = o;
    this.op = u16(d, o + 6);
    this.spaNum = u32(d, o + 14);
    this.tpaNum = u32(d, o + 24);
  }
  get sha(): string {
    return (this.#sha ??= formatMac(this.#d, this.#o + 8));
  }
  get tha(): string {
    return (this.#tha ??= formatMac(this.#d, this.#o + 18));
  }
  get spa(): string {
    return formatIpv4Num(this.spaNum);
  }
  get tpa(): string {
    return formatIpv4Num(this.tpaNum);
  }
  toJSON(): object {
    return { htype: this.htype, ptype: this.ptype, op: this.op, sha: this.sha, spa: this.spa, tha: this.tha, tpa: this.tpa };
  }
  [INSPECT](): object {
    return this.toJSON();
  }
}

export function decodeArp(d: Uint8Array, off: number, f: FrameState): void {
  const len = d.length;
  if (off + 8 > len) return short(f, 'arp', off, 8, len);
  const htype = u16(d, off);
  const ptype = u16(d, off + 2);
  if (htype !== 1 || ptype !== ETH_TYPE.IPV4 || d[off + 4] !== 6 || d[off + 5] !== 4) {
    return bad(f, off, `arp: unsupported htype ${htype} ptype 0x${ptype.toString(16)} hlen ${d[off + 4]} plen ${d[off + 5]} at offset ${off}`);
  }
  if (off + ARP_LEN > len) return short(f, 'arp', off, ARP_LEN, len);
  f.arp = new Arp(d, off);
  f.payloadOffset = off + ARP_LEN;
}

export interface ArpSpec {
  /** 1 request, 2 reply (ARP_OP). */
  op: number;
  sha: string;
  spa: string;
  tha: string;
  tpa: string;
}

/** The 28-byte Ethernet/IPv4 ARP packet (the Ethernet payload). */
export function buildArp(a: ArpSpec): Uint8Array {
  checkInt('arp op', a.op, 0, 0xffff);
  const out = new Uint8Array(ARP_LEN);
  out.set([0, 1, 0x08, 0x00, 6, 4, a.op >>> 8, a.op & 0xff]);
  out.set(parseMac(a.sha), 8);
  put32(out, 14, ipv4ToNumber(a.spa));
  out.set(parseMac(a.tha), 18);
  put32(out, 24, ipv4ToNumber(a.tpa));
  return out;
}

export interface ArpFrameCommon {
  vlan?: VlanSpec | readonly VlanSpec[];
  pad?: boolean;
}

/** A broadcast "who has tpa? tell spa" frame from sha. */
export function arpRequestFrame(a: { sha: string; spa: string; tpa: string } & ArpFrameCommon): Uint8Array {
  const body = buildArp({ op: ARP_OP.REQUEST, sha: a.sha, spa: a.spa, tha: ZERO_MAC, tpa: a.tpa });
  return buildEthernet({ dst: BROADCAST_MAC, src: a.sha, ethType: ETH_TYPE.ARP, vlan: a.vlan, pad: a.pad }, body);
}

/** A unicast "spa is at sha" frame from sha to tha (the requester). */
export function arpReplyFrame(a: { sha: string; spa: string; tha: string; tpa: string } & ArpFrameCommon): Uint8Array {
  const body = buildArp({ op: ARP_OP.REPLY, sha: a.sha, spa: a.spa, tha: a.tha, tpa: a.tpa });
  return buildEthernet({ dst: a.tha, src: a.sha, ethType: ETH_TYPE.ARP, vlan: a.vlan, pad: a.pad }, body);
}
