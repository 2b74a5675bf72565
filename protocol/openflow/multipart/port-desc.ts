import { OFPMP } from '../constants.js';
import { portStruct } from '../port.js';
import { bodyCodec, decodeFixedArray, emptyRequest, encodeFixedArray } from './body-codec.js';

/** OFPMP_PORT_DESC: empty request, an array of 64-byte ofp_port in the reply. */
export const portDesc = bodyCodec({
  mpType: OFPMP.PORT_DESC,
  kind: 'portDesc',
  ...emptyRequest('portDesc'),
  decodeReply: (r) => ({ kind: 'portDesc', ports: decodeFixedArray(r, portStruct) }),
  encodeReply: (w, b) => encodeFixedArray(w, portStruct, b.ports),
});
