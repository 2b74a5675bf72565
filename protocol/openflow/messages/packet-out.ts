import { struct, pad, u16, u32 } from '../../wire/struct.js';
import type { Writer } from '../../wire/writer.js';
import { decodeActions, encodeActions } from '../actions.js';
import { OFPT } from '../constants.js';
import { OfCodecError } from '../error.js';
import { OFPBRC, OFPET } from '../error-codes.js';
import { messageCodec } from '../registry.js';
import { checkFastEncode } from './fast-path.js';

/** ofp_packet_out up to its action list; the frame follows the actions. */
const head = struct('ofp_packet_out', 16, [['bufferId', u32], ['inPort', u32], ['actionsLen', u16], pad(6)]);
type Head = Parameters<typeof head.encode>[1];

/** Offset of actions_len within the body, patched once the actions are written. */
const ACTIONS_LEN_AT = 8;

/** A value for an error message; JSON.stringify throws on a bigint. */
function show(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
}

/**
 * The head at fixed offsets (a reactive app sends one PACKET_OUT per PACKET_IN), checked
 * against `head` at load (fast-path.ts). Range-checked: apps build these.
 */
function encodeHead(w: Writer, m: Head): void {
  const { bufferId, inPort, actionsLen } = m;
  if (typeof bufferId !== 'number' || bufferId >>> 0 !== bufferId) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BUFFER_UNKNOWN, `packet out buffer id ${show(bufferId)} is not a 32-bit unsigned integer`);
  }
  if (typeof inPort !== 'number' || inPort >>> 0 !== inPort) {
    throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_PORT, `packet out in port ${show(inPort)} is not a 32-bit unsigned integer`);
  }
  w.ensure(16);
  const dv = w.dv;
  const p = w.pos;
  dv.setUint32(p, bufferId);
  dv.setUint32(p + 4, inPort);
  dv.setUint16(p + ACTIONS_LEN_AT, actionsLen);
  dv.setUint16(p + 10, 0);
  dv.setUint32(p + 12, 0);
  w.pos = p + 16;
}
checkFastEncode(head, encodeHead, { bufferId: 0x01020304, inPort: 0x05060708, actionsLen: 0x090a });

/**
 * OFPT_PACKET_OUT. actions_len must fit inside the message (else OFPBRC_BAD_LEN); the frame
 * after the actions is returned as a view, not a copy.
 */
export const packetOut = messageCodec({
  ofpType: OFPT.PACKET_OUT,
  name: 'packetOut',
  ofpName: 'OFPT_PACKET_OUT',
  minLength: 8 + head.size,
  decode(r, xid) {
    const h = head.decode(r);
    const actions = decodeActions(r.sub(h.actionsLen));
    return { type: 'packetOut', xid, bufferId: h.bufferId, inPort: h.inPort, actions, data: r.rest() };
  },
  encode(w, msg) {
    const start = w.pos;
    // actions_len is not known yet: write 0 and patch it after the actions.
    encodeHead(w, { bufferId: msg.bufferId, inPort: msg.inPort, actionsLen: 0 });
    encodeActions(w, msg.actions);
    const actionsLen = w.pos - start - head.size;
    if (actionsLen > 0xffff) throw new OfCodecError(OFPET.BAD_REQUEST, OFPBRC.BAD_LEN, `packet out actions of ${actionsLen} bytes exceed 65535`);
    w.patchU16(start + ACTIONS_LEN_AT, actionsLen);
    w.bytes(msg.data);
  },
});

export const codecs = [packetOut];
