import { struct, pad, u8, u16, u32 } from '../../wire/struct.js';
import { decodeBuckets, encodeBuckets } from '../bucket.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_group_mod up to its buckets, which fill the rest of the message. */
const head = struct('ofp_group_mod', 8, [['command', u16], ['groupType', u8], pad(1), ['groupId', u32]]);

export const groupMod = messageCodec({
  ofpType: OFPT.GROUP_MOD,
  name: 'groupMod',
  ofpName: 'OFPT_GROUP_MOD',
  minLength: 8 + head.size,
  decode(r, xid) {
    const h = head.decode(r);
    return { type: 'groupMod', xid, ...h, buckets: decodeBuckets(r) };
  },
  encode(w, msg) {
    head.encode(w, msg);
    encodeBuckets(w, msg.buckets);
  },
});

export const codecs = [groupMod];
