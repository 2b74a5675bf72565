import { struct, u8, u16, u32, u64 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { decodeMatch, encodeMatch } from '../match.js';
import { messageCodec } from '../registry.js';

/** ofp_flow_removed up to its match, which ends the message. */
const head = struct('ofp_flow_removed', 40, [
  ['cookie', u64],
  ['priority', u16],
  ['reason', u8],
  ['tableId', u8],
  ['durationSec', u32],
  ['durationNsec', u32],
  ['idleTimeout', u16],
  ['hardTimeout', u16],
  ['packetCount', u64],
  ['byteCount', u64],
]);

export const flowRemoved = messageCodec({
  ofpType: OFPT.FLOW_REMOVED,
  name: 'flowRemoved',
  ofpName: 'OFPT_FLOW_REMOVED',
  // header 8 + head 40 + empty match 8
  minLength: 56,
  decode(r, xid) {
    const h = head.decode(r);
    return { type: 'flowRemoved', xid, ...h, match: decodeMatch(r) };
  },
  encode(w, msg) {
    head.encode(w, msg);
    encodeMatch(w, msg.match);
  },
});

export const codecs = [flowRemoved];
