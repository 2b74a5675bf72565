import { struct, mac, pad, u32 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_port_mod after the header. */
const body = struct('ofp_port_mod', 32, [
  ['portNo', u32],
  pad(4),
  ['hwAddr', mac],
  pad(2),
  ['config', u32],
  ['mask', u32],
  ['advertise', u32],
  pad(4),
]);

export const portMod = messageCodec({
  ofpType: OFPT.PORT_MOD,
  name: 'portMod',
  ofpName: 'OFPT_PORT_MOD',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'portMod', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const codecs = [portMod];
