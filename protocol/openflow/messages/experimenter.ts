import { OFPT } from '../constants.js';
import { decodeOnf, encodeOnfBody, onfExpType } from '../onf/bundle.js';
import { ONF_EXPERIMENTER_ID } from '../onf/constants.js';
import type { MessageCodec } from '../registry.js';

/**
 * OFPT_EXPERIMENTER: experimenter id, experimenter-defined type, opaque data. The ONF bundle
 * messages (EXT-230) decode into their typed forms (bundleControl, bundleAdd) when their bytes
 * are canonical, and encode from them; every other experimenter message stays generic.
 */
export const experimenter: MessageCodec<'experimenter' | 'bundleControl' | 'bundleAdd'> = {
  ofpType: OFPT.EXPERIMENTER,
  name: 'experimenter',
  ofpName: 'OFPT_EXPERIMENTER',
  minLength: 16,
  alsoEncodes: ['bundleControl', 'bundleAdd'],
  decode(r, xid) {
    const experimenter = r.u32();
    const expType = r.u32();
    if (experimenter === ONF_EXPERIMENTER_ID) {
      const at = r.pos;
      const typed = decodeOnf(r, xid, expType);
      if (typed) return typed;
      r.pos = at;
    }
    return { type: 'experimenter', xid, experimenter, expType, data: r.rest() };
  },
  encode(w, msg) {
    if (msg.type !== 'experimenter') {
      const outerStart = w.pos - 8;
      w.u32(ONF_EXPERIMENTER_ID);
      w.u32(onfExpType(msg));
      encodeOnfBody(w, msg, outerStart, msg.xid);
      return;
    }
    w.u32(msg.experimenter);
    w.u32(msg.expType);
    w.bytes(msg.data);
  },
};

export const codecs = [experimenter];
