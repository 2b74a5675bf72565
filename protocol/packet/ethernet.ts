import { formatMac, parseMac } from './addr.js';
import { EMPTY, INSPECT, checkBytes, checkInt, u16, u32 } from './bytes.js';
import { ETH_TYPE } from './constants.js';
import { short, type FrameState } from './frame-state.js';
import type { EthernetHeader, VlanTag } from './types.js';

/** Ethernet header whose MAC strings are formatted on first access. */
class Eth implements EthernetHeader {
  readonly #d: Uint8Array;
  #dst: string | undefined = undefined;
  #src: string | undefined = undefined;
  constructor(
    d: Uint8Array,
    readonly ethType: number,
    readonly vlans: readonly VlanTag[],
  ) {
    this.#d = d;
  }
  get dst(): string {
    return (this.#dst ??= formatMac(this.#d, 0));
  }
  get src(): string {
    return (this.#src ??= formatMac(this.#d, 6));
  }
  get dstNum(): number {
    return u16(this.#d, 0) * 0x100000000 + u32(this.#d, 2);
  }
  get srcNum(): number {
    return u16(this.#d, 6) * 0x100000000 + u32(this.#d, 8);
  }
  toJSON(): object {
    return { dst: this.dst, src: this.src, ethType: this.ethType, vlans: this.vlans };
  }
  [INSPECT](): object {
    return this.toJSON();
  }
}

function isTpid(t: number): boolean {
  return t === ETH_TYPE.VLAN || t === ETH_TYPE.QINQ || t === ETH_TYPE.VLAN_LEGACY_QINQ;
}

/** Decode the Ethernet header and VLAN tags into f.eth; returns the offset of the payload or -1. */
export function decodeEthernet(d: Uint8Array, f: FrameState): number {
  // The usual untagged frame in a few bytecodes, so parseFrame can inline the layers below it.
  if (d.length >= 14) {
    const type = u16(d, 12);
    // IPv4 first: then the isTpid call never runs, and V8 does not spend inlining budget on it.
    if (type === ETH_TYPE.IPV4 || !isTpid(type)) {
      f.eth = new Eth(d, type, EMPTY);
      return 14;
    }
  }
  return decodeTaggedOrShort(d, f);
}

/** VLAN-tagged or short frames. */
function decodeTaggedOrShort(d: Uint8Array, f: FrameState): number {
  const len = d.length;
  if (len < 14) {
    // Keep the promise that eth is always there: decode the bytes present, zero the rest.
    const z = new Uint8Array(14);
    z.set(d);
    f.eth = new Eth(z, u16(z, 12), EMPTY);
    short(f, 'ethernet', 0, 14, len);
    return -1;
  }
  let type = u16(d, 12);
  let off = 14;
  let vlans: VlanTag[] | undefined;
  while (isTpid(type)) {
    if (off + 4 > len) {
      f.eth = new Eth(d, type, vlans ?? EMPTY);
      short(f, 'vlan tag', off, 4, len);
      return -1;
    }
    const tci = u16(d, off);
    (vlans ??= []).push({ tpid: type, pcp: tci >>> 13, dei: (tci >>> 12) & 1, vid: tci & 0xfff });
    type = u16(d, off + 2);
    off += 4;
  }
  f.eth = new Eth(d, type, vlans ?? EMPTY);
  return off;
}

export interface VlanSpec {
  vid: number;
  pcp?: number;
  dei?: number;
  /** Default: 0x8100 for the innermost tag, 0x88a8 (802.1ad) for outer ones. */
  tpid?: number;
}

export interface EthernetSpec {
  dst: string;
  src: string;
  ethType: number;
  /** One tag, or several outermost first (QinQ). */
  vlan?: VlanSpec | readonly VlanSpec[];
  /** Zero-pad the frame to the 60-byte Ethernet minimum (without FCS). */
  pad?: boolean;
}

/** An Ethernet frame: header, VLAN tags, payload (no FCS). */
export function buildEthernet(h: EthernetSpec, payload: Uint8Array): Uint8Array {
  checkBytes('ethernet payload', payload);
  const dst = parseMac(h.dst);
  const src = parseMac(h.src);
  checkInt('ethType', h.ethType, 0, 0xffff);
  const tags: readonly VlanSpec[] = h.vlan === undefined ? [] : Array.isArray(h.vlan) ? h.vlan : [h.vlan as VlanSpec];
  const hdr = 14 + tags.length * 4;
  const total = Math.max(hdr + payload.length, h.pad ? 60 : 0);
  const out = new Uint8Array(total);
  out.set(dst, 0);
  out.set(src, 6);
  let o = 12;
  tags.forEach((t, i) => {
    const inner = i === tags.length - 1;
    const tpid = checkInt(`vlan[${i}].tpid`, t.tpid ?? (inner ? ETH_TYPE.VLAN : ETH_TYPE.QINQ), 0, 0xffff);
    const vid = checkInt(`vlan[${i}].vid`, t.vid, 0, 4095);
    const pcp = checkInt(`vlan[${i}].pcp`, t.pcp ?? 0, 0, 7);
    const dei = checkInt(`vlan[${i}].dei`, t.dei ?? 0, 0, 1);
    const tci = (pcp << 13) | (dei << 12) | vid;
    out[o] = tpid >>> 8;
    out[o + 1] = tpid & 0xff;
    out[o + 2] = tci >>> 8;
    out[o + 3] = tci & 0xff;
    o += 4;
  });
  out[o] = h.ethType >>> 8;
  out[o + 1] = h.ethType & 0xff;
  out.set(payload, hdr);
  return out;
}
