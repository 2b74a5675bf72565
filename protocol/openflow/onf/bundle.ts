import type { Reader } from '../../wire/reader.js';
import { u32At } from '../../wire/reader.js';
import type { Writer } from '../../wire/writer.js';
import { OFP_HEADER_LEN, OFP_VERSION, OFPT } from '../constants.js';
import { OfCodecError } from '../error.js';
import { OFPBRC, OFPET } from '../error-codes.js';
import { BUNDLE_ADD_HEADER_LEN, ONF_BUNDLE_ERROR_BASE, ONF_EXPERIMENTER_ID, ONFT, OFPBFC } from './constants.js';
import type { BundleAdd, BundleControl, OnfMessage } from './types.js';

/**
 * Wire codec of the ONF bundle messages. The experimenter message codec hands over the body
 * after experimenter id and exp_type; decoding returns undefined for anything not in the exact
 * form encode writes back (an inner message that does not fit, non-zero or too much padding),
 * and the caller keeps the generic experimenter form so the bytes re-encode unchanged.
 */

const pad8 = (n: number) => (n + 7) & ~7;

export function decodeOnf(r: Reader, xid: number, expType: number): OnfMessage | undefined {
  const start = r.pos;
  const left = r.end - start;
  const b = r.buf;
  if (expType === ONFT.BUNDLE_CONTROL) {
    if (left < 8) return undefined;
    const bundleId = r.u32();
    const ctrlType = r.u16();
    const flags = r.u16();
    return { type: 'bundleControl', xid, bundleId, ctrlType, flags, properties: r.rest() } satisfies BundleControl;
  }
  if (expType === ONFT.BUNDLE_ADD_MESSAGE) {
    if (left < 8 + OFP_HEADER_LEN || b[start + 4] !== 0 || b[start + 5] !== 0) return undefined;
    const innerLen = (b[start + 10]! << 8) | b[start + 11]!;
    if (innerLen < OFP_HEADER_LEN || 8 + innerLen > left) return undefined;
    // Canonical: the outer message padded to 8 bytes with zeros, nothing else after the inner one.
    const total = OFP_HEADER_LEN + 8 + left;
    if (total !== pad8(OFP_HEADER_LEN + 8 + 8 + innerLen)) return undefined;
    for (let i = start + 8 + innerLen; i < r.end; i++) if (b[i] !== 0) return undefined;
    const bundleId = r.u32();
    r.skip(2);
    const flags = r.u16();
    const message = r.bytes(innerLen);
    r.rest();
    return { type: 'bundleAdd', xid, bundleId, flags, message } satisfies BundleAdd;
  }
  return undefined;
}

/** The body after experimenter id and exp_type; the exp_type to write first. */
export function onfExpType(msg: OnfMessage): number {
  return msg.type === 'bundleControl' ? ONFT.BUNDLE_CONTROL : ONFT.BUNDLE_ADD_MESSAGE;
}

export function encodeOnfBody(w: Writer, msg: OnfMessage, outerStart: number, xid: number): void {
  w.u32(msg.bundleId);
  if (msg.type === 'bundleControl') {
    w.u16(msg.ctrlType);
    w.u16(msg.flags);
    w.bytes(msg.properties);
    return;
  }
  w.u16(0);
  w.u16(msg.flags);
  const m = msg.message;
  const len = m.length >= 4 ? (m[2]! << 8) | m[3]! : -1;
  if (m.length < OFP_HEADER_LEN || len !== m.length || m[0] !== OFP_VERSION) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `bundleAdd.message: ${m.length} bytes that are not one whole OpenFlow 1.3 message`);
  }
  const at = w.pos;
  w.bytes(m);
  // The inner message carries the outer xid (EXT-230: they must be equal).
  w.dv.setUint32(at + 4, xid >>> 0);
  w.padTo(outerStart, 8);
}

/**
 * The bulk route's fast path: append ONFT_BUNDLE_ADD_MESSAGE around `inner` (an encoded OpenFlow
 * 1.3 message) to `w`, with xid 0 in both headers (SwitchConnection.sendEncoded gives both the
 * same fresh xid). Returns the outer length. Same bytes as encode({ type: 'bundleAdd', ... }).
 */
export function writeBundleAdd(w: Writer, bundleId: number, flags: number, inner: Uint8Array, from = 0, to = inner.length): number {
  // inner[from, to): the caller's buffer without a view made per message (the bulk route sends 100k).
  const innerLen = to - from;
  const len = pad8(BUNDLE_ADD_HEADER_LEN + innerLen);
  if (len > 0xffff) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `a bundle add of a ${innerLen}-byte message exceeds 65535 bytes`);
  w.ensure(len);
  const b = w.buf;
  const s = w.pos;
  b.fill(0, s, s + len);
  b[s] = OFP_VERSION;
  b[s + 1] = OFPT.EXPERIMENTER;
  w.dv.setUint16(s + 2, len);
  w.dv.setUint32(s + 8, ONF_EXPERIMENTER_ID);
  w.dv.setUint32(s + 12, ONFT.BUNDLE_ADD_MESSAGE);
  w.dv.setUint32(s + 16, bundleId >>> 0);
  w.dv.setUint16(s + 22, flags);
  b.set(from === 0 && to === inner.length ? inner : inner.subarray(from, to), s + BUNDLE_ADD_HEADER_LEN);
  w.dv.setUint32(s + BUNDLE_ADD_HEADER_LEN + 4, 0);
  w.pos = s + len;
  return len;
}

/**
 * Where the inner message's xid sits in an encoded ONFT_BUNDLE_ADD_MESSAGE (28, from `start`),
 * or -1 when bytes[start, end) is not one: lets a connection that assigns the outer xid give the inner one the same.
 */
export function bundleAddInnerXidAt(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (bytes[start + 1] !== OFPT.EXPERIMENTER || end - start < BUNDLE_ADD_HEADER_LEN + OFP_HEADER_LEN) return -1;
  return u32At(bytes, start + 8) === ONF_EXPERIMENTER_ID && u32At(bytes, start + 12) === ONFT.BUNDLE_ADD_MESSAGE ? BUNDLE_ADD_HEADER_LEN + 4 : -1;
}

const BFC_NAMES = new Map<number, string>(Object.entries(OFPBFC).map(([k, v]) => [v, `OFPBFC_${k}`]));

/**
 * Names of an experimenter error (type 0xffff) that Open vSwitch sends for a bundle in OpenFlow
 * 1.3: { type: 'OFPET_BUNDLE_FAILED', code: 'OFPBFC_BAD_ID' } and so on; undefined for others.
 */
export function onfErrorNames(experimenter: number | undefined, expType: number): { type: string; code: string } | undefined {
  if (experimenter !== ONF_EXPERIMENTER_ID) return undefined;
  const name = BFC_NAMES.get(expType - ONF_BUNDLE_ERROR_BASE);
  return name ? { type: 'OFPET_BUNDLE_FAILED', code: name } : undefined;
}
