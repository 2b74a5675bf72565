import { Reader, u32At } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { OFP_HEADER_LEN, OFP_VERSION, OFPT } from './constants.js';
import { OfCodecError } from './error.js';
import { OFPBRC, OFPET } from './error-codes.js';
import { allCodecs } from './messages/index.js';
import { decodePacketInFast } from './messages/packet-in.js';
import type { MessageCodec } from './registry.js';
import type { MessageType, OfMessage } from './types.js';

const byType: (MessageCodec | undefined)[] = [];
const byName = new Map<MessageType, MessageCodec>();
for (const c of allCodecs) {
  if (byType[c.ofpType] || byName.has(c.name)) throw new Error(`message type ${c.ofpName} registered twice`);
  byType[c.ofpType] = c;
  byName.set(c.name, c);
  for (const also of c.alsoEncodes ?? []) {
    if (byName.has(also)) throw new Error(`message type ${also} registered twice`);
    byName.set(also, c);
  }
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
  const n = buf.length;
  if (n < OFP_HEADER_LEN) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `message of ${n} bytes is shorter than the 8-byte header`);
  }
  // The header straight from the bytes: the Reader is made only for the body.
  const version = buf[0]!;
  const type = buf[1]!;
  const length = (buf[2]! << 8) | buf[3]!;
  const xid = u32At(buf, 4);
  if (length !== n) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `header length ${length} but ${n} bytes given`);
  }
  // HELLO of any version decodes, so a connection can negotiate (or refuse) the version.
  if (version !== OFP_VERSION && type !== OFPT.HELLO) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_VERSION, `version ${version} is not OpenFlow 1.3 (4)`);
  }
  if (type === OFPT.PACKET_IN) {
    const fast = decodePacketInFast(buf, xid);
    if (fast !== undefined) return fast;
  }
  const codec = byType[type];
  if (!codec) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_TYPE, `unknown message type ${type}`);
  if (length < codec.minLength) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName} of ${length} bytes is shorter than its minimum ${codec.minLength}`);
  }
  const r = new Reader(buf, OFP_HEADER_LEN, n);
  const msg = codec.decode(r, xid);
  if (r.pos !== r.end) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName}: ${r.end - r.pos} bytes left over after decoding`);
  }
  if (type === OFPT.HELLO) (msg as { version?: number }).version = version;
  return msg;
}

/**
 * Encode a message to a Buffer; lengths and padding are computed here. With a writer, the
 * message is appended at `w.pos` and the result is a view of those bytes in the writer's buffer
 * (valid until the writer is reused); without one, a new Writer is made per call. A connection
 * that batches writes should use encodeInto, which makes no view at all.
 */
export function encode(msg: OfMessage, w = new Writer(512)): Buffer {
  const start = w.pos;
  encodeInto(msg, w);
  return w.buf.subarray(start, w.pos);
}

/**
 * Append one encoded message to `w` (at `w.pos`) and return its length in bytes; the message is
 * `w.buf[w.pos - length, w.pos)`. Allocates nothing but the writer's growth, so a connection can
 * encode every message of a batch into one reusable Writer and write `w.finish()` once. On
 * OfCodecError `w.pos` is restored, so the batch is as it was.
 */
export function encodeInto(msg: OfMessage, w: Writer): number {
  const codec = byName.get(msg.type);
  if (!codec) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_TYPE, `cannot encode unknown message type ${JSON.stringify(msg.type)}`);
  const start = w.pos;
  try {
    w.ensure(OFP_HEADER_LEN);
    const b = w.buf;
    b[start] = msg.type === 'hello' ? (msg.version ?? OFP_VERSION) : OFP_VERSION;
    b[start + 1] = codec.ofpType;
    w.dv.setUint32(start + 4, msg.xid >>> 0);
    w.pos = start + OFP_HEADER_LEN;
    codec.encode(w, msg);
    const len = w.pos - start;
    if (len > 0xffff) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `${codec.ofpName} of ${len} bytes exceeds 65535`);
    w.patchU16(start + 2, len);
    return len;
  } catch (e) {
    w.pos = start;
    throw e;
  }
}
