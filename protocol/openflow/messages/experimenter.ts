import { OFPT } from '../constants.js';
import { messageCodec } from '../registry.js';

/** OFPT_EXPERIMENTER: experimenter id, experimenter-defined type, opaque data. */
export const experimenter = messageCodec({
  ofpType: OFPT.EXPERIMENTER,
  name: 'experimenter',
  ofpName: 'OFPT_EXPERIMENTER',
  minLength: 16,
  decode(r, xid) {
    const experimenter = r.u32();
    const expType = r.u32();
    return { type: 'experimenter', xid, experimenter, expType, data: r.rest() };
  },
  encode(w, msg) {
    w.u32(msg.experimenter);
    w.u32(msg.expType);
    w.bytes(msg.data);
  },
});

export const codecs = [experimenter];
