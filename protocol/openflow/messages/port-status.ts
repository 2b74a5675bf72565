import { struct, pad, u8 } from '../../wire/struct.js';
import { OFPT } from '../constants.js';
import { portStruct } from '../port.js';
import { messageCodec } from '../registry.js';

/** ofp_port_status up to its ofp_port. */
const head = struct('ofp_port_status', 8, [['reason', u8], pad(7)]);

export const portStatus = messageCodec({
  ofpType: OFPT.PORT_STATUS,
  name: 'portStatus',
  ofpName: 'OFPT_PORT_STATUS',
  minLength: 8 + head.size + portStruct.size,
  decode(r, xid) {
    const { reason } = head.decode(r);
    return { type: 'portStatus', xid, reason, desc: portStruct.decode(r) };
  },
  encode(w, msg) {
    head.encode(w, msg);
    portStruct.encode(w, msg.desc);
  },
});

export const codecs = [portStatus];
