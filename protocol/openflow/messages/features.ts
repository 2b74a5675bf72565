import { struct, pad, u8, u32, u64 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_switch_features after the header. */
const body = struct('ofp_switch_features', 24, [
  ['datapathId', u64],
  ['nBuffers', u32],
  ['nTables', u8],
  ['auxiliaryId', u8],
  pad(2),
  ['capabilities', u32],
  ['reserved', u32],
]);

/** OFPT_FEATURES_REPLY: fixed 32 bytes; OpenFlow 1.3 lists no ports here (PORT_DESC does). */
export const featuresReply = messageCodec({
  ofpType: OFPT.FEATURES_REPLY,
  name: 'featuresReply',
  ofpName: 'OFPT_FEATURES_REPLY',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'featuresReply', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const codecs = [featuresReply];
