import { u32At, u64At, viewOf, type Reader } from '../../wire/reader.js';
import { struct, u8, u16, u32, u64 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { decodeMatch, encodeMatch, IN_PORT_HEADER } from '../match.js';
import type { PacketIn } from '../types.js';
import { messageCodec } from '../registry.js';
import { checkFastDecode } from './fast-path.js';

/** ofp_packet_in up to its match; the match, 2 bytes of padding and the frame follow. */
const head = struct('ofp_packet_in', 16, [
  ['bufferId', u32],
  ['totalLen', u16],
  ['reason', u8],
  ['tableId', u8],
  ['cookie', u64],
]);

/**
 * The controller's hot path: the head at fixed offsets straight from the reader's bytes (no
 * DataView; a zero cookie is a shared 0n). Checked against `head` at load (fast-path.ts). Small
 * enough for V8 to inline, so the returned object does not survive into the message.
 */
function decodeHead(r: Reader) {
  const p = r.pos;
  if (p + 16 > r.end) r.need(16, head.name);
  const b = r.buf;
  r.pos = p + 16;
  return {
    bufferId: u32At(b, p),
    totalLen: (b[p + 4]! << 8) | b[p + 5]!,
    reason: b[p + 6]!,
    tableId: b[p + 7]!,
    cookie: u64At(b, p + 8),
  };
}
checkFastDecode(head, decodeHead, { bufferId: 0x01020304, totalLen: 0x0506, reason: 7, tableId: 8, cookie: 0x090a0b0c0d0e0f10n });

/**
 * OFPT_PACKET_IN. The frame is returned as a view into the received buffer, not a copy.
 */
export const packetIn = messageCodec({
  ofpType: OFPT.PACKET_IN,
  name: 'packetIn',
  ofpName: 'OFPT_PACKET_IN',
  // header 8 + head 16 + empty match 8 + pad 2
  minLength: 34,
  decode(r, xid) {
    const h = decodeHead(r);
    const match = decodeMatch(r);
    r.skip(2);
    const data = r.rest();
    return {
      type: 'packetIn',
      xid,
      bufferId: h.bufferId,
      totalLen: h.totalLen,
      reason: h.reason,
      tableId: h.tableId,
      cookie: h.cookie,
      match,
      data,
    };
  },
  encode(w, msg) {
    head.encode(w, msg);
    encodeMatch(w, msg.match);
    w.zeros(2);
    w.bytes(msg.data);
  },
});

/**
 * The usual PACKET_IN, decoded straight from the message bytes with no Reader: a match that is
 * in_port alone (one constant-header TLV, 16 bytes padded) and its 2 pad bytes in place.
 * Anything else returns undefined and takes the generic path (same result, same errors);
 * test/protocol/hot-path-shortcuts.test.ts checks both give the same message.
 */
export function decodePacketInFast(b: Uint8Array, xid: number): PacketIn | undefined {
  // header 8 + head 16 + match 16 (type 1, length 12, in_port TLV, 4 pad) + 2 pad
  const n = b.length;
  if (n < 42 || b[24] !== 0 || b[25] !== 1 || b[26] !== 0 || b[27] !== 12 || u32At(b, 28) !== IN_PORT_HEADER) return undefined;
  return {
    type: 'packetIn',
    xid,
    bufferId: u32At(b, 8),
    totalLen: (b[12]! << 8) | b[13]!,
    reason: b[14]!,
    tableId: b[15]!,
    cookie: u64At(b, 16),
    match: [{ field: 'in_port', value: u32At(b, 32) }],
    data: viewOf(b, 42, n),
  };
}

export const codecs = [packetIn];
