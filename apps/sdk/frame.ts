/**
 * The decoded frame of a packet-in. PLACEHOLDER until protocol/packet's parseFrame lands:
 * then Frame becomes its return type and decodeFrame calls it.
 */
import { macToString } from '../../protocol/index.js';

export interface Frame {
  readonly ethDst: string;
  readonly ethSrc: string;
  /** The ethertype after any 802.1Q tags. */
  readonly ethType: number;
  readonly vlan: number | undefined;
  readonly payload: Uint8Array;
}

export function decodeFrame(data: Uint8Array): Frame {
  if (data.length < 14) throw new RangeError(`frame of ${data.length} bytes is shorter than an Ethernet header`);
  let off = 12;
  let ethType = (data[off]! << 8) | data[off + 1]!;
  let vlan: number | undefined;
  if ((ethType === 0x8100 || ethType === 0x88a8) && data.length >= 18) {
    vlan = ((data[14]! << 8) | data[15]!) & 0x0fff;
    off = 16;
    ethType = (data[off]! << 8) | data[off + 1]!;
  }
  return { ethDst: macToString(data, 0), ethSrc: macToString(data, 6), ethType, vlan, payload: data.subarray(off + 2) };
}
