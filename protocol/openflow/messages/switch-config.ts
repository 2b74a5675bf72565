import { struct, u16 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** ofp_switch_config after the header: shared by GET_CONFIG_REPLY and SET_CONFIG. */
const body = struct('ofp_switch_config', 4, [
  ['flags', u16],
  ['missSendLen', u16],
]);

export const getConfigReply = messageCodec({
  ofpType: OFPT.GET_CONFIG_REPLY,
  name: 'getConfigReply',
  ofpName: 'OFPT_GET_CONFIG_REPLY',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'getConfigReply', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const setConfig = messageCodec({
  ofpType: OFPT.SET_CONFIG,
  name: 'setConfig',
  ofpName: 'OFPT_SET_CONFIG',
  minLength: 8 + body.size,
  decode: (r, xid) => ({ type: 'setConfig', xid, ...body.decode(r) }),
  encode: (w, msg) => body.encode(w, msg),
});

export const codecs = [getConfigReply, setConfig];
