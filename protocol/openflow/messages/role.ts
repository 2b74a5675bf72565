import { struct, pad, u32, u64 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_role_request after the header: shared by ROLE_REQUEST and ROLE_REPLY. */
const body = struct('ofp_role_request', 16, [['role', u32], pad(4), ['generationId', u64]]);

export const roleRequest = messageCodec({
  ofpType: OFPT.ROLE_REQUEST,
  name: 'roleRequest',
  ofpName: 'OFPT_ROLE_REQUEST',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'roleRequest', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const roleReply = messageCodec({
  ofpType: OFPT.ROLE_REPLY,
  name: 'roleReply',
  ofpName: 'OFPT_ROLE_REPLY',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'roleReply', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const codecs = [roleRequest, roleReply];
