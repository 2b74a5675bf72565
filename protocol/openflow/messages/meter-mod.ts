import { struct, u16, u32 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { decodeMeterBands, encodeMeterBands } from '../meter-band.js';
import { messageCodec } from '../registry.js';

/** ofp_meter_mod up to its bands, which fill the rest of the message. */
const head = struct('ofp_meter_mod', 8, [['command', u16], ['flags', u16], ['meterId', u32]]);

export const meterMod = messageCodec({
  ofpType: OFPT.METER_MOD,
  name: 'meterMod',
  ofpName: 'OFPT_METER_MOD',
  minLength: 8 + head.size,
  decode(r, xid) {
    const h = head.decode(r);
    return { type: 'meterMod', xid, ...h, bands: decodeMeterBands(r) };
  },
  encode(w, msg) {
    head.encode(w, msg);
    encodeMeterBands(w, msg.bands);
  },
});

export const codecs = [meterMod];
