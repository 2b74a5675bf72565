import { str, struct } from '../../wire/struct.js';
import { OFPMP } from '../constants.js';
import { bodyCodec, emptyRequest } from './body-codec.js';

/** ofp_desc: NUL-padded ASCII strings (DESC_STR_LEN 256, SERIAL_NUM_LEN 32). */
export const descStruct = struct('ofp_desc', 1056, [
  ['mfrDesc', str(256)],
  ['hwDesc', str(256)],
  ['swDesc', str(256)],
  ['serialNum', str(32)],
  ['dpDesc', str(256)],
]);

/** OFPMP_DESC: empty request, one ofp_desc in the reply. */
export const desc = bodyCodec({
  mpType: OFPMP.DESC,
  kind: 'desc',
  ...emptyRequest('desc'),
  decodeReply: (r) => ({ kind: 'desc', ...descStruct.decode(r) }),
  encodeReply: (w, b) => descStruct.encode(w, b),
});
