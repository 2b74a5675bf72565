import { OFPT } from '../constants.js';
import { OFPET } from '../error-codes.js';
import { messageCodec } from '../registry.js';

/**
 * OFPT_ERROR: type, code, then data (the offending message's first bytes, or ASCII text for
 * HELLO_FAILED). The experimenter form (type 0xffff, ofp_error_experimenter_msg) carries
 * exp_type in place of code, then a 32-bit experimenter id before its data.
 */
export const error = messageCodec({
  ofpType: OFPT.ERROR,
  name: 'error',
  ofpName: 'OFPT_ERROR',
  minLength: 12,
  decode(r, xid) {
    const errType = r.u16();
    const code = r.u16();
    if (errType === OFPET.EXPERIMENTER) {
      const experimenter = r.u32();
      return { type: 'error', xid, errType, code, experimenter, data: r.rest() };
    }
    return { type: 'error', xid, errType, code, data: r.rest() };
  },
  encode(w, msg) {
    w.u16(msg.errType);
    w.u16(msg.code);
    if (msg.errType === OFPET.EXPERIMENTER) w.u32(msg.experimenter ?? 0);
    w.bytes(msg.data);
  },
});

export const codecs = [error];
