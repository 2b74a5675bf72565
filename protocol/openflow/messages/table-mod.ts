import { struct, pad, u8, u32 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_table_mod after the header. */
const body = struct('ofp_table_mod', 8, [['tableId', u8], pad(3), ['config', u32]]);

export const tableMod = messageCodec({
  ofpType: OFPT.TABLE_MOD,
  name: 'tableMod',
  ofpName: 'OFPT_TABLE_MOD',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'tableMod', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const codecs = [tableMod];
