import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { OFP_HEADER_LEN, OFP_VERSION, OFPT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBRC, OFPET } from './error-codes.js';
import { allCodecs } from './messages/index.js';
import type { MessageCodec } from './registry.js';
import type { MessageType, OfMessage } from './types.js';

const byType: (MessageCodec | undefined)[] = [];
const byName = new Map<MessageType, MessageCodec>();
for (const c of allCodecs) {
  if (byType[c.ofpType] || byName.has(c.name)) throw new Error(`message type ${c.ofpName} registered twice`);
  byType[c.ofpType] = c;
  byName.set(c.name, c);
}

/** The codec for an ofp_type number, or undefined. */
export function codecForType(ofpType: number): MessageCodec | undefined {
  return byType[ofpType];
}

/** The codec for a message type name, or undefined. */
export function codecForName(name: MessageType): MessageCodec | undefined {
  return byName.get(name);
}

/**
 * Decode one whole OpenFlow 1.3 message. The view's byteOffset is respected and its length
 * must equal the header's length. Returns a message or throws OfCodecError, nothing else.
 */
export function decode(buf: Uint8Array): OfMessage {
  try {
    return decodeUnchecked(buf);
  } catch (e) {
    if (e instanceof OfCodecError) throw e;
    // A codec bug must still surface as the one error class, never as a TypeError or RangeError.
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `malformed message: ${(e as Error).message}`);
  }
}

function decodeUnchecked(buf: Uint8Array): OfMessage {
  if (buf.length < OFP_HEADER_LEN) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `message of ${buf.length} bytes is shorter than the 8-byte header`);
  }
  const r = new Reader(buf);
  const version = r.u8();
  const type = r.u8();
  const length = r.u16();
  const xid = r.u32();
  if (length !== buf.length) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `header length ${length} but ${buf.length} bytes given`);
  }
  // HELLO of any version decodes, so a connection can negotiate (or refuse) the version.
  if (version !== OFP_VERSION && type !== OFPT.HELLO) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_VERSION, `version ${version} is not OpenFlow 1.3 (4)`);
  }
  const codec = byType[type];
  if (!codec) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_TYPE, `unknown message type ${type}`);
  if (length < codec.minLength) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName} of ${length} bytes is shorter than its minimum ${codec.minLength}`);
  }
  const msg = codec.decode(r, xid);
  if (r.pos !== r.end) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName}: ${r.end - r.pos} bytes left over after decoding`);
  }
  if (type === OFPT.HELLO) (msg as { version?: number }).version = version;
  return msg;
}

/** Encode a message to a new Buffer; lengths and padding are computed here. */
export function encode(msg: OfMessage, w = new Writer(512)): Buffer {
  const codec = byName.get(msg.type);
  if (!codec) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_TYPE, `cannot encode unknown message type ${JSON.stringify(msg.type)}`);
  const start = w.pos;
  w.u8(msg.type === 'hello' ? (msg.version ?? OFP_VERSION) : OFP_VERSION);
  w.u8(codec.ofpType);
  w.u16(0);
  w.u32(msg.xid >>> 0);
  codec.encode(w, msg);
  const len = w.pos - start;
  if (len > 0xffff) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName} of ${len} bytes exceeds 65535`);
  w.patchU16(start + 2, len);
  return w.finish().subarray(start);
}
